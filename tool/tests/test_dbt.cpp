#include <catch2/catch.hpp>

#include "podcast/dbt.hpp"

using podcast::DbtLog;

namespace {

// Trimmed copies of lines dbt 1.11 prints with --log-format json.
const std::string model_result_line =
    R"({"data": {"description": "sql incremental model bronze.raw_events", "execution_time": 1.25, "index": 3, "node_info": {"materialized": "incremental", "meta": {"step": "load"}, "node_name": "raw_events", "node_relation": {"alias": "raw_events", "schema": "bronze"}, "node_status": "success", "resource_type": "model", "unique_id": "model.podcast.raw_events"}, "status": "OK", "total": 42}, "info": {"level": "info", "msg": "3 of 42 OK created sql incremental model bronze.raw_events ... [\u001b[32mOK\u001b[0m in 1.25s]", "name": "LogModelResult"}})";

const std::string skipped_line =
    R"({"data": {"index": 4, "node_info": {"node_name": "cleansed_events", "node_relation": {"schema": "silver"}, "resource_type": "model", "unique_id": "model.podcast.cleansed_events"}, "total": 42}, "info": {"level": "info", "msg": "4 of 42 SKIP relation silver.cleansed_events", "name": "SkippingDetails"}})";

const std::string contract_error_line =
    R"({"data": {"msg": "Runtime Error in model raw_events (models/bronze/raw_events.sql)\n  Invalid Input Error: load contract violated: file 2024-08-01/events.json, line 7: missing key user_id\n  more context", "node_info": {"node_name": "raw_events", "resource_type": "model", "unique_id": "model.podcast.raw_events"}}, "info": {"level": "error", "msg": "  Runtime Error in model raw_events", "name": "RunResultError"}})";

const std::string refused_load_line =
    R"json({"data": {"msg": "Compilation Error in model raw_events (models/bronze/raw_events.sql)\n  load refused: file 2024-08-02/b.json is listed on the stage (120 bytes) but COPY read no line of it; nothing was loaded\n\n  > in macro refuse_differing_landed_counts (macros/load/contract.sql)", "node_info": {"node_name": "raw_events", "resource_type": "model", "unique_id": "model.podcast.raw_events"}}, "info": {"level": "error", "msg": "  Compilation Error in model raw_events", "name": "RunResultError"}})json";

const std::string parse_error_line =
    R"({"data": {"exc": "x"}, "info": {"level": "error", "msg": "Encountered an error:\nCompilation Error\n  Model 'model.podcast.x' depends on a node named 'nope' which was not found", "name": "MainEncounteredError"}})";

}  // namespace

SCENARIO("a model result line is a finished node with its time and schema", "[run][dbt]") {
    DbtLog log;
    WHEN("a LogModelResult line is consumed") {
        const auto node = log.consume(model_result_line);
        THEN("it reports the node, its status and seconds") {
            REQUIRE(node.has_value());
            REQUIRE(std::string("raw_events") == node->name);
            REQUIRE(std::string("model") == node->resource_type);
            REQUIRE(std::string("success") == node->status);
            REQUIRE(1.25 == node->seconds);
            REQUIRE(3 == node->index);
            REQUIRE(42 == node->total);
        }
        THEN("the node's pipeline step (its meta step) is remembered") {
            REQUIRE(std::string("load") == log.step_by_node().at("model.podcast.raw_events"));
        }
    }
}

SCENARIO("a skipped node is reported as skipped", "[run][dbt]") {
    DbtLog log;
    const auto node = log.consume(skipped_line);
    REQUIRE(node.has_value());
    REQUIRE(std::string("skipped") == node->status);
    REQUIRE(std::string("cleansed_events") == node->name);
}

SCENARIO("a progress line shows index, kind, name, status and seconds", "[run][dbt]") {
    DbtLog log;
    const auto node = log.consume(model_result_line);
    REQUIRE(node.has_value());
    REQUIRE(
        std::string(
            "[ 3/42] model      raw_events                                   success     1.25s") ==
        podcast::format_progress(*node));
}

SCENARIO("a load the warehouse refused is surfaced verbatim, like a contract violation",
         "[run][dbt]") {
    DbtLog log;
    log.consume(model_result_line);
    REQUIRE_FALSE(log.load_refusal().has_value());
    log.consume(refused_load_line);
    REQUIRE(std::optional<std::string>(
                "load refused: file 2024-08-02/b.json is listed on the stage (120 bytes) but COPY "
                "read no line of it; nothing was loaded") == log.load_refusal());
}

SCENARIO("a load-contract violation is surfaced verbatim", "[run][dbt]") {
    DbtLog log;
    WHEN("dbt reports the warehouse's load-contract error") {
        log.consume(contract_error_line);
        THEN("the violation is the line from 'load contract violated:' to its end") {
            REQUIRE(std::optional<std::string>(
                        "load contract violated: file 2024-08-01/events.json, line 7: missing key "
                        "user_id") == log.load_refusal());
        }
        THEN("the failing node is remembered with dbt's message on one line") {
            REQUIRE(1 == log.failures().size());
            REQUIRE(std::string("raw_events") == log.failures().front().name);
            REQUIRE_THAT(
                log.failures().front().message,
                Catch::StartsWith(
                    "Runtime Error in model raw_events (models/bronze/raw_events.sql) Invalid"));
        }
    }
}

SCENARIO("an error outside any node is remembered on one line", "[run][dbt]") {
    DbtLog log;
    log.consume(parse_error_line);
    REQUIRE(std::vector<std::string>{"Encountered an error: Compilation Error Model "
                                     "'model.podcast.x' depends on a node named "
                                     "'nope' which was not found"} == log.errors());
}

SCENARIO("output that is not a JSON log line is kept aside", "[run][dbt]") {
    DbtLog log;
    const auto node = log.consume("Traceback (most recent call last):");
    REQUIRE_FALSE(node.has_value());
    REQUIRE(std::vector<std::string>{"Traceback (most recent call last):"} == log.other_output());
}

SCENARIO("run results are summed per pipeline step and tests are counted", "[run][dbt]") {
    GIVEN(
        "a run_results.json with a hook, a seed, each step's model, a gold model and three tests; "
        "the load model compiled (checking the load contract) for half a second; each model's "
        "meta step") {
        const auto run_results = nlohmann::json::parse(R"({"elapsed_time": 10.0, "results": [
            {"unique_id": "operation.podcast.podcast-on-run-start-0", "status": "success", "execution_time": 0.125},
            {"unique_id": "seed.podcast.users", "status": "success", "execution_time": 0.5},
            {"unique_id": "model.podcast.raw_events", "status": "success", "execution_time": 2.0,
             "timing": [{"name": "compile", "started_at": "2026-11-29T10:00:00.000000Z", "completed_at": "2026-11-29T10:00:00.500000Z"},
                        {"name": "execute", "started_at": "2026-11-29T10:00:00.500000Z", "completed_at": "2026-11-29T10:00:02.000000Z"}]},
            {"unique_id": "model.podcast.raw_events_validated", "status": "success", "execution_time": 1.5},
            {"unique_id": "model.podcast.cleansed_events", "status": "success", "execution_time": 1.0},
            {"unique_id": "model.podcast.fact_user_interactions", "status": "success", "execution_time": 0.75},
            {"unique_id": "test.podcast.unique_x.abc", "status": "pass", "execution_time": 0.25},
            {"unique_id": "unit_test.podcast.m.t", "status": "pass", "execution_time": 0.25},
            {"unique_id": "test.podcast.not_null_y.def", "status": "fail", "execution_time": 0.5}]})");
        const std::map<std::string, std::string> steps = {
            {"model.podcast.raw_events", "load"},
            {"model.podcast.raw_events_validated", "validate"},
            {"model.podcast.cleansed_events", "cleanse"},
            {"model.podcast.fact_user_interactions", "analytics"}};
        WHEN("it is summarised for a dbt process that took 14 seconds") {
            const auto summary = podcast::summarize_run_results(run_results, steps, 14.0);
            THEN("tests are counted by outcome") {
                REQUIRE(2 == summary.tests_passed);
                REQUIRE(1 == summary.tests_failed);
            }
            THEN(
                "each step has its time, the contract check is raw_events' compile phase, and dbt "
                "start-up is the rest") {
                std::vector<std::pair<std::string, double>> steps;
                for (const auto& step : summary.steps) {
                    steps.emplace_back(step.step, step.seconds);
                }
                const std::vector<std::pair<std::string, double>> expected = {
                    {"hooks", 0.125},    {"seed", 0.5},     {"contract check", 0.5},
                    {"load", 1.5},       {"validate", 1.5}, {"cleanse", 1.0},
                    {"analytics", 0.75}, {"tests", 1.0},    {"dbt start-up", 4.0}};
                REQUIRE(expected == steps);
            }
        }
    }
}

SCENARIO("a step time the macros log replaces raw_events' compile phase as the contract check",
         "[run][dbt]") {
    GIVEN("a log with the contract check's logged seconds and a line that only looks like one") {
        DbtLog log;
        log.consume(
            R"({"info": {"name": "JinjaLogInfo", "level": "info", "msg": "podcast step seconds: contract check=0.25"}, "data": {"msg": "podcast step seconds: contract check=0.25"}})");
        log.consume(
            R"({"info": {"name": "JinjaLogInfo", "level": "info", "msg": "podcast step seconds: broken"}, "data": {}})");
        REQUIRE(std::map<std::string, double>{{"contract check", 0.25}} ==
                log.logged_step_seconds());
        WHEN("raw_events took 2 seconds, 1.5 of them compiling (the check and the read)") {
            const auto run_results = nlohmann::json::parse(R"({"elapsed_time": 2.0, "results": [
                {"unique_id": "model.podcast.raw_events", "status": "success", "execution_time": 2.0,
                 "timing": [{"name": "compile", "started_at": "2026-11-29T10:00:00.000000Z", "completed_at": "2026-11-29T10:00:01.500000Z"}]}]})");
            const auto summary =
                podcast::summarize_run_results(run_results, {{"model.podcast.raw_events", "load"}},
                                               3.0, log.logged_step_seconds());
            THEN("the contract check is the logged time and the load the rest") {
                REQUIRE(summary.steps.size() == 3);
                REQUIRE(summary.steps[0].step == "contract check");
                REQUIRE(summary.steps[0].seconds == 0.25);
                REQUIRE(summary.steps[1].step == "load");
                REQUIRE(summary.steps[1].seconds == 1.75);
            }
        }
    }
}

SCENARIO("dbt vars hold load_at and each --var, typed by its kind", "[run][dbt]") {
    WHEN("vars are built from a JSON list and a plain date") {
        const auto vars = podcast::build_vars(
            "2024-08-08 00:00:00.000000", {R"(listen_event_types=["play"])", "as_of=2024-08-07"});
        THEN("the list is JSON, the date a string") {
            REQUIRE(vars.has_value());
            const auto expected = nlohmann::json::parse(R"({"load_at": "2024-08-08 00:00:00.000000",
                "listen_event_types": ["play"], "as_of": "2024-08-07"})");
            REQUIRE(expected == *vars);
        }
    }
}

SCENARIO("a --var without '=' is a usage error", "[run][dbt][cli]") {
    const auto vars = podcast::build_vars("2024-08-08 00:00:00.000000", {"as_of"});
    REQUIRE_FALSE(vars.has_value());
    REQUIRE(podcast::ExitCode::usage == vars.error().code);
}

SCENARIO("a --var load_at pins load_at, an unknown var is refused", "[run][dbt]") {
    REQUIRE(nlohmann::json{{"load_at", "2024-08-01 00:00:00"}} ==
            *podcast::build_vars("2024-08-08 00:00:00.000000", {"load_at=2024-08-01 00:00:00"}));
    const auto unknown = podcast::build_vars("2024-08-08 00:00:00.000000", {"threshold=3"});
    REQUIRE_FALSE(unknown.has_value());
    REQUIRE(podcast::ExitCode::usage == unknown.error().code);
}

SCENARIO("load_at is UTC with microseconds", "[run][dbt]") {
    using namespace std::chrono;
    const auto time = sys_days{year{2024} / August / day{1}} + hours{10} + minutes{5} + seconds{9} +
                      microseconds{42};
    REQUIRE(std::string("2024-08-01 10:05:09.000042") == podcast::format_load_at(time));
}

SCENARIO(
    "a model's meta step needs no change here: a step beyond the pipeline's is listed "
    "before the tests, and a model without one is among other models",
    "[run][dbt]") {
    const auto run_results = nlohmann::json::parse(R"({"elapsed_time": 3.0, "results": [
        {"unique_id": "model.podcast.raw_events_validated", "status": "success", "execution_time": 1.0},
        {"unique_id": "model.podcast.new_export", "status": "success", "execution_time": 0.5},
        {"unique_id": "model.podcast.unlabelled", "status": "success", "execution_time": 0.25},
        {"unique_id": "test.podcast.unique_x.abc", "status": "pass", "execution_time": 0.125}]})");
    const auto summary =
        podcast::summarize_run_results(run_results,
                                       {{"model.podcast.raw_events_validated", "validate"},
                                        {"model.podcast.new_export", "export"}},
                                       3.0);
    std::vector<std::pair<std::string, double>> steps;
    for (const auto& step : summary.steps) {
        steps.emplace_back(step.step, step.seconds);
    }
    const std::vector<std::pair<std::string, double>> expected = {{"validate", 1.0},
                                                                  {"other models", 0.25},
                                                                  {"export", 0.5},
                                                                  {"tests", 0.125},
                                                                  {"dbt start-up", 0.0}};
    REQUIRE(expected == steps);
}
