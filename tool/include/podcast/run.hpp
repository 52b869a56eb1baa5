#pragma once
// `podcast run`: the whole pipeline through `dbt build`, with progress and a summary.
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "podcast/lock.hpp"
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
};

// Checks the inputs, takes the warehouse lock, runs dbt build (progress on `out`), prints the
// summary and appends the run to <warehouse>.runs.jsonl. A failing node is printed on `err`, one
// line each; the returned error is dbt's message (a load-contract violation verbatim).
Result<void> run_pipeline(const RunOptions& options, std::ostream& out, std::ostream& err);

// The last record of <warehouse>.runs.jsonl (a "started" line while a run is under way or after
// one was killed), or null when there is none. With an outcome, the last record with that outcome.
nlohmann::ordered_json last_run_record(const std::filesystem::path& warehouse,
                                       std::string_view outcome = {});

// The load_at from which a run's data tests need only check rows: that of the last successful run
// on the warehouse with the same inputs (fingerprint), since everything older passed its tests
// then. Empty (test every row) on a full refresh, or with no such run.
std::string tested_since(const std::filesystem::path& warehouse, const std::string& fingerprint,
                         bool full_refresh);

}  // namespace podcast
