#pragma once
// Where things live by default. The project root is compiled in (PODCAST_SOURCE_DIR) and can be
// moved with PODCAST_HOME; each default below can be set by its environment variable, and each
// subcommand's flag overrides both.
#include <filesystem>

namespace podcast {

// PODCAST_HOME, else the repository the tool was built from.
std::filesystem::path project_root();

struct DefaultPaths {
    std::filesystem::path warehouse;      // PODCAST_WAREHOUSE, else <root>/data/warehouse.duckdb
    std::filesystem::path data_dir;       // PODCAST_DATA_DIR, else <root>/data/loading
    std::filesystem::path reference_dir;  // PODCAST_REFERENCE_DIR, else <root>/data/demo/reference
    std::filesystem::path dbt;            // PODCAST_DBT, else <root>/.venv/bin/dbt
    std::filesystem::path dbt_project;    // <root>/warehouse (also the profiles dir)
};

// Reads the environment each time it is called.
DefaultPaths default_paths();

// <warehouse>.lock: the flock a pipeline run holds exclusively.
std::filesystem::path lock_file_for(const std::filesystem::path& warehouse);
// <warehouse>.runs.jsonl: one JSON line per pipeline run.
std::filesystem::path runs_log_for(const std::filesystem::path& warehouse);
// <warehouse>.dbt: dbt's target and log directories for this warehouse.
std::filesystem::path dbt_state_dir_for(const std::filesystem::path& warehouse);

}  // namespace podcast
