#pragma once
// One pipeline run per warehouse: a run holds an exclusive flock on <warehouse>.lock (with its
// pid written inside) for its whole duration; readers take a shared one while they read, so a
// run never starts under them and they never read under a run.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <ostream>

#include "podcast/result.hpp"

namespace podcast {

enum class WaitMode { fail_if_busy, wait };

class WarehouseLock {
public:
    // For a pipeline run: creates the lock file if needed, locks it exclusively and writes this
    // process's pid into it. When another holder has it: fail_if_busy returns ExitCode::busy
    // naming the holder (a run's pid, or a reader and its pid: never the stale pid of a run that
    // has ended); wait says so on `progress` and blocks until it is free.
    static Result<WarehouseLock> acquire_exclusive(const std::filesystem::path& warehouse,
                                                   WaitMode wait, std::ostream& progress);

    // For a reader: a shared lock, never blocking. No lock file means no run ever held it, and
    // gives an empty lock. A run holding it gives ExitCode::busy naming the run's pid.
    static Result<WarehouseLock> acquire_shared(const std::filesystem::path& warehouse);

    // Holds nothing.
    static WarehouseLock none() noexcept { return WarehouseLock(-1); }

    WarehouseLock(const WarehouseLock&) = delete;
    WarehouseLock& operator=(const WarehouseLock&) = delete;
    WarehouseLock(WarehouseLock&& other) noexcept;
    WarehouseLock& operator=(WarehouseLock&& other) noexcept;
    ~WarehouseLock();

    [[nodiscard]] bool holds_lock() const noexcept { return fd_ >= 0; }

private:
    explicit WarehouseLock(int fd) noexcept : fd_(fd) {}
    int fd_ = -1;
};

// Which message ending a busy error gets: a reader is told to try again.
enum class BusyAdvice { none, try_again };

// Who holds the lock: a run (exclusive) or a reader (shared: podcast query, report or status).
enum class HolderKind { run, reader };

struct LockHolder {
    HolderKind kind = HolderKind::run;
    std::optional<pid_t> pid;
};

// "warehouse <path> is busy: a pipeline run (pid N) holds it[; try again when it ends]", or
// "... a reader (pid N) holds it ..." for a reader.
Error busy_error(const std::filesystem::path& warehouse, const LockHolder& holder,
                 BusyAdvice advice);
Error busy_error(const std::filesystem::path& warehouse, std::optional<pid_t> run_pid,
                 BusyAdvice advice);

// Who holds <warehouse>.lock now, as the kernel says (/proc/locks: the lock's kind and the pid
// that took it); without /proc/locks, a live pid in the file is a run, anything else a reader
// with no pid. nullopt when nobody holds it.
std::optional<LockHolder> current_lock_holder(const std::filesystem::path& warehouse);

// The pid written in <warehouse>.lock, if any.
std::optional<pid_t> lock_holder_pid(const std::filesystem::path& warehouse);

}  // namespace podcast
