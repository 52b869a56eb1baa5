#pragma once
// `podcast run`: the whole pipeline through `dbt build`, with progress and a summary.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "podcast/lock.hpp"
#include "podcast/log_format.hpp"
#include "podcast/result.hpp"

namespace podcast {

enum class Target { dev, prod };
enum class FullRefresh { no, yes };

struct RunOptions {
    Target target = Target::dev;
    FullRefresh full_refresh = FullRefresh::no;
    std::filesystem::path reference_dir;
    std::filesystem::path data_dir;
    std::filesystem::path warehouse;
    std::filesystem::path dbt;          // the dbt executable
    std::filesystem::path dbt_project;  // project and profiles directory; dbt's working directory
    std::vector<std::string> vars;      // KEY=VALUE
    WaitMode wait = WaitMode::fail_if_busy;
    // dbt node selection, dbt's syntax, passed to dbt build (each list joined by spaces: a union).
    // New event files are loaded only when the selection includes bronze.raw_events. A run with a
    // selection is partial: it always starts dbt (it asks for those nodes), and is never taken for
    // a complete run by a later one (the nothing-new shortcut, tested_since).
    std::vector<std::string> select;
    std::vector<std::string> exclude;
    // text: a progress line per finished node; json: dbt's JSON log events as they come, and
    // every other line as a JSON event of the same shape (log_format.hpp).
    LogFormat log_format = LogFormat::text;
    std::string origin;  // who started the run (e.g. "cron", "dagster run <id>"), for the runs log
};

// Checks the inputs, takes the warehouse lock, runs dbt build (progress on `out`), prints the
// summary (run_summary.hpp) and appends the run to <warehouse>.runs.jsonl (run_record.hpp). A
// failing node is printed on `err`, one line each; the returned error is dbt's message (a
// load-contract violation verbatim).
Result<void> run_pipeline(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace podcast
