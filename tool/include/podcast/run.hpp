#pragma once
// `podcast run`: the whole pipeline through `dbt build`, with progress and a summary.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

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
// summary (run_summary.hpp) and appends the run to <warehouse>.runs.jsonl (run_record.hpp). A
// failing node is printed on `err`, one line each; the returned error is dbt's message (a
// load-contract violation verbatim).
Result<void> run_pipeline(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace podcast
