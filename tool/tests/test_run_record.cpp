#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>

#include <nlohmann/json.hpp>

#include "podcast/paths.hpp"
#include "podcast/run_record.hpp"
#include "support.hpp"

using podcast::RunOutcome;
using podcast::RunRecord;
using podcast::testing::read_file;
using podcast::testing::TempDir;
using podcast::testing::write_file;

namespace {

std::chrono::system_clock::time_point at(int hour, int minute) {
    using namespace std::chrono;
    return sys_days{year{2024} / August / day{1}} + hours{hour} + minutes{minute} +
           microseconds{42};
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& line) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : line.items()) {
        keys.push_back(key);
    }
    return keys;
}

}  // namespace

SCENARIO("a run's record leaves out what its outcome does not know, in one key order", "[run]") {
    GIVEN("a started record") {
        RunRecord record;
        record.start = at(10, 5);
        record.outcome = RunOutcome::started;
        record.load_at = "2024-08-01 10:05:00.000042";
        record.warehouse = "/w/warehouse.duckdb";
        record.target = "dev";
        record.full_refresh = false;
        record.inputs = "abc";
        THEN("it has no end, exit status, counts or seconds; times are ISO 8601 in UTC") {
            REQUIRE(nlohmann::ordered_json::parse(
                        R"({"start": "2024-08-01T10:05:00.000042Z", "outcome": "started",
                            "load_at": "2024-08-01 10:05:00.000042",
                            "warehouse": "/w/warehouse.duckdb", "target": "dev",
                            "full_refresh": false, "inputs": "abc"})") == record.to_json());
        }
        WHEN("the run ends in failure with every field known") {
            record.end = at(10, 7);
            record.outcome = RunOutcome::failed;
            record.dbt_exit_status = 1;
            record.counts = nlohmann::ordered_json{{"tests_passed", 3}};
            record.seconds = nlohmann::ordered_json{{"total", 2.5}};
            record.error = "dbt build failed: boom";
            THEN("the keys follow the one order, error last") {
                REQUIRE(std::vector<std::string>{"start", "end", "outcome", "load_at", "warehouse",
                                                 "target", "full_refresh", "dbt_exit_status",
                                                 "counts", "seconds", "inputs",
                                                 "error"} == keys_of(record.to_json()));
                REQUIRE("failed" == record.to_json()["outcome"].get<std::string>());
            }
        }
    }
    GIVEN("a run refused before dbt started") {
        RunRecord record;
        record.start = at(10, 5);
        record.end = at(10, 6);
        record.outcome = RunOutcome::refused;
        record.warehouse = "/w/warehouse.duckdb";
        record.target = "prod";
        record.error = "load contract violated: file a.json, line 1: missing key user_id";
        THEN("the record names the outcome, the target and the error") {
            REQUIRE(std::vector<std::string>{"start", "end", "outcome", "warehouse", "target",
                                             "error"} == keys_of(record.to_json()));
            REQUIRE("refused" == record.to_json()["outcome"].get<std::string>());
            REQUIRE("prod" == record.to_json()["target"].get<std::string>());
        }
    }
}

SCENARIO("every outcome is spelled as the runs log and status read it", "[run]") {
    REQUIRE("started" == podcast::outcome_name(RunOutcome::started));
    REQUIRE("success" == podcast::outcome_name(RunOutcome::success));
    REQUIRE("failed" == podcast::outcome_name(RunOutcome::failed));
    REQUIRE("up to date" == podcast::outcome_name(RunOutcome::up_to_date));
    REQUIRE("refused" == podcast::outcome_name(RunOutcome::refused));
}

SCENARIO("a record appended after a torn line starts a line of its own", "[run]") {
    GIVEN("a runs log whose last line was cut off") {
        TempDir dir;
        const auto warehouse = dir / "w.duckdb";
        write_file(podcast::runs_log_for(warehouse), R"({"outcome":"success","load_at":"a"})"
                                                     "\n"
                                                     R"({"outcome":"sta)");
        WHEN("a record is appended") {
            RunRecord record;
            record.start = at(11, 0);
            record.outcome = RunOutcome::up_to_date;
            record.warehouse = warehouse;
            record.target = "dev";
            std::ostringstream err;
            record.append(err);
            THEN("it is the last line, whole, and nothing was said") {
                const std::string log = read_file(podcast::runs_log_for(warehouse));
                REQUIRE(log.ends_with(record.to_json().dump() + "\n"));
                REQUIRE(R"({"outcome":"sta)"
                        "\n" +
                            record.to_json().dump() + "\n" ==
                        log.substr(log.find('\n') + 1));
                REQUIRE(err.str().empty());
            }
            THEN("the last record is the appended one, the torn line skipped") {
                REQUIRE("up to date" == podcast::last_run_record(warehouse).value("outcome", ""));
            }
        }
    }
}

SCENARIO("a record that cannot be written is a warning, not the run's error", "[run]") {
    TempDir dir;
    RunRecord record;
    record.start = at(11, 0);
    record.warehouse = dir / "missing-dir/w.duckdb";
    record.target = "dev";
    std::ostringstream err;
    record.append(err);
    REQUIRE("warning: could not append to " + podcast::runs_log_for(record.warehouse).string() +
                "\n" ==
            err.str());
}

SCENARIO("data tests are scoped to rows written since the last successful run with the same inputs",
         "[run]") {
    GIVEN("a runs log: a success, a failure, then a run that never finished") {
        TempDir dir;
        const auto warehouse = dir.path() / "w.duckdb";
        write_file(podcast::runs_log_for(warehouse),
                   R"({"outcome":"success","load_at":"2024-08-01 00:00:00.000000","inputs":"abc"})"
                   "\n"
                   R"({"outcome":"failure","load_at":"2024-08-02 00:00:00.000000","inputs":"abc"})"
                   "\n"
                   R"({"outcome":"started","load_at":"2024-08-03 00:00:00.000000","inputs":"abc"})"
                   "\n");
        THEN("the last record is the unfinished run, the last success the first line") {
            REQUIRE("started" == podcast::last_run_record(warehouse).value("outcome", ""));
            REQUIRE("2024-08-01 00:00:00.000000" ==
                    podcast::last_run_record(warehouse, "success").value("load_at", ""));
        }
        THEN("a run with the same inputs tests rows loaded after the success") {
            REQUIRE("2024-08-01 00:00:00.000000" == podcast::tested_since(warehouse, "abc", false));
        }
        THEN("a full refresh, or other inputs, test every row") {
            REQUIRE(podcast::tested_since(warehouse, "abc", true).empty());
            REQUIRE(podcast::tested_since(warehouse, "other", false).empty());
        }
    }
    GIVEN("no runs log") {
        TempDir dir;
        THEN("every row is tested") {
            REQUIRE(podcast::tested_since(dir.path() / "w.duckdb", "abc", false).empty());
        }
    }
}

SCENARIO("a partial run is never the run data tests look back to", "[run][select]") {
    GIVEN("a runs log: a complete success, then a later partial success with the same inputs") {
        TempDir dir;
        const auto warehouse = dir.path() / "w.duckdb";
        write_file(podcast::runs_log_for(warehouse),
                   R"({"outcome":"success","load_at":"2024-08-01 00:00:00.000000","inputs":"abc"})"
                   "\n"
                   R"({"outcome":"success","load_at":"2024-08-02 00:00:00.000000","inputs":"abc",)"
                   R"("select":"bronze.raw_events"})"
                   "\n");
        THEN("the next run tests rows loaded after the complete success, the partial run's too") {
            REQUIRE("2024-08-01 00:00:00.000000" == podcast::tested_since(warehouse, "abc", false));
        }
    }
    GIVEN("a runs log holding only a partial success") {
        TempDir dir;
        const auto warehouse = dir.path() / "w.duckdb";
        write_file(podcast::runs_log_for(warehouse),
                   R"({"outcome":"success","load_at":"2024-08-02 00:00:00.000000","inputs":"abc",)"
                   R"("exclude":"gold"})"
                   "\n");
        THEN("every row is tested") {
            REQUIRE(podcast::tested_since(warehouse, "abc", false).empty());
        }
    }
}

SCENARIO("what a run builds from its inputs alone is in place after a successful build with them",
         "[run]") {
    TempDir dir;
    const auto warehouse = dir.path() / "w.duckdb";
    GIVEN("a successful run, then runs that never started dbt") {
        write_file(podcast::runs_log_for(warehouse), R"({"outcome":"started","inputs":"abc"})"
                                                     "\n"
                                                     R"({"outcome":"success","inputs":"abc"})"
                                                     "\n"
                                                     R"({"outcome":"up to date","inputs":"abc"})"
                                                     "\n"
                                                     R"({"outcome":"refused"})"
                                                     "\n");
        THEN("the same inputs are in place; other inputs are not") {
            REQUIRE(podcast::last_build_succeeded_with(warehouse, "abc"));
            REQUIRE_FALSE(podcast::last_build_succeeded_with(warehouse, "other"));
        }
    }
    GIVEN("a successful run, then a failed one with the same inputs") {
        write_file(podcast::runs_log_for(warehouse), R"({"outcome":"success","inputs":"abc"})"
                                                     "\n"
                                                     R"({"outcome":"started","inputs":"abc"})"
                                                     "\n"
                                                     R"({"outcome":"failed","inputs":"abc"})"
                                                     "\n");
        THEN("nothing is in place") {
            REQUIRE_FALSE(podcast::last_build_succeeded_with(warehouse, "abc"));
        }
    }
    GIVEN("a successful run, then one that never finished") {
        write_file(podcast::runs_log_for(warehouse), R"({"outcome":"success","inputs":"abc"})"
                                                     "\n"
                                                     R"({"outcome":"started","inputs":"abc"})"
                                                     "\n");
        THEN("nothing is in place") {
            REQUIRE_FALSE(podcast::last_build_succeeded_with(warehouse, "abc"));
        }
    }
    GIVEN("a complete successful run, then a partial one (a selection) with new inputs") {
        write_file(podcast::runs_log_for(warehouse),
                   R"({"outcome":"success","inputs":"abc"})"
                   "\n"
                   R"({"outcome":"success","inputs":"def","select":["gold.q3"]})"
                   "\n");
        THEN(
            "neither the new inputs nor the old are known to be in place: a selection builds only "
            "its nodes, and the seeds may be of either") {
            REQUIRE_FALSE(podcast::last_build_succeeded_with(warehouse, "def"));
            REQUIRE_FALSE(podcast::last_build_succeeded_with(warehouse, "abc"));
        }
    }
    GIVEN("no runs log") {
        THEN("nothing is in place") {
            REQUIRE_FALSE(podcast::last_build_succeeded_with(warehouse, "abc"));
        }
    }
}
