#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "podcast/lock.hpp"
#include "support.hpp"

using podcast::WaitMode;
using podcast::WarehouseLock;
using podcast::testing::TempDir;

namespace {

// A child process that takes the exclusive lock, reports through a pipe that it holds it, and
// releases it by exiting after `hold`.
class ChildHolder {
public:
    ChildHolder(const std::filesystem::path& warehouse, std::chrono::milliseconds hold) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(fds[0]);
            std::ostringstream ignored;
            auto lock =
                WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, ignored);
            const char ready = lock ? 'y' : 'n';
            (void)!::write(fds[1], &ready, 1);
            std::this_thread::sleep_for(hold);
            ::_exit(0);
        }
        ::close(fds[1]);
        char ready = 'n';
        (void)!::read(fds[0], &ready, 1);
        ::close(fds[0]);
        REQUIRE('y' == ready);
    }
    ChildHolder(const ChildHolder&) = delete;
    ChildHolder& operator=(const ChildHolder&) = delete;
    ~ChildHolder() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

private:
    pid_t pid_ = -1;
};

}  // namespace

SCENARIO("a second exclusive holder is refused, naming the first one's pid", "[lock]") {
    GIVEN("another process holding the warehouse lock") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        ChildHolder holder(warehouse, std::chrono::milliseconds(1500));
        WHEN("this process tries to lock it without waiting") {
            std::ostringstream progress;
            auto lock =
                WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, progress);
            THEN("it is refused as busy, naming the holder's pid") {
                REQUIRE_FALSE(lock.has_value());
                REQUIRE(podcast::ExitCode::busy == lock.error().code);
                const std::string expected = "warehouse " + warehouse.string() +
                                             " is busy: a pipeline run (pid " +
                                             std::to_string(holder.pid()) + ") holds it";
                REQUIRE(expected == lock.error().message);
            }
        }
    }
}

SCENARIO("a second lock object in the same process is refused too", "[lock]") {
    GIVEN("a lock held by one object") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        std::ostringstream progress;
        auto first = WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, progress);
        REQUIRE(first.has_value());
        WHEN("a second object asks for it") {
            auto second =
                WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, progress);
            THEN("flock refuses it and the message names this process") {
                REQUIRE_FALSE(second.has_value());
                REQUIRE_THAT(second.error().message,
                             Catch::Contains("(pid " + std::to_string(::getpid()) + ")"));
            }
        }
    }
}

SCENARIO("the lock is free again once its holder releases it", "[lock]") {
    TempDir dir;
    const auto warehouse = dir / "warehouse.duckdb";
    std::ostringstream progress;
    {
        auto first = WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, progress);
        REQUIRE(first.has_value());
    }
    WHEN("the lock is taken after the first holder went out of scope") {
        auto second = WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, progress);
        THEN("it is granted") { REQUIRE(second.has_value()); }
    }
}

SCENARIO("a run that waits gets the lock when the holder ends", "[lock]") {
    GIVEN("another process holding the lock briefly") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        ChildHolder holder(warehouse, std::chrono::milliseconds(300));
        WHEN("this process asks for it with WaitMode::wait") {
            std::ostringstream progress;
            auto lock = WarehouseLock::acquire_exclusive(warehouse, WaitMode::wait, progress);
            THEN("it says it is waiting and then holds the lock") {
                REQUIRE(lock.has_value());
                REQUIRE_THAT(progress.str(), Catch::StartsWith("waiting: warehouse"));
                REQUIRE(std::optional<pid_t>(::getpid()) == podcast::lock_holder_pid(warehouse));
            }
        }
    }
}

SCENARIO("a reader is refused while a run holds the lock", "[lock]") {
    GIVEN("another process holding the exclusive lock") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        ChildHolder holder(warehouse, std::chrono::milliseconds(1000));
        WHEN("a reader asks for the shared lock") {
            auto lock = WarehouseLock::acquire_shared(warehouse);
            THEN("it is busy, naming the pid and telling to try again") {
                REQUIRE_FALSE(lock.has_value());
                REQUIRE(podcast::ExitCode::busy == lock.error().code);
                REQUIRE_THAT(lock.error().message,
                             Catch::EndsWith("(pid " + std::to_string(holder.pid()) +
                                             ") holds it; try again when it ends"));
            }
        }
    }
}

SCENARIO("readers share the lock with each other", "[lock]") {
    TempDir dir;
    const auto warehouse = dir / "warehouse.duckdb";
    std::ostringstream progress;
    { REQUIRE(WarehouseLock::acquire_exclusive(warehouse, WaitMode::fail_if_busy, progress)); }
    auto first = WarehouseLock::acquire_shared(warehouse);
    REQUIRE(first.has_value());
    WHEN("a second reader asks") {
        auto second = WarehouseLock::acquire_shared(warehouse);
        THEN("it gets the lock too") {
            REQUIRE(second.has_value());
            REQUIRE(second->holds_lock());
        }
    }
}

SCENARIO("a reader of a warehouse never run takes no lock", "[lock]") {
    TempDir dir;
    WHEN("there is no lock file") {
        auto lock = WarehouseLock::acquire_shared(dir / "warehouse.duckdb");
        THEN("the reader proceeds holding nothing and creates no file") {
            REQUIRE(lock.has_value());
            REQUIRE_FALSE(lock->holds_lock());
            REQUIRE_FALSE(std::filesystem::exists(dir / "warehouse.duckdb.lock"));
        }
    }
}
