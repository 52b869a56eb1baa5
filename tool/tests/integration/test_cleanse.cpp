// Step 3, cleanse and normalise: each column's normalisation, duplicates within a file, across
// files and across runs with the tie rules, and the count invariant.
#include <catch2/catch.hpp>

#include "workspace.hpp"

using namespace podcast::integration;

namespace {

const std::string cleansed_rows =
    "select cast(event_type as varchar), user_id, episode_id, "
    "strftime(timestamp, '%Y-%m-%dT%H:%M:%S'), duration, filename, line_number "
    "from silver.cleansed_events order by user_id, episode_id, event_type, timestamp";

}  // namespace

SCENARIO("Each column is normalised", "[cleanse]") {
    GIVEN("valid events with padded ids, mixed-case types, offsets and string durations") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                event_line(" Play\t", " user_1 ", "ep_1  ", "2024-08-01T10:00:00+02:00", "120") +
                    event_line("PAUSE", "user_2", "ep_2", "2024-08-01T03:30:00-05:30", nullptr) +
                    event_line("complete", "user_3", "ep_3", "2024-08-01T23:59:59Z", 7000));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("ids are trimmed, types lower-cased, times in UTC, durations integers") {
                REQUIRE(
                    std::vector<std::string>{
                        "play|user_1|ep_1|2024-08-01T08:00:00|120|2024-08-01/events.json|1",
                        "pause|user_2|ep_2|2024-08-01T09:00:00|NULL|2024-08-01/events.json|2",
                        "complete|user_3|ep_3|2024-08-01T23:59:59|7000|2024-08-01/events.json|3"} ==
                    rows_as_text(ws->query(cleansed_rows)));
            }
            THEN("the columns have the design's types") {
                REQUIRE(
                    std::vector<std::string>{"event_type|ENUM('play', 'pause', 'seek', 'complete')",
                                             "user_id|VARCHAR", "episode_id|VARCHAR",
                                             "timestamp|TIMESTAMP", "duration|INTEGER"} ==
                    rows_as_text(ws->query(
                        "select column_name, data_type from information_schema.columns "
                        "where table_schema = 'silver' and table_name = 'cleansed_events' "
                        "and column_name in ('event_type', 'user_id', 'episode_id', "
                        "'timestamp', 'duration') order by ordinal_position")));
            }
        }
    }
}

SCENARIO("Duplicates within a file keep the later line", "[cleanse]") {
    GIVEN("one file with the same event three times, written differently") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 10) +
                    event_line("PLAY", " user_1", "ep_1", "2024-08-01T08:00:00Z", 20) +
                    event_line("pause", "user_1", "ep_1", "2024-08-01T08:05:00", nullptr) +
                    event_line("play", "user_1", "ep_1 ", "2024-08-01T09:00:00+01:00", 30));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("one row survives per business key: the last line's") {
                REQUIRE(
                    std::vector<std::string>{
                        "play|user_1|ep_1|2024-08-01T08:00:00|30|2024-08-01/events.json|4",
                        "pause|user_1|ep_1|2024-08-01T08:05:00|NULL|2024-08-01/events.json|3"} ==
                    rows_as_text(ws->query(cleansed_rows)));
            }
        }
    }
}

SCENARIO("Duplicates across files of one run keep the greater filename", "[cleanse]") {
    GIVEN("two files, loaded in one run, holding the same event") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-02/events.json",
                            event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 20));
            workspace->drop("2024-08-01/events.json",
                            event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 10) +
                                event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 11));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs once") {
            THEN("the row of the greater filename survives") {
                REQUIRE(std::vector<std::string>{
                            "play|user_1|ep_1|2024-08-01T08:00:00|20|2024-08-02/events.json|1"} ==
                        rows_as_text(ws->query(cleansed_rows)));
            }
        }
    }
}

SCENARIO("Duplicates across runs keep the latest load, whatever the file name", "[cleanse]") {
    GIVEN("an event loaded, then loaded again later from a file with a smaller name") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("b/events.json",
                            event_line("complete", "user_1", "ep_1", "2024-08-01T08:00:00", 100) +
                                event_line("play", "user_2", "ep_1", "2024-08-01T08:00:00", 5));
            (void)workspace->run();
            workspace->drop("a/events.json",
                            event_line("complete", "user_1", "ep_1", "2024-08-01T08:00:00", 200));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs after each file") {
            THEN("the later load survives, and the untouched event keeps its first load") {
                REQUIRE(std::vector<std::string>{
                            "complete|user_1|ep_1|2024-08-01T08:00:00|200|a/events.json|1",
                            "play|user_2|ep_1|2024-08-01T08:00:00|5|b/events.json|2"} ==
                        rows_as_text(ws->query(cleansed_rows)));
            }
            THEN("the fact table follows the survivor") {
                REQUIRE("200" == ws->scalar("select duration from gold.fact_user_interactions "
                                            "where event_type = 'complete'"));
                REQUIRE(2 == ws->count("select count(*) from gold.fact_user_interactions"));
            }
        }
    }
}

SCENARIO("No invalid row reaches silver, and silver counts the distinct valid events",
         "[cleanse]") {
    GIVEN("valid, invalid and duplicate rows over two runs") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 10) +
                    event_line("play", nullptr, "ep_1", "2024-08-01T08:00:00", 10) +
                    event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 0) +
                    event_line("seek", "user_1", "ep_1", "2024-08-01T08:01:00", nullptr));
            (void)workspace->run();
            workspace->drop(
                "2024-08-02/events.json",
                event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 12) +
                    event_line("play", "user_1", "ep_9", "2024-08-02T08:00:00", 10) +
                    event_line("complete", "user_2", "ep_2", "2024-08-02T08:00:00", 1800));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline has run twice") {
            THEN("silver holds the distinct business keys of the valid rows") {
                REQUIRE(3 == ws->count("select count(*) from silver.cleansed_events"));
                REQUIRE(
                    ws->count("select count(*) from (select distinct trim(user_id), "
                              "trim(episode_id), lower(trim(event_type)), timestamp from "
                              "bronze.raw_events_validated where len(validation_errors) = 0)") ==
                    ws->count("select count(*) from silver.cleansed_events"));
            }
            THEN("no row of silver comes from an invalid raw row") {
                REQUIRE(0 ==
                        ws->count("select count(*) from silver.cleansed_events c join "
                                  "bronze.raw_events_validated v using (filename, line_number) "
                                  "where len(v.validation_errors) > 0"));
            }
        }
    }
}

SCENARIO("A day's run finds a valid event missing from silver, at either end of its load's times",
         "[cleanse]") {
    GIVEN("a second load whose events span a late event of day 1 to the end of day 2") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome earliest_missing;
            CommandOutcome intact;
            CommandOutcome latest_missing;
        };
        auto& state = once([] {
            State s;
            const std::string test = "cleansed_events_count_matches_valid_keys";
            s.ws->drop("2024-08-01/events.json",
                       event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 10) +
                           event_line("play", "user_2", "ep_1", "2024-08-01T12:00:00", 10));
            (void)s.ws->run();
            s.ws->drop("2024-08-02/events.json",
                       event_line("pause", "user_1", "ep_1", "2024-08-01T09:00:00", nullptr) +
                           event_line("play", "user_1", "ep_2", "2024-08-02T08:00:00", 10) +
                           event_line("complete", "user_2", "ep_2", "2024-08-02T23:59:59", 1800));
            (void)s.ws->run();
            s.ws->execute("create table main.kept as select * from silver.cleansed_events");
            s.ws->execute(
                "delete from silver.cleansed_events "
                "where timestamp = timestamp '2024-08-01 09:00:00'");
            s.earliest_missing = s.ws->run({"--select", test});
            s.ws->execute(
                "insert into silver.cleansed_events select * from main.kept "
                "where timestamp = timestamp '2024-08-01 09:00:00'");
            s.intact = s.ws->run({"--select", test});
            s.ws->execute(
                "delete from silver.cleansed_events "
                "where timestamp = timestamp '2024-08-02 23:59:59'");
            s.latest_missing = s.ws->run({"--select", test});
            return s;
        });
        WHEN("the design's count test runs on the load's keys") {
            THEN("it fails when the load's earliest event is missing") {
                REQUIRE(0 != state.earliest_missing.exit_code);
                REQUIRE_THAT(state.earliest_missing.output,
                             Catch::Contains("cleansed_events_count_matches_valid_keys"));
            }
            THEN("it passes with every event in place") {
                INFO(state.intact.output);
                REQUIRE(0 == state.intact.exit_code);
            }
            THEN("it fails when the load's latest event is missing") {
                REQUIRE(0 != state.latest_missing.exit_code);
            }
        }
    }
}

SCENARIO("Runs killed after their load are completed by the next run, as a full refresh would",
         "[cleanse]") {
    GIVEN("an event loaded, then two more copies loaded by runs that stopped after the load") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome second_load;
            CommandOutcome third_load;
            CommandOutcome completing_run;
            std::vector<std::string> after_completion;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json",
                       event_line("complete", "user_1", "ep_1", "2024-08-01T08:00:00", 10));
            (void)s.ws->run();
            s.ws->drop("2024-08-02/events.json",
                       event_line("complete", "user_1", "ep_1", "2024-08-01T08:00:00", 20) +
                           event_line("play", "user_2", "ep_2", "2024-08-02T08:00:00", 5));
            s.second_load = s.ws->load_only();
            s.ws->drop("2024-08-03/events.json",
                       event_line("complete", "user_1", "ep_1", "2024-08-01T08:00:00", 30));
            s.third_load = s.ws->load_only();
            s.completing_run = s.ws->run();
            s.after_completion = rows_as_text(s.ws->query(cleansed_rows));
            (void)s.ws->run({"--full-refresh"});
            return s;
        });
        WHEN("the next full run completes them") {
            THEN("the interrupted loads had committed their rows") {
                REQUIRE(0 == state.second_load.exit_code);
                REQUIRE(0 == state.third_load.exit_code);
                REQUIRE(0 == state.completing_run.exit_code);
            }
            THEN("the latest load survives, though both pending loads were cleansed at once") {
                REQUIRE(std::vector<std::string>{
                            "complete|user_1|ep_1|2024-08-01T08:00:00|30|2024-08-03/events.json|1",
                            "play|user_2|ep_2|2024-08-02T08:00:00|5|2024-08-02/events.json|2"} ==
                        state.after_completion);
            }
            THEN("a full refresh gives the same table") {
                REQUIRE(state.after_completion == rows_as_text(state.ws->query(cleansed_rows)));
            }
        }
    }
}

SCENARIO(
    "An incremental run tests the rows written since the last successful run, and still "
    "finds a duplicate of an older row",
    "[cleanse]") {
    GIVEN("a successful run, then a duplicate of its cleansed row written later (as a bug would)") {
        struct State {
            std::unique_ptr<Workspace> workspace;
            CommandOutcome first;
            CommandOutcome second;
            std::string second_dbt_log;  // what dbt logged in the second run
            std::string second_uniqueness_sql;
            std::string second_accepted_values_sql;
            CommandOutcome refreshed;
            std::string refreshed_uniqueness_sql;
            std::string refreshed_accepted_values_sql;
        };
        auto& state = once([] {
            State s;
            s.workspace = std::make_unique<Workspace>();
            s.workspace->drop("2024-08-01/events.json",
                              event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 10));
            s.first = s.workspace->run();
            s.workspace->execute(
                "insert into silver.cleansed_events select event_type, user_id, episode_id, "
                "timestamp, duration, current_timestamp::timestamp, filename, line_number "
                "from silver.cleansed_events");
            s.workspace->drop("2024-08-02/events.json",
                              event_line("play", "user_2", "ep_2", "2024-08-02T08:00:00", 20));
            const auto first_log_size = s.workspace->dbt_log().size();
            s.second = s.workspace->run();
            s.second_dbt_log = s.workspace->dbt_log().substr(first_log_size);
            s.second_uniqueness_sql =
                s.workspace->compiled_test_sql("unique_combination_cleansed_ev");
            s.second_accepted_values_sql =
                s.workspace->compiled_test_sql("accepted_values_cleansed_even");
            s.refreshed = s.workspace->run({"--full-refresh"});
            s.refreshed_uniqueness_sql =
                s.workspace->compiled_test_sql("unique_combination_cleansed_ev");
            s.refreshed_accepted_values_sql =
                s.workspace->compiled_test_sql("accepted_values_cleansed_even");
            return s;
        });
        WHEN("the next run loads a new file") {
            THEN("its uniqueness test checks only the keys written since the first run") {
                REQUIRE(0 == state.first.exit_code);
                REQUIRE(state.second_uniqueness_sql.find("changed_keys") != std::string::npos);
            }
            THEN("its per-row tests read only the rows written since the first run") {
                REQUIRE(state.second_accepted_values_sql.find("where load_at > cast(") !=
                        std::string::npos);
            }
            THEN(
                "dbt parses no file again: nothing that changes from run to run (the load's "
                "time, the tested-since filter) is read while dbt parses") {
                REQUIRE(state.second_dbt_log.find("\"PartialParsingSkipParsing\"") !=
                        std::string::npos);
                REQUIRE(state.second_dbt_log.find("\"PartialParsingFile\"") == std::string::npos);
            }
            THEN("the duplicate fails the run, named by the uniqueness test") {
                REQUIRE(0 != state.second.exit_code);
                REQUIRE(state.second.output.find("unique_combination_cleansed_events") !=
                        std::string::npos);
            }
        }
        WHEN("a full refresh follows") {
            THEN("it tests every row, and the rebuilt table passes") {
                REQUIRE(state.refreshed_uniqueness_sql.find("changed_keys") == std::string::npos);
                REQUIRE(state.refreshed_accepted_values_sql.find("load_at >") == std::string::npos);
                REQUIRE(0 == state.refreshed.exit_code);
            }
        }
    }
}

SCENARIO("A full refresh tests every row's uniqueness and finds a duplicate among them",
         "[cleanse]") {
    GIVEN("a successful run, then one of its raw rows written twice (as a bug would)") {
        Workspace workspace;
        workspace.drop("2024-08-01/events.json",
                       event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 10) +
                           event_line("pause", "user_2", "ep_2", "2024-08-01T09:00:00", nullptr));
        REQUIRE(0 == workspace.run().exit_code);
        workspace.execute(
            "insert into bronze.raw_events select * from bronze.raw_events "
            "where line_number = 2");
        WHEN("a full refresh runs") {
            const auto refreshed = workspace.run({"--full-refresh"});
            THEN("the uniqueness test of the raw rows, reading every row, fails the run") {
                REQUIRE(workspace.compiled_test_sql("unique_combination_raw_events_load")
                            .find("changed_keys") == std::string::npos);
                REQUIRE(0 != refreshed.exit_code);
                REQUIRE(refreshed.output.find(
                            "unique_combination_raw_events_load_at__filename__line_number") !=
                        std::string::npos);
            }
        }
    }
}
