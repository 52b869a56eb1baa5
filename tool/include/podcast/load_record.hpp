#pragma once
// The warehouse's record of loaded event files (bronze.loaded_files: name, load_at, rows, bytes,
// sha256), written by dbt in the load's own transaction, and what `podcast run` and `podcast land`
// decide from it before dbt starts: which files are new, and which loaded names now hold other
// content (refused, never loaded twice and never skipped in silence).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "podcast/event_files.hpp"
#include "podcast/result.hpp"
#include "podcast/warehouse.hpp"

namespace podcast {

struct LoadedFile {
    std::string name;
    std::string load_at;  // YYYY-MM-DD HH:MM:SS[.ffffff], UTC
    std::int64_t rows = 0;
    std::optional<std::uintmax_t> bytes;  // unknown for files loaded by a hand-run dbt
    std::optional<std::string> sha256;
};

using LoadRecord = std::map<std::string, LoadedFile>;

// The record; empty when the warehouse or the table does not exist yet. A warehouse written
// before the record existed gives one entry per filename of bronze.raw_events (no bytes, no
// sha256).
Result<LoadRecord> read_load_record(WarehouseReader& reader);
Result<LoadRecord> read_load_record(const std::filesystem::path& warehouse, LockMode lock_mode);

// The latest load_at of the record, if any.
std::optional<std::string> latest_load_at(const LoadRecord& record);

// Which listed files a run loads: those whose name is not in the record. A listed file whose name
// is recorded but whose content differs (another size; or, when it was modified after its load,
// another SHA-256) refuses the run (ExitCode::refused), naming it.
Result<std::vector<std::string>> new_event_files(const std::filesystem::path& data_dir,
                                                 const std::vector<ListedFile>& listed,
                                                 const LoadRecord& record);

// Writes the manifest dbt's load reads (PODCAST_LOAD_MANIFEST): a CSV with the header
// filename,row_count,byte_count,sha256,read_path and one line per checked file. read_path is the
// file's absolute path, or for a file starting with a byte-order mark (which DuckDB's reader
// refuses) a copy without it in the manifest's directory (unmarked/<name>).
Result<void> write_load_manifest(const std::filesystem::path& manifest,
                                 const std::filesystem::path& data_dir,
                                 const std::vector<CheckedFile>& files);

}  // namespace podcast
