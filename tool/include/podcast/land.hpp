#pragma once
// `podcast land`: moves complete event files from staging into the loading directory atomically,
// so the loader never sees a half-written file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/result.hpp"

namespace podcast {

enum class LandOutcome { landed, already_present };

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
// relative to the directory) or one file (named <parent dir>/<file>). All names are checked
// before anything moves: an unsafe name, or a name already in data_dir with different content,
// refuses the whole call naming the file (and both MD5s). A name already present with the same
// content only removes the source. Each move copies to a dot-named temporary file beside the
// destination, fsyncs it, renames it into place, fsyncs the directory and removes the source.
Result<std::vector<LandedFile>> land(const std::vector<std::filesystem::path>& sources,
                                     const std::filesystem::path& data_dir);

}  // namespace podcast
