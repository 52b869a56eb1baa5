#pragma once
// What `podcast run` understands of dbt: its JSON log lines (progress and errors), its
// run_results.json (tests and time per step) and the --vars it is given.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "podcast/result.hpp"

namespace podcast {

// One finished node, from a Log*Result event (LogSeedResult, LogModelResult, LogTestResult, ...)
// or a SkippingDetails event.
struct NodeResult {
    std::string unique_id;
    std::string resource_type;  // seed, model, test, unit_test, snapshot
    std::string name;
    std::string schema;
    std::string status;  // success, error, pass, fail, warn, skipped
    double seconds = 0;
    int index = 0;
    int total = 0;
};

// A node that failed, with dbt's error message on one line.
struct NodeFailure {
    std::string resource_type;
    std::string name;
    std::string message;
};

// Reads dbt's `--log-format json` output, one line at a time.
class DbtLog {
public:
    // Returns the finished node the line reports, if it reports one. Also remembers failures,
    // errors not tied to a node, the pipeline step of every node seen and any refused load.
    std::optional<NodeResult> consume(std::string_view line);

    [[nodiscard]] const std::vector<NodeFailure>& failures() const noexcept { return failures_; }
    [[nodiscard]] const std::vector<std::string>& errors() const noexcept { return errors_; }
    // The first line dbt reported that refuses the load before anything is loaded, verbatim:
    // "load contract violated: file F, line N: ..." or "load refused: file F ...".
    [[nodiscard]] const std::optional<std::string>& load_refusal() const noexcept {
        return load_refusal_;
    }
    // Each node's pipeline step, from its meta `step` (dbt_project.yml sets it per folder:
    // load, validate, cleanse, analytics), by unique_id; nodes without one are absent.
    [[nodiscard]] const std::map<std::string, std::string>& step_by_node() const noexcept {
        return step_by_node_;
    }
    // Seconds the project's macros logged for a step inside a node ("podcast step seconds:
    // STEP=SECONDS", e.g. the load contract check while raw_events compiles), summed per step.
    [[nodiscard]] const std::map<std::string, double>& logged_step_seconds() const noexcept {
        return logged_step_seconds_;
    }
    // Whether dbt said its selection matched no node (NoNodesSelected, NothingToDo), and why
    // (its NoNodesForSelectionCriteria warnings).
    [[nodiscard]] bool no_nodes_selected() const noexcept { return no_nodes_selected_; }
    [[nodiscard]] std::string no_nodes_selected_reason() const;
    // Output that was not a JSON log line (a Python traceback, for instance); the last few.
    [[nodiscard]] const std::vector<std::string>& other_output() const noexcept {
        return other_output_;
    }

private:
    void remember_logged_step(std::string_view message);

    std::vector<NodeFailure> failures_;
    std::vector<std::string> errors_;
    std::optional<std::string> load_refusal_;
    std::map<std::string, std::string> step_by_node_;
    std::map<std::string, double> logged_step_seconds_;
    std::vector<std::string> other_output_;
    bool no_nodes_selected_ = false;
    std::vector<std::string> unmatched_selections_;
};

// "[ 3/42] seed       users                      success    0.08s"
std::string format_progress(const NodeResult& node);

// Text on one line: ANSI colour codes removed, runs of whitespace collapsed, ends trimmed.
std::string one_line(std::string_view text);

// Time per pipeline step in seconds, in the order they run.
struct StepTime {
    std::string
        step;  // seed, load, validate, cleanse, other models, analytics, tests, dbt start-up
    double seconds = 0;
};

struct RunResultsSummary {
    int tests_passed = 0;
    int tests_failed = 0;  // fail or error
    int tests_skipped = 0;
    int nodes_failed = 0;  // any node with status error or fail
    std::vector<StepTime> steps;
};

// Classifies each result of run_results.json by pipeline step: a node's meta `step` (from
// step_by_node, e.g. load, validate, cleanse, analytics); else seeds, tests and unit tests,
// on-run-start/end hooks by their type; other models. Steps are listed in pipeline order (hooks,
// seed, contract check, load, validate, cleanse, other models, analytics), any other step a meta
// names next, then tests. dbt start-up is the wall time of the whole dbt process minus
// run_results' elapsed_time (parsing, connecting and everything outside node execution). The
// load step's contract check is the "contract check" the macros logged, else its compile phase;
// the rest of it is the load.
RunResultsSummary summarize_run_results(
    const nlohmann::json& run_results, const std::map<std::string, std::string>& step_by_node,
    double wall_seconds, const std::map<std::string, double>& logged_step_seconds = {});

// What became of each node of run_results.json, by unique_id: {"status", "seconds"}, "failures"
// for a test, and dbt's "message" (on one line) for a node that neither succeeded nor passed.
nlohmann::ordered_json node_outcomes(const nlohmann::json& run_results);

// 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
std::string format_load_at(std::chrono::system_clock::time_point time);

// The JSON object for dbt's --vars: each KEY=VALUE checked against the run's vars (settings.hpp:
// an unknown KEY, or a VALUE its kind refuses, is ExitCode::usage), plus the given load_at unless
// a --var pins it.
Result<nlohmann::json> build_vars(const std::string& load_at,
                                  const std::vector<std::string>& key_values);

}  // namespace podcast
