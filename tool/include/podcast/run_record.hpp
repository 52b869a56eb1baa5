#pragma once
// The runs log, <warehouse>.runs.jsonl: one JSON line per pipeline run (a "started" line first
// for a run that starts dbt), appended by `podcast run` and read by run, status and the bench.
#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace podcast {

// How a run ended, as the log spells it: "started" (dbt under way, or the run was killed),
// "success", "failed", "up to date" (nothing new, dbt not started), "refused" (an event file
// refused before dbt started).
enum class RunOutcome { started, success, failed, up_to_date, refused };

std::string_view outcome_name(RunOutcome outcome);

// One line of the runs log. Absent fields are left out of the line; the keys keep this order.
struct RunRecord {
    std::chrono::system_clock::time_point start;
    std::optional<std::chrono::system_clock::time_point> end;
    RunOutcome outcome = RunOutcome::started;
    std::optional<std::string> load_at;
    std::filesystem::path warehouse;
    std::string target;  // dev or prod
    std::optional<bool> full_refresh;
    std::optional<int> dbt_exit_status;
    std::optional<nlohmann::ordered_json> counts;   // tests, files, rows, invalid rows, layers
    std::optional<nlohmann::ordered_json> seconds;  // per step, and the total
    std::optional<std::string> inputs;              // the inputs' fingerprint
    // A partial run's selection (dbt's syntax, each --select or --exclude joined by spaces).
    std::optional<std::string> select;
    std::optional<std::string> exclude;
    std::optional<std::string> origin;  // who started the run (--origin)
    // What became of each dbt node (node_outcomes of run_results.json), for those who report runs
    // made elsewhere (the orchestrator).
    std::optional<nlohmann::ordered_json> nodes;
    std::optional<std::string> error;

    // start and end as 2024-08-01T10:05:09.000042Z.
    [[nodiscard]] nlohmann::ordered_json to_json() const;

    // Appends the line to runs_log_for(warehouse) in one O_APPEND write, so records never
    // interleave and a failed write leaves at most one torn line; after a torn last line (disk
    // full, a kill) the record starts a line of its own. A failure to write is a warning on `err`:
    // the run's outcome stands.
    void append(std::ostream& err) const;
};

// The last record of <warehouse>.runs.jsonl (a "started" line while a run is under way or after
// one was killed), or null when there is none. With an outcome, the last record with that outcome.
// Lines that do not parse (a torn line) are skipped.
nlohmann::ordered_json last_run_record(const std::filesystem::path& warehouse,
                                       std::string_view outcome = {});

// True for a record of a run that built the whole project (no --select or --exclude).
bool is_complete_run(const nlohmann::ordered_json& record);

// The load_at from which a run's data tests need only check rows: that of the last successful
// complete run on the warehouse with the same inputs (fingerprint), since everything older passed
// its tests then (a partial run tested only what it selected). Empty (test every row) on a full
// refresh, or with no such run.
std::string tested_since(const std::filesystem::path& warehouse, const std::string& fingerprint,
                         bool full_refresh);

// True when the last run on the warehouse that started dbt was complete (no selection) and
// succeeded with the same inputs (fingerprint): whatever a run builds from the inputs alone (the
// reference data's seeds and dimensions) is then in place as they would build it. A partial,
// failed or killed run, or other inputs, since then: false.
bool last_build_succeeded_with(const std::filesystem::path& warehouse,
                               const std::string& fingerprint);

}  // namespace podcast
