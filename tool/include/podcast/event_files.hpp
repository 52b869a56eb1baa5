#pragma once
// The event files of a loading directory as the load takes them, and the load contract checked
// on them in C++ before dbt starts (docs/data-contract.md, "Load"): every non-blank line one
// strict RFC 8259 JSON object holding the five keys, no duplicate key, valid UTF-8, at most
// max_line_bytes long. A run loads nothing unless every new file passes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/result.hpp"

namespace podcast {

// The longest line the load accepts, line break excluded (16 MiB). DuckDB's NDJSON reader is
// given a larger maximum_object_size, so this check is always the one that speaks.
inline constexpr std::size_t max_line_bytes = std::size_t{16} << 20;

// The keys every event line must hold (extra keys are ignored).
inline constexpr std::string_view event_keys[] = {"event_type", "user_id", "episode_id",
                                                  "timestamp", "duration"};

// True when the text holds a character DuckDB's file reader would take as a glob: * ? [ ] { }.
bool has_glob_characters(std::string_view text);

struct ListedFile {
    std::string name;  // relative to the loading directory, '/'-separated
    std::uintmax_t bytes = 0;
    std::filesystem::file_time_type modified{};
};

struct LoadingDirectoryListing {
    std::vector<ListedFile> event_files;  // complete *.json names, in name order
    std::vector<std::string> ignored;     // other regular files (not *.json), in name order
};

// Walks the loading directory without following links. Hidden entries (a part of the name
// starting with '.': land's temporary files) are passed over. Refused (ExitCode::refused), before
// anything is read: a loading directory whose path holds glob characters, a symlink or any entry
// that is neither a regular file nor a directory, and an event file whose name is unsafe to glob
// or quote (land's rule, is_safe_name).
Result<LoadingDirectoryListing> list_loading_directory(const std::filesystem::path& data_dir);

// What the check learnt of one file: its rows are its non-blank lines.
struct CheckedFile {
    std::string name;
    std::int64_t rows = 0;
    std::uintmax_t bytes = 0;
    std::string sha256;            // of the whole content, 64 lower-case hex digits
    bool byte_order_mark = false;  // the content starts with one (UTF-8's EF BB BF)
};

// Checks one file against the load contract. The error (ExitCode::refused) names the file, the
// physical line (1-based) and the key or the JSON fault: "event file 2024-08-01/events.json,
// line 3: missing key "duration"".
Result<CheckedFile> check_event_file(const std::filesystem::path& data_dir,
                                     const std::string& name);

// Checks the files on up to `threads` threads; the error is that of the first failing file in the
// given order.
Result<std::vector<CheckedFile>> check_event_files(const std::filesystem::path& data_dir,
                                                   const std::vector<std::string>& names,
                                                   unsigned threads);

}  // namespace podcast
