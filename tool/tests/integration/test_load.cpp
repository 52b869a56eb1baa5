// Step 1, extract and load: the design's three scenarios, then the load contract and the files
// a user can hand the pipeline.
#include <catch2/catch.hpp>

#include "workspace.hpp"

using namespace podcast::integration;

namespace {

// n valid, distinct events on one day.
std::string valid_events(int n, int day = 1) {
    std::string text;
    for (int i = 0; i < n; ++i) {
        char timestamp[32];
        std::snprintf(timestamp, sizeof timestamp, "2024-08-%02dT%02d:%02d:00", day, i / 60 % 24,
                      i % 60);
        text += event_line("play", "user_" + std::to_string(i % 5 + 1),
                           "ep_" + std::to_string(i % 4 + 1), timestamp, 60 + i);
    }
    return text;
}

const std::string raw_rows = "select count(*) from bronze.raw_events";
const std::string load_ats = "select count(distinct load_at) from bronze.raw_events";
const std::string filenames = "select count(distinct filename) from bronze.raw_events";

}  // namespace

SCENARIO("One NDJSON file is loaded with one load_at and one filename", "[load]") {
    GIVEN("all events serialised to one NDJSON file and copied to the staging directory") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome landed;
            CommandOutcome run;
            bool write_ahead_log_left = true;
        };
        const auto& state = once([] {
            State s;
            s.ws->stage("2024-08-01/events.json", valid_events(25));
            s.landed = s.ws->land();
            s.run = s.ws->run();
            s.write_ahead_log_left = fs::exists(s.ws->warehouse().string() + ".wal");
            return s;
        });
        const auto& ws = state.ws;
        WHEN("the file is copied to the loading directory and the pipeline runs on all files") {
            THEN("the run succeeds") {
                REQUIRE(0 == state.landed.exit_code);
                REQUIRE(0 == state.run.exit_code);
            }
            THEN("every event is loaded") { REQUIRE(25 == ws->count(raw_rows)); }
            THEN("dbt checkpointed the warehouse as it ended: no write-ahead log is left") {
                REQUIRE_FALSE(state.write_ahead_log_left);
            }
            THEN("there is one load_at value") { REQUIRE(1 == ws->count(load_ats)); }
            THEN("there is one filename, relative to the loading directory") {
                REQUIRE("2024-08-01/events.json" ==
                        ws->scalar("select distinct filename from bronze.raw_events"));
            }
        }
    }
}

SCENARIO("Running the pipeline twice on the same file loads it once", "[load]") {
    GIVEN("all events serialised to one NDJSON file and copied to the staging directory") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            std::string first_load_at;
            CommandOutcome second;
        };
        auto& state = once([] {
            State s;
            s.ws->stage("2024-08-01/events.json", valid_events(25));
            (void)s.ws->land();
            (void)s.ws->run();
            s.first_load_at = s.ws->scalar("select max(load_at) from bronze.raw_events");
            s.second = s.ws->run();
            return s;
        });
        WHEN("the pipeline runs twice with all files globbed") {
            THEN("the second run succeeds") { REQUIRE(0 == state.second.exit_code); }
            THEN("the events are loaded once") { REQUIRE(25 == state.ws->count(raw_rows)); }
            THEN("there is one load_at value") { REQUIRE(1 == state.ws->count(load_ats)); }
            THEN("load_at after the second run is load_at after the first") {
                REQUIRE(state.first_load_at ==
                        state.ws->scalar("select max(load_at) from bronze.raw_events"));
            }
            THEN("there is one loaded filename") { REQUIRE(1 == state.ws->count(filenames)); }
        }
    }
}

SCENARIO("Two files landed in two runs are both loaded, each with its own load_at", "[load]") {
    GIVEN("events serialised to two NDJSON files in the staging directory") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->stage("2024-08-01/events.json", valid_events(25, 1));
            (void)workspace->land();
            (void)workspace->run();
            workspace->stage("2024-08-02/events.json", valid_events(17, 2));
            (void)workspace->land();
            (void)workspace->run();
            return workspace;
        });
        WHEN("the first file is landed and run, then the second") {
            THEN("the loaded events are the sum of both files") {
                REQUIRE(25 + 17 == ws->count(raw_rows));
            }
            THEN("there are two load_at values") { REQUIRE(2 == ws->count(load_ats)); }
            THEN("there are two filenames") { REQUIRE(2 == ws->count(filenames)); }
            THEN("each file's rows share one load_at") {
                REQUIRE(2 == ws->count("select count(*) from (select distinct filename, load_at "
                                       "from bronze.raw_events)"));
            }
        }
    }
}

SCENARIO("A line missing a key fails the whole load and loads nothing", "[load]") {
    GIVEN("a loaded day, then a valid file and a file whose line 3 lacks duration") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome failed;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json", valid_events(10, 1));
            (void)s.ws->run();
            s.ws->drop("2024-08-02/events.json", valid_events(10, 2));
            s.ws->drop("2024-08-03/events.json",
                       valid_events(2, 3) +
                           R"({"event_type": "play", "user_id": "user_1", "episode_id": "ep_1", )"
                           R"("timestamp": "2024-08-03T10:00:00"})"
                           "\n");
            s.failed = s.ws->run();
            return s;
        });
        WHEN("the pipeline runs") {
            THEN("it exits non-zero") { REQUIRE(0 != state.failed.exit_code); }
            THEN("the error names the file, the line and the key") {
                REQUIRE_THAT(state.failed.output,
                             Catch::Contains("file 2024-08-03/events.json, line 3: missing key "
                                             "\"duration\""));
            }
            THEN("nothing of that run is loaded, not even the valid file") {
                REQUIRE(10 == state.ws->count(raw_rows));
                REQUIRE(0 == state.ws->count("select count(*) from bronze.raw_events where "
                                             "filename <> '2024-08-01/events.json'"));
            }
            THEN("what was loaded before is intact downstream") {
                REQUIRE(10 == state.ws->count("select count(*) from silver.cleansed_events"));
            }
        }
    }
}

SCENARIO("A line that is not JSON fails the whole load and loads nothing", "[load]") {
    GIVEN("a valid file and a file whose second line is not JSON") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome failed;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json", valid_events(10, 1));
            s.ws->drop(
                "2024-08-02/events.json",
                valid_events(1, 2) + "{\"event_type\": \"play\", oops\n" + valid_events(1, 2));
            s.failed = s.ws->run();
            return s;
        });
        WHEN("the pipeline runs") {
            THEN("it exits non-zero, naming the file and line") {
                REQUIRE(0 != state.failed.exit_code);
                REQUIRE_THAT(state.failed.output,
                             Catch::Contains("file 2024-08-02/events.json, line 2: is not a JSON "
                                             "object"));
            }
            THEN("nothing is loaded") {
                const bool loaded_any =
                    state.ws->table_exists("bronze", "raw_events") && state.ws->count(raw_rows) > 0;
                REQUIRE_FALSE(loaded_any);
            }
        }
    }
}

SCENARIO("Extra keys are ignored", "[load]") {
    GIVEN("a file whose lines carry keys beyond the five") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-01/events.json",
                            R"({"client": "ios", "event_type": "play", "user_id": "user_1", )"
                            R"("episode_id": "ep_1", "timestamp": "2024-08-01T08:00:00", )"
                            R"("duration": 60, "extra": {"nested": [1, 2]}})"
                            "\n");
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("the row is loaded with its five values") {
                REQUIRE(std::vector<std::string>{"play|user_1|ep_1|2024-08-01T08:00:00|60"} ==
                        rows_as_text(ws->query("select event_type, user_id, episode_id, "
                                               "timestamp, duration from bronze.raw_events")));
            }
            THEN("the row is valid") {
                REQUIRE(1 == ws->count("select count(*) from silver.cleansed_events"));
            }
        }
    }
}

SCENARIO("A file still being written in the staging directory is never loaded", "[load]") {
    GIVEN("a complete file and a file under a temporary name in the staging directory") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->stage("2024-08-01/events.json", valid_events(5, 1));
            workspace->stage("2024-08-02/events.json.part", valid_events(3, 2));
            workspace->stage("2024-08-03/.events.json", valid_events(3, 3));
            (void)workspace->land();
            (void)workspace->run();
            return workspace;
        });
        WHEN("the files are landed and the pipeline runs") {
            THEN("only the complete file is loaded") {
                REQUIRE(std::vector<std::string>{"2024-08-01/events.json|5"} ==
                        rows_as_text(ws->query("select filename, count(*) from bronze.raw_events "
                                               "group by filename")));
            }
            THEN("the incomplete files stay in the staging directory") {
                REQUIRE(fs::exists(ws->staging() / "2024-08-02/events.json.part"));
                REQUIRE(fs::exists(ws->staging() / "2024-08-03/.events.json"));
                REQUIRE_FALSE(fs::exists(ws->loading() / "2024-08-02"));
            }
        }
    }
}

SCENARIO("A file name already loaded is never loaded again", "[load]") {
    GIVEN("a loaded file, then the same name landed again with the same and with other content") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome same_content;
            CommandOutcome other_content;
            CommandOutcome rerun;
        };
        auto& state = once([] {
            State s;
            s.ws->stage("2024-08-01/events.json", valid_events(5, 1));
            (void)s.ws->land();
            (void)s.ws->run();
            s.ws->stage("2024-08-01/events.json", valid_events(5, 1));
            s.same_content = s.ws->land();
            s.ws->stage("2024-08-01/events.json", valid_events(7, 1));
            s.other_content = s.ws->land();
            s.rerun = s.ws->run();
            return s;
        });
        WHEN("the pipeline runs again") {
            THEN("landing the same content again succeeds and changes nothing") {
                REQUIRE(0 == state.same_content.exit_code);
            }
            THEN("landing other content under the loaded name is refused, naming the file") {
                REQUIRE(0 != state.other_content.exit_code);
                REQUIRE_THAT(state.other_content.output, Catch::Contains("events.json"));
            }
            THEN("the rows are loaded once") {
                REQUIRE(0 == state.rerun.exit_code);
                REQUIRE(5 == state.ws->count(raw_rows));
                REQUIRE(1 == state.ws->count(load_ats));
            }
        }
    }
}

SCENARIO("Empty files, missing final newlines and CRLF line ends load as a user expects",
         "[load]") {
    GIVEN("an empty file, a file without a final newline, a CRLF file with a blank line") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-01/events.json", "");
            std::string no_final_newline = valid_events(3, 2);
            no_final_newline.pop_back();
            workspace->drop("2024-08-02/events.json", no_final_newline);
            std::string crlf;
            for (char c : valid_events(4, 3)) {
                crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
            }
            workspace->drop("2024-08-03/events.json", crlf + "\r\n");
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("the empty file loads no row and the others every line") {
                REQUIRE(std::vector<std::string>{"2024-08-02/events.json|3",
                                                 "2024-08-03/events.json|4"} ==
                        rows_as_text(ws->query("select filename, count(*) from bronze.raw_events "
                                               "group by filename order by filename")));
            }
            THEN("no value keeps a carriage return, and every row is valid") {
                REQUIRE(0 == ws->count("select count(*) from bronze.raw_events where "
                                       "contains(duration, chr(13))"));
                REQUIRE(7 == ws->count("select count(*) from silver.cleansed_events"));
            }
        }
    }
}
