#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "podcast/run_summary.hpp"

using podcast::DbtOutcome;

namespace {

// A dbt build that wrote these log lines and run_results.json and exited with `exit_status`
// after `wall_seconds`.
DbtOutcome outcome_of(const std::vector<std::string>& log_lines, const std::string& run_results,
                      int exit_status, double wall_seconds) {
    DbtOutcome dbt;
    for (const auto& line : log_lines) {
        dbt.log.consume(line);
    }
    dbt.run_results = nlohmann::json::parse(run_results, nullptr, false);
    dbt.exit_status = exit_status;
    dbt.wall_seconds = wall_seconds;
    return dbt;
}

const std::string gold_model_line =
    R"({"info": {"name": "LogModelResult", "level": "info", "msg": "OK"}, "data": {"status": "OK", "execution_time": 0.75, "index": 2, "total": 4, "node_info": {"unique_id": "model.podcast.fact_user_interactions", "resource_type": "model", "node_name": "fact_user_interactions", "meta": {"step": "analytics"}, "node_relation": {"schema": "gold"}}}})";

// Each model's pipeline step is its meta step, which dbt's log carries in node_info.
const std::string load_model_line =
    R"({"info": {"name": "LogModelResult", "level": "info", "msg": "OK"}, "data": {"status": "OK", "execution_time": 1.25, "index": 1, "total": 4, "node_info": {"unique_id": "model.podcast.raw_events", "resource_type": "model", "node_name": "raw_events", "meta": {"step": "load"}, "node_relation": {"schema": "bronze"}}}})";

const std::string logged_check_line =
    R"({"info": {"name": "JinjaLogInfo", "level": "info", "msg": "podcast step seconds: contract check=0.25"}, "data": {}})";

const std::string run_results_text = R"({"elapsed_time": 4.0, "results": [
    {"unique_id": "seed.podcast.users", "status": "success", "execution_time": 0.5},
    {"unique_id": "model.podcast.raw_events", "status": "success", "execution_time": 1.25},
    {"unique_id": "model.podcast.fact_user_interactions", "status": "success", "execution_time": 0.75},
    {"unique_id": "test.podcast.unique_x.abc", "status": "pass", "execution_time": 0.25},
    {"unique_id": "test.podcast.not_null_y.def", "status": "fail", "execution_time": 0.25},
    {"unique_id": "test.podcast.accepted_z.ghi", "status": "skipped", "execution_time": 0}]})";

const std::string node_error_line =
    R"({"info": {"name": "RunResultError", "level": "error", "msg": "x"}, "data": {"msg": "Runtime Error in model cleansed_events (models/silver/cleansed_events.sql)\n  Binder Error: column x not found\n\nLINE 1: select x\n               ^", "node_info": {"unique_id": "model.podcast.cleansed_events", "resource_type": "model", "node_name": "cleansed_events"}}})";

const std::string contract_error_line =
    R"({"info": {"name": "RunResultError", "level": "error", "msg": "x"}, "data": {"msg": "Runtime Error in model raw_events\n  Invalid Input Error: load contract violated: file 2024-08-01/events.json, line 3: missing key episode_id", "node_info": {"unique_id": "model.podcast.raw_events", "resource_type": "model", "node_name": "raw_events"}}})";

// As dbt reports a refusal the load macros raise while raw_events compiles (Snowflake).
const std::string refused_load_line =
    R"json({"info": {"name": "RunResultError", "level": "error", "msg": "x"}, "data": {"msg": "Compilation Error in model raw_events (models/bronze/raw_events.sql)\n  load refused: file 2024-08-01/events.json has 3 event lines on the stage but 5 in the loading directory when podcast run checked it; nothing was loaded\n  \n  > in macro refuse_differing_landed_counts (macros/load/contract.sql)", "node_info": {"unique_id": "model.podcast.raw_events", "resource_type": "model", "node_name": "raw_events"}}})json";

std::string error_line(const std::string& message) {
    return nlohmann::json{
        {"info", {{"name", "MainEncounteredError"}, {"level", "error"}, {"msg", message}}},
        {"data", nlohmann::json::object()}}
        .dump();
}

}  // namespace

SCENARIO("a successful build's summary counts tests and times each step from the artifacts",
         "[run]") {
    GIVEN("a dbt build of 6 seconds whose macros logged a quarter-second contract check") {
        const DbtOutcome dbt = outcome_of({load_model_line, gold_model_line, logged_check_line},
                                          run_results_text, 0, 6.0);
        WHEN("it is summarised with half a second of contract check before dbt") {
            const auto summary = podcast::summarize_run(dbt, 0.5);
            THEN("it did not fail") {
                REQUIRE_FALSE(summary.failure.has_value());
                REQUIRE(summary.failure_lines.empty());
            }
            THEN("the runs log's counts are the tests passed and failed") {
                REQUIRE(nlohmann::ordered_json{{"tests_passed", 1}, {"tests_failed", 1}} ==
                        summary.counts());
            }
            THEN(
                "both contract checks make one step, the gold model is analytics, and the total "
                "is dbt's time and the check before it") {
                REQUIRE(nlohmann::ordered_json::parse(R"({"seed": 0.5, "contract check": 0.75,
                    "load": 1.0, "analytics": 0.75, "tests": 0.5, "dbt start-up": 2.0,
                    "total": 6.5})") == summary.step_seconds());
            }
            THEN(
                "the printed summary has the tests, the skipped ones, a header and a line per "
                "step and the total") {
                std::ostringstream out;
                podcast::print_run_summary(summary, out);
                REQUIRE_THAT(out.str(),
                             Catch::StartsWith("\nTests: 1 passed, 1 failed, 1 skipped\n\n"
                                               "Time per step\n"));
                REQUIRE_THAT(out.str(), Catch::Contains("contract check"));
                REQUIRE_THAT(out.str(), Catch::Contains("6.50"));
                const std::string text = out.str();
                REQUIRE(2 + 2 + 2 + 7 == std::count(text.begin(), text.end(), '\n'));
            }
        }
    }
}

SCENARIO("a build without run_results.json has no tests or steps to report", "[run]") {
    const DbtOutcome dbt = outcome_of({}, "", 2, 1.5);
    const auto summary = podcast::summarize_run(dbt, 0.25);
    REQUIRE_FALSE(summary.results.has_value());
    REQUIRE(nlohmann::ordered_json::object() == summary.counts());
    REQUIRE(nlohmann::ordered_json::object() == summary.step_seconds());
    std::ostringstream out;
    podcast::print_run_summary(summary, out);
    REQUIRE(out.str().empty());
    REQUIRE("dbt build exited with status 2" == summary.failure->message);
}

SCENARIO("a failed build names each failing node on one line, without DuckDB's hints", "[run]") {
    GIVEN("a build where one model failed and dbt reported two errors besides") {
        const DbtOutcome dbt = outcome_of({node_error_line, error_line("Database Error: first"),
                                           error_line("Database Error: last")},
                                          run_results_text, 1, 3.0);
        const auto summary = podcast::summarize_run(dbt, 0);
        THEN("the failing node, then every error but the last, each on a line") {
            REQUIRE(std::vector<std::string>{
                        "failed: model cleansed_events: Runtime Error in model cleansed_events "
                        "(models/silver/cleansed_events.sql) Binder Error: column x not found",
                        "dbt: Database Error: first"} == summary.failure_lines);
        }
        THEN("the run's error is dbt's last error") {
            REQUIRE(summary.failure.has_value());
            REQUIRE("dbt build failed: Database Error: last" == summary.failure->message);
            REQUIRE(podcast::ExitCode::failure == summary.failure->code);
        }
    }
}

SCENARIO("a model out of memory names the pipeline's memory setting, not DuckDB's hints", "[run]") {
    // As dbt-duckdb reports DuckDB 1.4's out-of-memory error (the 50M bench before the cleanse's
    // dedup was reshaped).
    const std::string out_of_memory_line =
        R"({"info": {"name": "RunResultError", "level": "error", "msg": "x"}, "data": {"msg": "Runtime Error in model cleansed_events (models/silver/cleansed_events.sql)\n  Out of Memory Error: failed to pin block of size 256.0 KiB (3.7 GiB/3.7 GiB used) Possible solutions: * Reducing the number of threads (SET threads=X) * Disabling insertion-order preservation (SET preserve_insertion_order=false) * Increasing the memory limit (SET memory_limit='...GB') See also https://duckdb.org/docs/stable/guides/performance/how_to_tune_workloads", "node_info": {"unique_id": "model.podcast.cleansed_events", "resource_type": "model", "node_name": "cleansed_events"}}})";
    const auto summary = podcast::summarize_run(outcome_of({out_of_memory_line}, "", 1, 1), 0);
    REQUIRE(std::vector<std::string>{
                "failed: model cleansed_events: Runtime Error in model cleansed_events "
                "(models/silver/cleansed_events.sql) Out of Memory Error: failed to pin block of "
                "size 256.0 KiB (3.7 GiB/3.7 GiB used) (the pipeline's DuckDB memory_limit: "
                "PODCAST_DUCKDB_MEMORY_LIMIT, default 4GB)"} == summary.failure_lines);
}

SCENARIO("the error a failed build ends with, by what dbt said", "[run]") {
    WHEN("dbt reported a load-contract violation among other errors") {
        const auto summary = podcast::summarize_run(
            outcome_of({contract_error_line, error_line("Database Error: later")}, "", 1, 1), 0);
        THEN("the violation is the error, verbatim") {
            REQUIRE(
                "load contract violated: file 2024-08-01/events.json, line 3: missing key "
                "episode_id" == summary.failure->message);
        }
        THEN("the exit code is the documented one for refused input") {
            REQUIRE(podcast::ExitCode::refused == summary.failure->code);
        }
    }
    WHEN("dbt reported a load the warehouse refused, among other errors") {
        const auto summary = podcast::summarize_run(
            outcome_of({refused_load_line, error_line("Database Error: later")}, "", 1, 1), 0);
        THEN("the refusal is the error: its one line, naming the file") {
            REQUIRE(
                "load refused: file 2024-08-01/events.json has 3 event lines on the stage but 5 "
                "in the loading directory when podcast run checked it; nothing was loaded" ==
                summary.failure->message);
        }
        THEN("the exit code is the documented one for refused input") {
            REQUIRE(podcast::ExitCode::refused == summary.failure->code);
        }
    }
    WHEN("only nodes failed") {
        const auto summary = podcast::summarize_run(outcome_of({node_error_line}, "", 1, 1), 0);
        THEN("the error counts them and names the first") {
            REQUIRE("dbt build failed: 1 node(s) failed, first model cleansed_events" ==
                    summary.failure->message);
        }
        THEN("the exit code is a failure's") {
            REQUIRE(podcast::ExitCode::failure == summary.failure->code);
        }
    }
    WHEN("dbt printed no JSON log line, only a traceback") {
        const auto summary = podcast::summarize_run(
            outcome_of({"Traceback (most recent call last):", "ImportError: no module named x"}, "",
                       1, 1),
            0);
        THEN("the error is the exit status and dbt's last words") {
            REQUIRE("dbt build exited with status 1: ImportError: no module named x" ==
                    summary.failure->message);
            REQUIRE(summary.failure_lines.empty());
        }
    }
}
