#include "podcast/land.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <ranges>
#include <system_error>

#include "podcast/checksum.hpp"

namespace podcast {
namespace fs = std::filesystem;
namespace {

struct Candidate {
    fs::path source;
    std::string name;  // relative, '/'-separated
};

struct PlannedMove {
    Candidate candidate;
    LandOutcome outcome = LandOutcome::landed;
};

std::vector<std::string_view> parts_of(std::string_view name) {
    std::vector<std::string_view> parts;
    for (auto part : std::views::split(name, '/')) {
        parts.emplace_back(part.begin(), part.end());
    }
    return parts;
}

bool is_safe_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '/';
}

std::string errno_text() { return std::strerror(errno); }

// A file descriptor closed on scope exit.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }

private:
    int fd_;
};

Result<void> fsync_directory(const fs::path& directory) {
    FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.is_open() || ::fsync(fd.get()) != 0) {
        return fail("could not sync directory " + directory.string() + ": " + errno_text());
    }
    return {};
}

// Copies source to destination (which must not exist) and fsyncs it.
Result<void> copy_and_sync(const fs::path& source, const fs::path& destination) {
    FileDescriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.is_open()) {
        return fail("could not read " + source.string() + ": " + errno_text());
    }
    FileDescriptor out(::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!out.is_open()) {
        return fail("could not create " + destination.string() + ": " + errno_text());
    }
    std::array<char, 1 << 16> buffer{};
    for (;;) {
        const ssize_t count = ::read(in.get(), buffer.data(), buffer.size());
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            return fail("could not read " + source.string() + ": " + errno_text());
        }
        if (count == 0) {
            break;
        }
        for (ssize_t written = 0; written < count;) {
            const ssize_t step = ::write(out.get(), buffer.data() + written,
                                         static_cast<std::size_t>(count - written));
            if (step < 0 && errno == EINTR) {
                continue;
            }
            if (step < 0) {
                return fail("could not write " + destination.string() + ": " + errno_text());
            }
            written += step;
        }
    }
    if (::fsync(out.get()) != 0) {
        return fail("could not sync " + destination.string() + ": " + errno_text());
    }
    return {};
}

Result<std::vector<Candidate>> candidates_of(const fs::path& source) {
    std::error_code error;
    const fs::file_status status = fs::status(source, error);
    if (error || !fs::exists(status)) {
        return fail("staging path " + source.string() + " not found", ExitCode::not_found);
    }
    std::vector<Candidate> found;
    if (fs::is_regular_file(status)) {
        const fs::path absolute = fs::absolute(source).lexically_normal();
        found.push_back(Candidate{
            source, (absolute.parent_path().filename() / absolute.filename()).generic_string()});
        return found;
    }
    if (!fs::is_directory(status)) {
        return fail("staging path " + source.string() + " is neither a file nor a directory");
    }
    for (auto it = fs::recursive_directory_iterator(source, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        const std::string leaf = it->path().filename().string();
        if (it->is_directory() && leaf.starts_with('.')) {
            it.disable_recursion_pending();  // a hidden directory holds nothing complete
            continue;
        }
        if (it->is_regular_file()) {
            found.push_back(
                Candidate{it->path(), it->path().lexically_relative(source).generic_string()});
        }
    }
    if (error) {
        return fail("could not list " + source.string() + ": " + error.message());
    }
    return found;
}

Result<PlannedMove> plan(const Candidate& candidate, const fs::path& data_dir) {
    if (!is_safe_name(candidate.name)) {
        return fail("refusing " + candidate.source.string() + ": the name '" + candidate.name +
                    "' is unsafe to glob or quote (allowed: A-Z a-z 0-9 . _ - and /, no part "
                    "starting with '.')");
    }
    const fs::path destination = data_dir / candidate.name;
    std::error_code error;
    if (!fs::exists(destination, error)) {
        return PlannedMove{candidate, LandOutcome::landed};
    }
    auto source_md5 = md5_file(candidate.source);
    auto destination_md5 = md5_file(destination);
    if (!source_md5) {
        return std::unexpected(source_md5.error());
    }
    if (!destination_md5) {
        return std::unexpected(destination_md5.error());
    }
    if (*source_md5 != *destination_md5) {
        return fail("refusing " + candidate.source.string() + ": " + candidate.name +
                    " was already landed with different content (landed md5 " + *destination_md5 +
                    ", new md5 " + *source_md5 + ")");
    }
    return PlannedMove{candidate, LandOutcome::already_present};
}

Result<void> move_into_place(const Candidate& candidate, const fs::path& data_dir) {
    const fs::path destination = data_dir / candidate.name;
    const fs::path directory = destination.parent_path();
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) {
        return fail("could not create " + directory.string() + ": " + error.message());
    }
    std::string temporary_name = ".";  // a dot name: never loaded, never landed
    temporary_name += destination.filename().string();
    temporary_name += '.';
    temporary_name += std::to_string(::getpid());
    temporary_name += ".landing";
    const fs::path temporary = directory / temporary_name;
    fs::remove(temporary, error);
    if (auto copied = copy_and_sync(candidate.source, temporary); !copied) {
        fs::remove(temporary, error);
        return copied;
    }
    // No-replace, so a file landed meanwhile by someone else is never overwritten.
    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, destination.c_str(), RENAME_NOREPLACE) !=
        0) {
        const std::string reason = errno_text();
        fs::remove(temporary, error);
        return fail("could not move " + candidate.name + " into " + data_dir.string() + ": " +
                    reason);
    }
    return fsync_directory(directory);
}

void remove_source(const fs::path& source) {
    std::error_code error;
    fs::remove(source, error);  // landed already; a leftover source re-lands as a no-op
}

}  // namespace

bool is_complete_name(std::string_view relative_name) {
    if (!relative_name.ends_with(".json")) {
        return false;
    }
    return std::ranges::none_of(parts_of(relative_name),
                                [](std::string_view part) { return part.starts_with('.'); });
}

bool is_safe_name(std::string_view relative_name) {
    if (relative_name.empty() || !std::ranges::all_of(relative_name, is_safe_char)) {
        return false;
    }
    return std::ranges::none_of(parts_of(relative_name), [](std::string_view part) {
        return part.empty() || part.starts_with('.');
    });
}

Result<std::vector<LandedFile>> land(const std::vector<fs::path>& sources,
                                     const fs::path& data_dir) {
    std::error_code error;
    fs::create_directories(data_dir, error);
    if (error) {
        return fail("could not create the loading directory " + data_dir.string() + ": " +
                    error.message());
    }
    std::map<std::string, Candidate> by_name;
    for (const auto& source : sources) {
        auto found = candidates_of(source);
        if (!found) {
            return std::unexpected(found.error());
        }
        for (auto& candidate : *found) {
            if (!is_complete_name(candidate.name)) {
                continue;  // still being written, or not an event file
            }
            if (auto [it, inserted] = by_name.emplace(candidate.name, candidate); !inserted) {
                return fail("refusing " + candidate.source.string() + ": " + candidate.name +
                            " is also given as " + it->second.source.string());
            }
        }
    }
    std::vector<PlannedMove> moves;
    for (const auto& [name, candidate] : by_name) {
        auto planned = plan(candidate, data_dir);
        if (!planned) {
            return std::unexpected(planned.error());
        }
        moves.push_back(std::move(*planned));
    }
    std::vector<LandedFile> landed;
    for (const auto& move : moves) {
        if (move.outcome == LandOutcome::landed) {
            if (auto moved = move_into_place(move.candidate, data_dir); !moved) {
                return std::unexpected(moved.error());
            }
        }
        remove_source(move.candidate.source);
        landed.push_back(LandedFile{move.candidate.name, move.outcome});
    }
    return landed;
}

}  // namespace podcast
