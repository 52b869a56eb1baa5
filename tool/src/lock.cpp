#include "podcast/lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "podcast/paths.hpp"

namespace podcast {
namespace {

bool is_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Readers hold the shared lock only while they read. When the pid in the file is not a live
// process, whoever holds the lock is such a reader (or the dbt child of a killed run), so a run
// gives it a moment before calling the warehouse busy.
constexpr auto reader_grace = std::chrono::seconds(3);
constexpr auto poll_interval = std::chrono::milliseconds(50);

bool try_flock(int fd, int operation) {
    while (::flock(fd, operation | LOCK_NB) != 0) {
        if (errno == EINTR) {
            continue;
        }
        return false;
    }
    return true;
}

Result<void> write_pid(int fd, const std::filesystem::path& path) {
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        return fail("could not write the pid into " + path.string() + ": " + std::strerror(errno));
    }
    return {};
}

}  // namespace

std::optional<pid_t> lock_holder_pid(const std::filesystem::path& warehouse) {
    std::ifstream in(lock_file_for(warehouse));
    std::string text;
    if (!(in >> text)) {
        return std::nullopt;
    }
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc{} || end != text.data() + text.size() || pid <= 0) {
        return std::nullopt;
    }
    return pid;
}

namespace {

std::string holder_text(const LockHolder& holder) {
    std::string text = holder.kind == HolderKind::run ? "a pipeline run" : "a reader";
    if (holder.pid) {
        text += " (pid " + std::to_string(*holder.pid) + ")";
    }
    return text;
}

}  // namespace

Error busy_error(const std::filesystem::path& warehouse, const LockHolder& holder,
                 BusyAdvice advice) {
    std::string message =
        "warehouse " + warehouse.string() + " is busy: " + holder_text(holder) + " holds it";
    if (holder.kind == HolderKind::reader) {
        message += " (podcast query, report or status)";
    }
    if (advice == BusyAdvice::try_again) {
        message += "; try again when it ends";
    }
    return Error{std::move(message), ExitCode::busy};
}

Error busy_error(const std::filesystem::path& warehouse, std::optional<pid_t> run_pid,
                 BusyAdvice advice) {
    return busy_error(warehouse, LockHolder{HolderKind::run, run_pid}, advice);
}

std::optional<LockHolder> current_lock_holder(const std::filesystem::path& warehouse) {
    const std::filesystem::path path = lock_file_for(warehouse);
    struct stat file {};
    std::ifstream locks("/proc/locks");
    if (::stat(path.c_str(), &file) == 0 && locks) {
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters are marked "->".
        char device[64];
        std::snprintf(device, sizeof device, "%02x:%02x:%llu", ::major(file.st_dev),
                      ::minor(file.st_dev), static_cast<unsigned long long>(file.st_ino));
        std::optional<LockHolder> reader;
        std::string line;
        while (std::getline(locks, line)) {
            std::istringstream fields(line);
            std::string number, type, advisory, mode, pid_text, where;
            fields >> number >> type;
            if (type == "->") {
                continue;
            }
            fields >> advisory >> mode >> pid_text >> where;
            if (type != "FLOCK" || where != device) {
                continue;
            }
            std::optional<pid_t> pid;
            pid_t value = 0;
            if (std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), value).ec ==
                    std::errc{} &&
                value > 0) {
                pid = value;
            }
            if (mode == "WRITE") {
                return LockHolder{HolderKind::run, pid};
            }
            if (!reader) {
                reader = LockHolder{HolderKind::reader, pid};
            }
        }
        return reader;
    }
    const std::optional<pid_t> pid = lock_holder_pid(warehouse);
    if (pid && is_alive(*pid)) {
        return LockHolder{HolderKind::run, pid};
    }
    return LockHolder{HolderKind::reader, std::nullopt};
}

Result<WarehouseLock> WarehouseLock::acquire_exclusive(const std::filesystem::path& warehouse,
                                                       WaitMode wait, std::ostream& progress) {
    const std::filesystem::path path = lock_file_for(warehouse);
    // Not close-on-exec on purpose: dbt inherits the lock, so if this process is killed the
    // warehouse stays locked until dbt, which is still writing it, has ended too.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        return fail("could not open the lock file " + path.string() + ": " + std::strerror(errno),
                    errno == ENOENT ? ExitCode::not_found : ExitCode::failure);
    }
    WarehouseLock lock(fd);
    const auto deadline = std::chrono::steady_clock::now() + reader_grace;
    while (!try_flock(fd, LOCK_EX)) {
        const LockHolder holder = current_lock_holder(warehouse).value_or(LockHolder{});
        if (holder.kind == HolderKind::reader && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(poll_interval);
            continue;
        }
        if (wait == WaitMode::fail_if_busy) {
            return std::unexpected(busy_error(warehouse, holder, BusyAdvice::none));
        }
        progress << "waiting: warehouse " << warehouse.string() << " is held by "
                 << holder_text(holder) << std::endl;
        while (::flock(fd, LOCK_EX) != 0) {
            if (errno != EINTR) {
                return fail("could not lock " + path.string() + ": " + std::strerror(errno));
            }
        }
        break;
    }
    if (auto written = write_pid(fd, path); !written) {
        return std::unexpected(written.error());
    }
    return lock;
}

Result<WarehouseLock> WarehouseLock::acquire_shared(const std::filesystem::path& warehouse) {
    const std::filesystem::path path = lock_file_for(warehouse);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return WarehouseLock(-1);
        }
        return fail("could not open the lock file " + path.string() + ": " + std::strerror(errno));
    }
    WarehouseLock lock(fd);
    if (!try_flock(fd, LOCK_SH)) {
        // Only an exclusive holder refuses a shared lock: a run, whose pid the kernel knows.
        auto holder = current_lock_holder(warehouse);
        const std::optional<pid_t> pid =
            holder && holder->pid ? holder->pid : lock_holder_pid(warehouse);
        return std::unexpected(busy_error(warehouse, pid, BusyAdvice::try_again));
    }
    return lock;
}

WarehouseLock::WarehouseLock(WarehouseLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

WarehouseLock& WarehouseLock::operator=(WarehouseLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

WarehouseLock::~WarehouseLock() {
    if (fd_ >= 0) {
        ::close(fd_);  // closing the last descriptor releases the flock
    }
}

}  // namespace podcast
