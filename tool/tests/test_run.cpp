#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "podcast/lock.hpp"
#include "podcast/paths.hpp"
#include "podcast/run.hpp"
#include "podcast/run_record.hpp"
#include "support.hpp"

using podcast::RunOptions;
using podcast::testing::read_file;
using podcast::testing::TempDir;
using podcast::testing::write_file;

namespace {

// A stand-in for dbt: a shell script that records its arguments and environment next to the
// warehouse, prints `log_lines` as dbt's JSON log would and exits with `exit_status`.
struct FakePipeline {
    TempDir dir;
    RunOptions options;

    // run_results: written as dbt's run_results.json when not empty.
    FakePipeline(const std::string& log_lines, int exit_status,
                 const std::string& run_results = {}) {
        write_file(dir / "reference/users.csv", "user_id,signup_date,country\n");
        write_file(dir / "reference/episodes.csv",
                   "episode_id,podcast_id,title,release_date,duration_seconds\n");
        std::filesystem::create_directories(dir / "loading");
        write_file(dir / "project/dbt_project.yml", "name: fake\n");
        write_file(
            dir / "bin/dbt",
            "#!/bin/sh\n"
            "printf '%s\\n' \"$@\" > \"$PODCAST_WAREHOUSE.args\"\n"
            "env > \"$PODCAST_WAREHOUSE.env\"\n"
            "pwd > \"$PODCAST_WAREHOUSE.cwd\"\n"
            "ls \"$PODCAST_SEED_DIR\" > \"$PODCAST_WAREHOUSE.reference\"\n" +
                (run_results.empty() ? std::string()
                                     : "mkdir -p \"$DBT_TARGET_PATH\"\n"
                                       "cat > \"$DBT_TARGET_PATH/run_results.json\" <<'JSON'\n" +
                                           run_results + "\nJSON\n") +
                "cat <<'LOG'\n" + log_lines +
                "LOG\n"
                "exit " +
                std::to_string(exit_status) + "\n");
        ::chmod((dir / "bin/dbt").c_str(), 0755);
        options.reference_dir = dir / "reference";
        options.data_dir = dir / "loading";
        options.warehouse = dir / "data/warehouse.duckdb";
        options.dbt = dir / "bin/dbt";
        options.dbt_project = dir / "project";
    }

    podcast::Result<void> run(std::string* out_text = nullptr, std::string* err_text = nullptr) {
        std::ostringstream out;
        std::ostringstream err;
        auto result = podcast::run_pipeline(options, out, err);
        if (out_text != nullptr) {
            *out_text = out.str();
        }
        if (err_text != nullptr) {
            *err_text = err.str();
        }
        return result;
    }

    std::vector<std::string> dbt_arguments() const {
        std::istringstream in(read_file(options.warehouse.string() + ".args"));
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) {
            lines.push_back(line);
        }
        return lines;
    }

    std::string dbt_environment() const { return read_file(options.warehouse.string() + ".env"); }
};

// The value after each occurrence of `flag` in dbt's arguments, in order: the arguments are
// checked by flag, wherever dbt's command line puts them.
std::vector<std::string> flag_values(const std::vector<std::string>& arguments,
                                     const std::string& flag) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i + 1 < arguments.size(); ++i) {
        if (arguments[i] == flag) {
            values.push_back(arguments[i + 1]);
        }
    }
    return values;
}

using Values = std::vector<std::string>;

const std::string seed_line =
    R"({"info": {"name": "LogSeedResult", "level": "info", "msg": "1 of 1 OK loaded seed file silver.users"}, "data": {"status": "success", "execution_time": 0.5, "index": 1, "total": 1, "node_info": {"unique_id": "seed.podcast.users", "resource_type": "seed", "node_name": "users", "node_relation": {"schema": "silver"}}}})"
    "\n";

const std::string contract_lines =
    R"({"info": {"name": "LogModelResult", "level": "error", "msg": "1 of 1 ERROR creating sql incremental model bronze.raw_events"}, "data": {"status": "error", "execution_time": 0.1, "index": 1, "total": 1, "node_info": {"unique_id": "model.podcast.raw_events", "resource_type": "model", "node_name": "raw_events", "node_relation": {"schema": "bronze"}}}})"
    "\n"
    R"({"info": {"name": "RunResultError", "level": "error", "msg": "x"}, "data": {"msg": "Runtime Error in model raw_events (models/bronze/raw_events.sql)\n  Invalid Input Error: load contract violated: file 2024-08-01/events.json, line 3: missing key episode_id", "node_info": {"unique_id": "model.podcast.raw_events", "resource_type": "model", "node_name": "raw_events"}}})"
    "\n";

}  // namespace

SCENARIO("a run without the reference files stops before dbt, naming the missing file", "[run]") {
    GIVEN("a reference directory without episodes.csv") {
        FakePipeline pipeline(seed_line, 0);
        std::filesystem::remove(pipeline.dir / "reference/episodes.csv");
        WHEN("the pipeline runs") {
            const auto result = pipeline.run();
            THEN("it is not found, naming the file, and dbt never started") {
                REQUIRE_FALSE(result.has_value());
                REQUIRE(podcast::ExitCode::not_found == result.error().code);
                REQUIRE_THAT(result.error().message,
                             Catch::Contains((pipeline.dir / "reference/episodes.csv").string()));
                REQUIRE_FALSE(
                    std::filesystem::exists(pipeline.options.warehouse.string() + ".args"));
            }
        }
    }
}

SCENARIO("a run without the loading directory stops before dbt, naming it", "[run]") {
    FakePipeline pipeline(seed_line, 0);
    std::filesystem::remove(pipeline.dir / "loading");
    const auto result = pipeline.run();
    REQUIRE_FALSE(result.has_value());
    REQUIRE(podcast::ExitCode::not_found == result.error().code);
    REQUIRE_THAT(result.error().message, Catch::Contains((pipeline.dir / "loading").string()));
}

SCENARIO("a dbt that is a Python console script runs through the project's launcher", "[run]") {
    GIVEN("dbt as pip writes it: a script whose first line names its Python") {
        FakePipeline pipeline(seed_line, 0);
        // The fake dbt becomes that Python: it records whatever it is asked to run.
        const auto python = pipeline.dir / "venv/bin/python3";
        std::filesystem::create_directories(python.parent_path());
        std::filesystem::rename(pipeline.options.dbt, python);
        pipeline.options.dbt = pipeline.dir / "venv/bin/dbt";
        write_file(pipeline.options.dbt,
                   "#!" + python.string() + "\nimport sys\nfrom dbt.cli.main import cli\n");
        ::chmod(pipeline.options.dbt.c_str(), 0755);
        const auto launcher = pipeline.dir / "project/launcher/dbt_launcher.py";
        write_file(launcher, "# the project's launcher\n");
        WHEN("the pipeline runs on the dev target") {
            REQUIRE(pipeline.run().has_value());
            THEN("that Python runs the launcher with dbt's command line") {
                const auto arguments = pipeline.dbt_arguments();
                REQUIRE(launcher.string() == arguments.at(0));
                REQUIRE(std::string("build") == arguments.at(1));
                REQUIRE(Values{"dev"} == flag_values(arguments, "--target"));
            }
        }
        WHEN("the project has no launcher") {
            std::filesystem::remove(launcher);
            REQUIRE(pipeline.run().has_value());
            THEN("the dbt executable runs itself") {
                const auto arguments = pipeline.dbt_arguments();
                REQUIRE(pipeline.options.dbt.string() == arguments.at(0));
                REQUIRE(std::string("build") == arguments.at(1));
            }
        }
    }
    GIVEN("dbt as a shell script") {
        FakePipeline pipeline(seed_line, 0);
        write_file(pipeline.dir / "project/launcher/dbt_launcher.py", "# the launcher\n");
        WHEN("the pipeline runs") {
            REQUIRE(pipeline.run().has_value());
            THEN("dbt runs itself") {
                REQUIRE(std::string("build") == pipeline.dbt_arguments().at(0));
            }
        }
    }
}

SCENARIO("dbt gets the build command, its vars and the pipeline's environment", "[run]") {
    GIVEN("a pipeline with a fake dbt that succeeds") {
        FakePipeline pipeline(seed_line, 0);
        pipeline.options.vars = {"now=2024-09-01 00:00:00", R"(listen_event_types=["seek"])"};
        WHEN("it runs") {
            std::string out;
            const auto result = pipeline.run(&out);
            REQUIRE(result.has_value());
            const auto arguments = pipeline.dbt_arguments();
            const std::string environment = pipeline.dbt_environment();
            const std::string warehouse = pipeline.options.warehouse.string();
            THEN("dbt build runs on the project with JSON logs and the chosen target") {
                REQUIRE(std::string("build") == arguments.at(0));
                const std::string project = (pipeline.dir / "project").string();
                REQUIRE(Values{project} == flag_values(arguments, "--project-dir"));
                REQUIRE(Values{project} == flag_values(arguments, "--profiles-dir"));
                REQUIRE(Values{"dev"} == flag_values(arguments, "--target"));
                REQUIRE(Values{"json"} == flag_values(arguments, "--log-format"));
                REQUIRE(0 == std::ranges::count(arguments, std::string("--full-refresh")));
            }
            THEN("the vars hold each --var, typed, and not load_at") {
                const auto given = flag_values(arguments, "--vars");
                REQUIRE(1 == given.size());
                const auto vars = nlohmann::json::parse(given.front());
                REQUIRE(std::string("2024-09-01 00:00:00") == vars["now"].get<std::string>());
                REQUIRE(nlohmann::json{"seek"} == vars["listen_event_types"]);
                REQUIRE_FALSE(vars.contains("load_at"));
            }
            THEN("load_at reaches dbt through the environment, so dbt's partial parse survives") {
                const auto at = environment.find("PODCAST_LOAD_AT=");
                REQUIRE(at != std::string::npos);
                REQUIRE(26 ==
                        environment.find('\n', at) - at - std::string("PODCAST_LOAD_AT=").size());
            }
            THEN("unit tests are left to make test") {
                REQUIRE(Values{"unit_test"} == flag_values(arguments, "--exclude-resource-type"));
            }
            THEN("the environment points dbt at this warehouse and its own target dir") {
                REQUIRE_THAT(environment, Catch::Contains("PODCAST_WAREHOUSE=" + warehouse + "\n"));
                REQUIRE_THAT(environment,
                             Catch::Contains(
                                 "PODCAST_DATA_DIR=" + (pipeline.dir / "loading").string() + "\n"));
                REQUIRE_THAT(environment,
                             Catch::Contains("DBT_TARGET_PATH=" + warehouse + ".dbt/target\n"));
                REQUIRE_THAT(environment,
                             Catch::Contains("DBT_LOG_PATH=" + warehouse + ".dbt/logs\n"));
            }
            THEN("dbt sees checked copies of the reference files in the warehouse's state dir") {
                REQUIRE_THAT(environment,
                             Catch::Contains("PODCAST_SEED_DIR=" + warehouse + ".dbt/reference\n"));
                REQUIRE(std::string("episodes.csv\nusers.csv\n") ==
                        read_file(warehouse + ".reference"));
            }
            THEN("the copies are gone after the run, and nothing was written into the project") {
                REQUIRE_FALSE(std::filesystem::exists(warehouse + ".dbt/reference"));
                REQUIRE(
                    std::vector<std::filesystem::path>{pipeline.dir / "project/dbt_project.yml"} ==
                    std::vector<std::filesystem::path>(
                        std::filesystem::recursive_directory_iterator(pipeline.dir / "project"),
                        std::filesystem::recursive_directory_iterator()));
            }
            THEN("dbt runs in the project directory") {
                REQUIRE(std::filesystem::canonical(pipeline.dir / "project").string() + "\n" ==
                        read_file(warehouse + ".cwd"));
            }
            THEN("progress shows the finished seed") {
                REQUIRE_THAT(out, Catch::Contains("[1/1] seed       users"));
            }
        }
    }
}

SCENARIO("a full refresh is passed to dbt, which then tests every row", "[run]") {
    GIVEN("a pipeline whose dbt succeeds, run once already") {
        FakePipeline pipeline(seed_line, 0);
        REQUIRE(pipeline.run());
        WHEN("it runs again with a full refresh") {
            pipeline.options.full_refresh = podcast::FullRefresh::yes;
            REQUIRE(pipeline.run());
            THEN("dbt gets --full-refresh once, and no row is left untested") {
                REQUIRE(1 == std::ranges::count(pipeline.dbt_arguments(),
                                                std::string("--full-refresh")));
                REQUIRE_THAT(pipeline.dbt_environment(),
                             Catch::Contains("PODCAST_TESTED_SINCE=\n"));
            }
        }
    }
}

SCENARIO("each run appends a started line, then its outcome, to the runs log", "[run]") {
    GIVEN("a pipeline whose dbt succeeds") {
        FakePipeline pipeline(seed_line, 0);
        WHEN("it runs twice") {
            REQUIRE(pipeline.run());
            REQUIRE(pipeline.run());
            THEN("the runs log has, per run, a started line and a success line") {
                const std::string log =
                    read_file(podcast::runs_log_for(pipeline.options.warehouse));
                std::istringstream lines(log);
                std::vector<std::string> outcomes;
                for (std::string line; std::getline(lines, line);) {
                    outcomes.push_back(nlohmann::json::parse(line)["outcome"].get<std::string>());
                }
                REQUIRE(std::vector<std::string>{"started", "success", "started", "success"} ==
                        outcomes);
            }
        }
    }
}

// Whether dbt was asked to leave out the nodes in place (the project's selector: the reference
// data's seeds and dimensions, and the views), and nothing else.
bool in_place_nodes_left_out(const std::vector<std::string>& arguments) {
    return Values{"in_place_left_out"} == flag_values(arguments, "--selector") &&
           flag_values(arguments, "--exclude").empty() &&
           flag_values(arguments, "--select").empty();
}

SCENARIO("the seeds, dimensions and views are rebuilt only when an input changed", "[run]") {
    GIVEN("a pipeline whose dbt succeeds") {
        FakePipeline pipeline(seed_line, 0);
        WHEN("it runs for the first time") {
            REQUIRE(pipeline.run());
            THEN("dbt builds them") {
                REQUIRE_FALSE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
        WHEN("it runs again with the same inputs") {
            REQUIRE(pipeline.run());
            REQUIRE(pipeline.run());
            THEN("dbt leaves them out through the project's selector") {
                REQUIRE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
        WHEN("it runs again after a reference file changed") {
            REQUIRE(pipeline.run());
            write_file(pipeline.dir / "reference/users.csv",
                       "user_id,signup_date,country\nu1,2024-01-01,DE\n");
            REQUIRE(pipeline.run());
            THEN("dbt builds them") {
                REQUIRE_FALSE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
        WHEN("it runs again after the dbt project changed") {
            REQUIRE(pipeline.run());
            write_file(pipeline.dir / "project/models/new_model.sql", "select 1 as one\n");
            REQUIRE(pipeline.run());
            THEN("dbt builds them") {
                REQUIRE_FALSE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
        WHEN("it runs again after the dbt project's selectors changed") {
            REQUIRE(pipeline.run());
            write_file(pipeline.dir / "project/selectors.yml", "selectors: []\n");
            REQUIRE(pipeline.run());
            THEN("dbt builds them") {
                REQUIRE_FALSE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
        WHEN("it runs again with a full refresh, or a selection") {
            REQUIRE(pipeline.run());
            pipeline.options.full_refresh = podcast::FullRefresh::yes;
            REQUIRE(pipeline.run());
            const auto full_refresh = pipeline.dbt_arguments();
            pipeline.options.full_refresh = podcast::FullRefresh::no;
            pipeline.options.select = {"cleansed_events"};
            REQUIRE(pipeline.run());
            THEN("dbt builds them (the selection decides)") {
                REQUIRE_FALSE(in_place_nodes_left_out(full_refresh));
                REQUIRE_FALSE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
    }
    GIVEN("a pipeline whose last run failed") {
        FakePipeline pipeline(seed_line, 0);
        REQUIRE(pipeline.run());
        write_file(pipeline.options.dbt, "#!/bin/sh\nexit 1\n");
        REQUIRE_FALSE(pipeline.run());
        WHEN("it runs again with the same inputs, dbt succeeding") {
            FakePipeline working(seed_line, 0);
            write_file(pipeline.options.dbt, read_file(working.options.dbt));
            REQUIRE(pipeline.run());
            THEN("dbt builds them: the failed run may have left them half built") {
                REQUIRE_FALSE(in_place_nodes_left_out(pipeline.dbt_arguments()));
            }
        }
    }
}

SCENARIO("a load-contract violation is the run's error, verbatim", "[run]") {
    GIVEN("a dbt that reports a load-contract violation and fails") {
        FakePipeline pipeline(contract_lines, 1);
        WHEN("the pipeline runs") {
            std::string err;
            const auto result = pipeline.run(nullptr, &err);
            THEN("the error is the violation line") {
                REQUIRE_FALSE(result.has_value());
                REQUIRE(std::string("load contract violated: file 2024-08-01/events.json, line 3: "
                                    "missing key episode_id") == result.error().message);
            }
            THEN("the failing node is printed on one line") {
                REQUIRE_THAT(err,
                             Catch::StartsWith(
                                 "failed: model raw_events: Runtime Error in model raw_events"));
                REQUIRE(1 == podcast::testing::line_count(err));
            }
            THEN("the runs log's last line records the failure") {
                const std::string log =
                    read_file(podcast::runs_log_for(pipeline.options.warehouse));
                const auto last_line_start = log.rfind('\n', log.size() - 2);
                const auto record = nlohmann::json::parse(log.substr(last_line_start + 1));
                REQUIRE(std::string("failed") == record["outcome"].get<std::string>());
            }
        }
    }
}

SCENARIO("a run on a warehouse another run holds is refused as busy", "[run][lock]") {
    GIVEN("the warehouse lock held by another run") {
        FakePipeline pipeline(seed_line, 0);
        std::filesystem::create_directories(pipeline.options.warehouse.parent_path());
        std::ostringstream progress;
        auto held = podcast::WarehouseLock::acquire_exclusive(
            pipeline.options.warehouse, podcast::WaitMode::fail_if_busy, progress);
        REQUIRE(held.has_value());
        WHEN("the pipeline runs without --wait") {
            const auto result = pipeline.run();
            THEN("it is busy, naming the holder, and dbt never started") {
                REQUIRE_FALSE(result.has_value());
                REQUIRE(podcast::ExitCode::busy == result.error().code);
                REQUIRE("warehouse " + pipeline.options.warehouse.string() +
                            " is busy: a pipeline run (pid " + std::to_string(::getpid()) +
                            ") holds it" ==
                        result.error().message);
                REQUIRE_FALSE(
                    std::filesystem::exists(pipeline.options.warehouse.string() + ".args"));
            }
        }
    }
}

namespace {

// The records of the runs log, in order.
std::vector<nlohmann::json> run_records(const std::filesystem::path& warehouse) {
    std::istringstream lines(read_file(podcast::runs_log_for(warehouse)));
    std::vector<nlohmann::json> records;
    for (std::string line; std::getline(lines, line);) {
        records.push_back(nlohmann::json::parse(line));
    }
    return records;
}

const std::string selected_run_results = R"({"metadata": {}, "elapsed_time": 1.0, "results": [
    {"unique_id": "model.podcast.q3_multi_episode_listeners", "status": "success",
     "execution_time": 0.25, "message": "OK"},
    {"unique_id": "test.podcast.not_null_q3_users", "status": "fail", "execution_time": 0.1,
     "failures": 2, "message": "Got 2 results, configured to fail if != 0"}]})";

}  // namespace

SCENARIO("a selection reaches dbt build and the runs log, with what became of each node",
         "[run][select]") {
    GIVEN("a pipeline whose fake dbt reports a built model and a failed test") {
        FakePipeline pipeline(seed_line, 0, selected_run_results);
        pipeline.options.select = {"podcast.gold.analysis.q3_multi_episode_listeners", "silver+"};
        pipeline.options.exclude = {"silver.users"};
        pipeline.options.origin = "cron";
        WHEN("it runs") {
            REQUIRE(pipeline.run());
            const auto arguments = pipeline.dbt_arguments();
            const auto records = run_records(pipeline.options.warehouse);
            THEN("dbt build gets one --select with the union and one --exclude") {
                REQUIRE(std::vector<std::string>{
                            "--select", "podcast.gold.analysis.q3_multi_episode_listeners silver+",
                            "--exclude", "silver.users"} ==
                        std::vector<std::string>(arguments.end() - 4, arguments.end()));
            }
            THEN("the started and the final line record the selection and the origin") {
                REQUIRE(2 == records.size());
                for (const auto& record : records) {
                    REQUIRE("podcast.gold.analysis.q3_multi_episode_listeners silver+" ==
                            record["select"]);
                    REQUIRE("silver.users" == record["exclude"]);
                    REQUIRE("cron" == record["origin"]);
                    REQUIRE_FALSE(
                        podcast::is_complete_run(nlohmann::ordered_json::parse(record.dump())));
                }
            }
            THEN(
                "the final line holds each node's outcome, a failed test with its count and "
                "message") {
                const auto& nodes = records.back()["nodes"];
                REQUIRE(2 == nodes.size());
                REQUIRE("success" == nodes["model.podcast.q3_multi_episode_listeners"]["status"]);
                REQUIRE_FALSE(
                    nodes["model.podcast.q3_multi_episode_listeners"].contains("message"));
                REQUIRE("fail" == nodes["test.podcast.not_null_q3_users"]["status"]);
                REQUIRE(2 == nodes["test.podcast.not_null_q3_users"]["failures"]);
                REQUIRE("Got 2 results, configured to fail if != 0" ==
                        nodes["test.podcast.not_null_q3_users"]["message"]);
            }
        }
    }
    GIVEN("a pipeline without a selection") {
        FakePipeline pipeline(seed_line, 0);
        REQUIRE(pipeline.run());
        THEN("dbt gets no --select and the runs log records a complete run") {
            const auto arguments = pipeline.dbt_arguments();
            REQUIRE(arguments.end() == std::ranges::find(arguments, "--select"));
            const auto records = run_records(pipeline.options.warehouse);
            REQUIRE(podcast::is_complete_run(nlohmann::ordered_json::parse(records.back().dump())));
        }
    }
}

SCENARIO("a selection that matches no node fails as a usage error, naming it", "[run][select]") {
    GIVEN("a fake dbt that finds nothing to do for the selection and exits 0") {
        FakePipeline pipeline(
            R"({"info": {"name": "NoNodesForSelectionCriteria", "level": "warn", "msg": "The selection criterion 'gold.nope' does not match any enabled nodes"}, "data": {}})"
            "\n"
            R"({"info": {"name": "NothingToDo", "level": "warn", "msg": "Nothing to do."}, "data": {}})"
            "\n",
            0);
        pipeline.options.select = {"gold.nope"};
        const auto result = pipeline.run();
        THEN("the run fails with the usage code and dbt's reason") {
            REQUIRE_FALSE(result.has_value());
            REQUIRE(podcast::ExitCode::usage == result.error().code);
            REQUIRE_THAT(result.error().message,
                         Catch::Contains("gold.nope") &&
                             Catch::Contains("does not match any enabled nodes"));
            REQUIRE("failed" == run_records(pipeline.options.warehouse).back()["outcome"]);
        }
    }
}

SCENARIO("with JSON logs, dbt's events pass through as they come", "[run]") {
    GIVEN("a pipeline whose fake dbt logs a seed result") {
        FakePipeline pipeline(seed_line, 0);
        pipeline.options.log_format = podcast::LogFormat::json;
        std::string out;
        REQUIRE(pipeline.run(&out));
        THEN("the event line is printed verbatim, not as a progress line") {
            REQUIRE_THAT(out, Catch::Contains(seed_line));
            REQUIRE_THAT(out, !Catch::Contains("[1/1] seed"));
        }
    }
}
