#pragma once
// `podcast land`: moves complete event files from staging into the loading directory atomically,
// so the loader never sees a half-written file.
#include <filesystem>
#include <optional>
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

// What land does, or would do, with one complete file of the sources.
struct PlannedFile {
    std::string name;  // relative to the loading directory, '/'-separated
    std::filesystem::path source;
    LandOutcome outcome = LandOutcome::landed;  // landed: it moves (or would move)
    std::optional<Error> refusal;               // set when the file is refused (then no outcome)
};

// Every complete file of the sources with what land would do with it, decided before anything
// moves; and the files it leaves alone (incomplete: not *.json, or a part starting with '.').
struct LandPlan {
    std::vector<PlannedFile> files;    // by name
    std::vector<std::string> ignored;  // relative names of the sources' other files

    // The first refused file's reason, if any file is refused: land then moves nothing.
    [[nodiscard]] const Error* first_refusal() const noexcept;
};

// Each source is a staging directory (every complete file at any depth, named by its path
// relative to the directory; a symlink inside it is refused) or one file (named
// <parent dir>/<file>). Writes nothing. An error (ExitCode::refused unless a source is missing)
// when the sources as a whole cannot land: a source that is the loading directory, inside it or
// holding it; a loading directory whose path holds glob characters; a symlink in a staging
// directory; one name given twice. Refused per file (PlannedFile::refusal): an unsafe name; a
// name already in data_dir with different content (both MD5s named); a name the warehouse's
// record lists as loaded with other content, or with no recorded content. A name already present,
// or recorded as loaded, with the same content is already_present or already_loaded.
Result<LandPlan> plan_landing(const std::vector<std::filesystem::path>& sources,
                              const std::filesystem::path& data_dir, const LoadRecord& record = {});

// Lands what plan_landing plans, refusing everything (ExitCode::refused, the first refused file's
// reason) when it refuses any file. A file already present or loaded only has its source
// removed. Each move copies to a dot-named temporary file beside the destination, fsyncs it,
// renames it into place without replacing anything (a name another land placed meanwhile with the
// same content counts as already present), fsyncs the directory and removes the source. The
// landed files are in the plan's order.
Result<std::vector<LandedFile>> land(const LandPlan& landing,
                                     const std::filesystem::path& data_dir);

// plan_landing, then land that plan.
Result<std::vector<LandedFile>> land(const std::vector<std::filesystem::path>& sources,
                                     const std::filesystem::path& data_dir,
                                     const LoadRecord& record = {});

}  // namespace podcast
