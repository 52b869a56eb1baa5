#pragma once
// What `podcast run` says about a finished dbt build, from dbt's artifacts alone (its exit status,
// its JSON log and run_results.json): the tests, the time per step and, for a failed build, the
// failing nodes and the run's one-line error. Computing it reads no file and no warehouse.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "podcast/dbt.hpp"
#include "podcast/result.hpp"

namespace podcast {

// What a dbt build left behind.
struct DbtOutcome {
    int exit_status = 0;
    DbtLog log;                  // every line dbt printed, consumed
    nlohmann::json run_results;  // run_results.json; null or discarded when dbt wrote none
    double wall_seconds = 0;     // the dbt process, start to exit
};

struct RunSummary {
    // Tests and time per step, the C++ contract check included; absent without run_results.json.
    std::optional<RunResultsSummary> results;
    // The contract check before dbt plus dbt's wall time.
    double total_seconds = 0;
    // One line per failing node ("failed: model raw_events: ...", DuckDB's hints left out) and
    // per error dbt reported besides the last ("dbt: ..."); empty when dbt succeeded.
    std::vector<std::string> failure_lines;
    // The run's error when dbt failed: a load-contract violation verbatim, else dbt's last error,
    // else the failed nodes, else dbt's exit status and last words.
    std::optional<Error> failure;

    // For the runs log: {"tests_passed": N, "tests_failed": N}, empty without results.
    [[nodiscard]] nlohmann::ordered_json counts() const;
    // For the runs log: seconds per step and "total", empty without results.
    [[nodiscard]] nlohmann::ordered_json step_seconds() const;
};

// contract_check_seconds: the C++ check of the new files before dbt started, added to the
// contract check dbt's macros logged (or put first).
RunSummary summarize_run(const DbtOutcome& dbt, double contract_check_seconds);

// "Tests: 2 passed, 1 failed[, 3 skipped]" and the "Time per step" table, each after a blank
// line; nothing without results.
void print_run_summary(const RunSummary& summary, std::ostream& out);

}  // namespace podcast
