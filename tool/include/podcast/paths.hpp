#pragma once
// Where things live by default. The tool finds its dbt project in one of two layouts:
//   a checkout: PODCAST_HOME if set, else the source tree the binary was built from (a binary
//     run from its build tree); the dbt project is <root>/warehouse, the data <root>/data and
//     dbt <root>/.venv/bin/dbt;
//   an installation (`cmake --install`): the binary is <prefix>/bin/podcast, found from its own
//     path, beside <prefix>/share/podcast/warehouse; the data is never under the prefix but in
//     $XDG_DATA_HOME/podcast (default ~/.local/share/podcast), and dbt is
//     <prefix>/lib/podcast/venv/bin/dbt (`make install` creates it).
// Each default below can be set by its environment variable, and each subcommand's flag
// overrides both.
#include <filesystem>
#include <string_view>

namespace podcast {

enum class LayoutKind { checkout, installed };

struct Layout {
    LayoutKind kind = LayoutKind::checkout;
    std::filesystem::path root;         // the checkout, or <prefix>/share/podcast
    std::filesystem::path dbt_project;  // <root>/warehouse (also the profiles dir)
    std::filesystem::path data;         // the default data folder
    std::filesystem::path dbt;          // the default dbt executable
};

// The layout of the running binary; reads the environment and the binary's path each time.
Layout layout();

// The layout of a binary at `executable`, for a checkout at `built_from` unless it sits in an
// installation or `home` (PODCAST_HOME) names one; `data_home` is where an installation keeps
// its data. What layout() uses, with everything it reads from the system given.
Layout layout_for(const std::filesystem::path& executable, std::string_view home,
                  const std::filesystem::path& built_from, const std::filesystem::path& data_home);

// layout().root: the checkout, or the installation's share/podcast.
std::filesystem::path project_root();

struct DefaultPaths {
    std::filesystem::path warehouse;      // PODCAST_WAREHOUSE, else <data>/warehouse.duckdb
    std::filesystem::path data_dir;       // PODCAST_DATA_DIR, else <data>/loading
    std::filesystem::path reference_dir;  // PODCAST_REFERENCE_DIR, else <data>/demo/reference
    std::filesystem::path dbt;            // PODCAST_DBT, else the layout's dbt
    std::filesystem::path dbt_project;    // the layout's dbt project (also the profiles dir)
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
