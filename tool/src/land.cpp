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
#include "podcast/event_files.hpp"

namespace podcast {
namespace fs = std::filesystem;
namespace {

struct Candidate {
    fs::path source;
    std::string name;  // relative, '/'-separated
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
        if (it->is_symlink() && !leaf.starts_with('.')) {
            return fail("refusing " + it->path().string() +
                            ": a symlink in a staging directory (land takes regular files; give "
                            "a linked file as its own SRC to land its content)",
                        ExitCode::refused);
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

PlannedFile planned(const Candidate& candidate, LandOutcome outcome) {
    return PlannedFile{candidate.name, candidate.source, outcome, std::nullopt};
}

PlannedFile refused(const Candidate& candidate, std::string reason) {
    return PlannedFile{candidate.name, candidate.source, LandOutcome::landed,
                       Error{std::move(reason), ExitCode::refused}};
}

// Whether the source holds what the warehouse recorded loading under its name.
Result<PlannedFile> plan_against_record(const Candidate& candidate, const LoadedFile& loaded) {
    const std::string refusal = "refusing " + candidate.source.string() + ": " + candidate.name +
                                " was loaded at " + loaded.load_at;
    if (!loaded.sha256) {
        return refused(candidate,
                       refusal +
                           ", and its content then is not recorded, so a re-delivery cannot "
                           "be told from new events: deliver them under a new name");
    }
    auto sha256 = sha256_file(candidate.source);
    if (!sha256) {
        return std::unexpected(sha256.error());
    }
    if (*sha256 != *loaded.sha256) {
        return refused(candidate, refusal + " with different content (loaded sha256 " +
                                      *loaded.sha256 + ", new sha256 " + *sha256 +
                                      "): a loaded file is never loaded again; deliver new events "
                                      "under a new name");
    }
    return planned(candidate, LandOutcome::already_loaded);
}

Result<PlannedFile> plan(const Candidate& candidate, const fs::path& data_dir,
                         const LoadRecord& record) {
    if (!is_safe_name(candidate.name)) {
        return refused(candidate, "refusing " + candidate.source.string() + ": the name '" +
                                      candidate.name +
                                      "' is unsafe to glob or quote (allowed: A-Z a-z 0-9 . _ - "
                                      "and /, no part starting with '.')");
    }
    const fs::path destination = data_dir / candidate.name;
    std::error_code error;
    if (!fs::exists(destination, error)) {
        if (const auto loaded = record.find(candidate.name); loaded != record.end()) {
            return plan_against_record(candidate, loaded->second);
        }
        return planned(candidate, LandOutcome::landed);
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
        return refused(candidate, "refusing " + candidate.source.string() + ": " + candidate.name +
                                      " was already landed with different content (landed md5 " +
                                      *destination_md5 + ", new md5 " + *source_md5 + ")");
    }
    return planned(candidate, LandOutcome::already_present);
}

// True when the same bytes are in both files.
bool same_content(const fs::path& first, const fs::path& second) {
    auto a = md5_file(first);
    auto b = md5_file(second);
    return a && b && *a == *b;
}

// The source must come from outside the loading directory: landing the loading directory, a
// folder inside it or one holding it would move (and remove) the files it already holds.
Result<void> check_source_outside(const fs::path& source, const fs::path& data_dir) {
    std::error_code error;
    const fs::path from = fs::weakly_canonical(fs::absolute(source), error);
    const fs::path into = fs::weakly_canonical(fs::absolute(data_dir), error);
    auto is_within = [](const fs::path& path, const fs::path& directory) {
        const fs::path relative = path.lexically_relative(directory);
        return !relative.empty() && *relative.begin() != "..";
    };
    if (is_within(from, into)) {
        return fail("refusing " + source.string() + ": it is the loading directory " +
                        into.string() + " or inside it (land moves files from staging into it)",
                    ExitCode::refused);
    }
    if (is_within(into, from)) {
        return fail("refusing " + source.string() + ": it holds the loading directory " +
                        into.string() + " (land moves files from staging into it)",
                    ExitCode::refused);
    }
    return {};
}

Result<LandOutcome> move_into_place(const Candidate& candidate, const fs::path& data_dir) {
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
        return std::unexpected(copied.error());
    }
    // No-replace, so a file landed meanwhile by someone else is never overwritten.
    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, destination.c_str(), RENAME_NOREPLACE) !=
        0) {
        const int code = errno;
        const std::string reason = errno_text();
        fs::remove(temporary, error);
        if (code == EEXIST && same_content(candidate.source, destination)) {
            return LandOutcome::already_present;  // another land moved the same file meanwhile
        }
        if (code == EEXIST) {
            return fail("refusing " + candidate.source.string() + ": " + candidate.name +
                            " was landed meanwhile, by another land, with different content",
                        ExitCode::refused);
        }
        return fail("could not move " + candidate.name + " into " + data_dir.string() + ": " +
                    reason);
    }
    if (auto synced = fsync_directory(directory); !synced) {
        return std::unexpected(synced.error());
    }
    return LandOutcome::landed;
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

const Error* LandPlan::first_refusal() const noexcept {
    for (const auto& file : files) {
        if (file.refusal) {
            return &*file.refusal;
        }
    }
    return nullptr;
}

Result<LandPlan> plan_landing(const std::vector<fs::path>& sources, const fs::path& data_dir,
                              const LoadRecord& record) {
    if (has_glob_characters(fs::absolute(data_dir).lexically_normal().string())) {
        return fail("the loading directory " + data_dir.string() +
                        " holds a glob character (* ? [ ] { }), which the load would expand: "
                        "choose a path without them (--data-dir)",
                    ExitCode::refused);
    }
    for (const auto& source : sources) {
        if (auto outside = check_source_outside(source, data_dir); !outside) {
            return std::unexpected(outside.error());
        }
    }
    std::map<std::string, Candidate> by_name;
    LandPlan landing;
    for (const auto& source : sources) {
        auto found = candidates_of(source);
        if (!found) {
            return std::unexpected(found.error());
        }
        for (auto& candidate : *found) {
            if (!is_complete_name(candidate.name)) {
                landing.ignored.push_back(candidate.name);  // still being written, or not events
                continue;
            }
            if (auto [it, inserted] = by_name.emplace(candidate.name, candidate); !inserted) {
                return fail("refusing " + candidate.source.string() + ": " + candidate.name +
                                " is also given as " + it->second.source.string(),
                            ExitCode::refused);
            }
        }
    }
    std::ranges::sort(landing.ignored);
    for (const auto& [name, candidate] : by_name) {
        auto file = plan(candidate, data_dir, record);
        if (!file) {
            return std::unexpected(file.error());
        }
        landing.files.push_back(std::move(*file));
    }
    return landing;
}

Result<std::vector<LandedFile>> land(const LandPlan& landing, const fs::path& data_dir) {
    if (const Error* refusal = landing.first_refusal()) {
        return std::unexpected(*refusal);
    }
    std::error_code error;
    fs::create_directories(data_dir, error);
    if (error) {
        return fail("could not create the loading directory " + data_dir.string() + ": " +
                    error.message());
    }
    std::vector<LandedFile> landed;
    for (const auto& file : landing.files) {
        LandOutcome outcome = file.outcome;
        if (outcome == LandOutcome::landed) {
            auto moved = move_into_place(Candidate{file.source, file.name}, data_dir);
            if (!moved) {
                return std::unexpected(moved.error());
            }
            outcome = *moved;
        }
        remove_source(file.source);
        landed.push_back(LandedFile{file.name, outcome});
    }
    return landed;
}

Result<std::vector<LandedFile>> land(const std::vector<fs::path>& sources, const fs::path& data_dir,
                                     const LoadRecord& record) {
    auto landing = plan_landing(sources, data_dir, record);
    if (!landing) {
        return std::unexpected(landing.error());
    }
    return land(*landing, data_dir);
}

}  // namespace podcast
