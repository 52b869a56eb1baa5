#pragma once
// `podcast land`: moves complete event files from staging into the loading directory atomically,
// so the loader never sees a half-written file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/load_record.hpp"
#include "podcast/result.hpp"

namespace podcast {

// already_present: the same content is in the loading directory; already_loaded: the warehouse
// recorded loading the same content under that name (the loaded copy may have been archived).
enum class LandOutcome { landed, already_present, already_loaded };

struct LandedFile {
    std::string name;  // relative to the loading directory, '/'-separated
    LandOutcome outcome = LandOutcome::landed;
};

// A complete file: its name ends in ".json" and no part of it starts with '.'.
bool is_complete_name(std::string_view relative_name);
// Safe to glob and to quote in SQL: only A-Z a-z 0-9 . _ - and '/', no part starting with '.',
// no empty part.
bool is_safe_name(std::string_view relative_name);

// Each source is a staging directory (every complete file at any depth, named by its path
// relative to the directory; a symlink inside it is refused) or one file (named
// <parent dir>/<file>). Refused before anything moves (ExitCode::refused): a source that is the
// loading directory, inside it or holding it; a loading directory whose path holds glob
// characters; an unsafe name; a name already in data_dir with different content (both MD5s
// named); a name the warehouse's record lists as loaded with other content, or with no recorded
// content. A name already present, or recorded as loaded, with the same content only removes the
// source. Each move copies to a dot-named temporary file beside the destination, fsyncs it,
// renames it into place without replacing anything (a name another land placed meanwhile with the
// same content counts as already present), fsyncs the directory and removes the source.
Result<std::vector<LandedFile>> land(const std::vector<std::filesystem::path>& sources,
                                     const std::filesystem::path& data_dir,
                                     const LoadRecord& record = {});

}  // namespace podcast
