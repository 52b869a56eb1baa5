// Hostile inputs to land and the load: nothing lost, nothing loaded from elsewhere, nothing
// skipped in silence, no JSON but RFC 8259's (docs/data-contract.md, "Load").
#include <unistd.h>

#include <catch2/catch.hpp>

#include <thread>

#include "workspace.hpp"

using namespace podcast::integration;

namespace {

constexpr int exit_refused = 5;

const std::string raw_rows = "select count(*) from bronze.raw_events";

std::string one_event(const std::string& user = "user_1", int minute = 0) {
    char timestamp[32];
    std::snprintf(timestamp, sizeof timestamp, "2024-08-01T08:%02d:00", minute);
    return event_line("play", user, "ep_1", timestamp, 60);
}

// Rows of bronze.raw_events, 0 when the table was never built.
std::int64_t raw_row_count(const Workspace& ws) {
    return ws.table_exists("bronze", "raw_events") ? ws.count(raw_rows) : 0;
}

CommandOutcome land_from(const Workspace& ws, const fs::path& source) {
    return run_podcast_binary({"land", source.string(), "--data-dir", ws.loading().string(),
                               "--warehouse", ws.warehouse().string()});
}

// podcast run on the workspace's reference data and warehouse, from another loading directory.
CommandOutcome run_on(const Workspace& ws, const fs::path& loading) {
    return run_podcast_binary({"run", "--reference-dir", ws.reference().string(), "--data-dir",
                               loading.string(), "--warehouse", ws.warehouse().string(), "--var",
                               "now=" + std::string(pinned_now)});
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

SCENARIO(
    "Landing the loading directory, a folder inside it or its parent is refused and removes "
    "nothing",
    "[edge][load]") {
    GIVEN("a loading directory holding a loaded file") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome itself, inside, parent, dotted, file_inside;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json", one_event());
            (void)s.ws->run();
            s.itself = land_from(*s.ws, s.ws->loading());
            s.inside = land_from(*s.ws, s.ws->loading() / "2024-08-01");
            s.parent = land_from(*s.ws, s.ws->root());
            s.dotted = land_from(*s.ws, s.ws->loading() / ".." / "loading" / ".");
            s.file_inside = land_from(*s.ws, s.ws->loading() / "2024-08-01" / "events.json");
            return s;
        });
        WHEN("each is given to podcast land") {
            THEN("each is refused") {
                REQUIRE(exit_refused == state.itself.exit_code);
                REQUIRE(exit_refused == state.inside.exit_code);
                REQUIRE(exit_refused == state.parent.exit_code);
                REQUIRE(exit_refused == state.dotted.exit_code);
                REQUIRE(exit_refused == state.file_inside.exit_code);
            }
            THEN("the refusal names the loading directory") {
                REQUIRE_THAT(state.parent.output, Catch::Contains("holds the loading directory"));
                REQUIRE_THAT(state.inside.output, Catch::Contains("inside it"));
            }
            THEN("the loaded file is still there, with its content") {
                REQUIRE(one_event() ==
                        read_file(state.ws->loading() / "2024-08-01" / "events.json"));
            }
            THEN("nothing of dbt's target was landed as an event file") {
                std::size_t files = 0;
                for (const auto& entry : fs::recursive_directory_iterator(state.ws->loading())) {
                    files += entry.is_regular_file() ? 1 : 0;
                }
                REQUIRE(1 == files);
            }
        }
    }
}

SCENARIO("A loaded file archived and re-delivered with new content is refused, not lost",
         "[edge][load]") {
    GIVEN("a file landed and loaded, then moved out of the loading directory") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome redelivery, same_again, dropped_run;
            bool staged_kept = false;
            bool same_removed = false;
        };
        auto& state = once([] {
            State s;
            s.ws->stage("2024-08-01/events.json", one_event("user_1"));
            (void)s.ws->land();
            (void)s.ws->run();
            fs::rename(s.ws->loading() / "2024-08-01", s.ws->root() / "archived");
            s.ws->stage("2024-08-01/events.json", one_event("user_2"));
            s.redelivery = s.ws->land();
            s.staged_kept = fs::exists(s.ws->staging() / "2024-08-01" / "events.json");
            s.ws->stage("2024-08-01/events.json", one_event("user_1"));
            s.same_again = s.ws->land();
            s.same_removed = !fs::exists(s.ws->staging() / "2024-08-01" / "events.json");
            // Bypassing land: the changed file put straight into the loading directory.
            s.ws->drop("2024-08-01/events.json", one_event("user_2") + one_event("user_3"));
            s.dropped_run = s.ws->run();
            return s;
        });
        WHEN("the new content is landed") {
            THEN("land refuses it, naming the load") {
                REQUIRE(exit_refused == state.redelivery.exit_code);
                REQUIRE_THAT(state.redelivery.output,
                             Catch::Contains("2024-08-01/events.json was loaded at"));
            }
            THEN("the new content stays in staging") { REQUIRE(state.staged_kept); }
        }
        WHEN("the same content is landed again") {
            THEN("it is known as loaded and leaves staging") {
                REQUIRE(0 == state.same_again.exit_code);
                REQUIRE_THAT(state.same_again.output, Catch::Contains("already loaded"));
                REQUIRE(state.same_removed);
            }
        }
        WHEN("changed content is put in the loading directory by hand") {
            THEN("the run refuses it rather than say nothing is new") {
                REQUIRE(exit_refused == state.dropped_run.exit_code);
                REQUIRE_THAT(state.dropped_run.output,
                             Catch::Contains("event file 2024-08-01/events.json was loaded at"));
            }
            THEN("the warehouse keeps exactly the first delivery") {
                REQUIRE(1 == state.ws->count(raw_rows));
                REQUIRE("user_1" == state.ws->scalar("select user_id from bronze.raw_events"));
            }
        }
    }
}

SCENARIO("A loading directory whose path holds glob characters is refused before anything loads",
         "[edge][load]") {
    const auto glob_name = GENERATE(as<std::string>{}, "load*", "load?", "load[1]", "lo{a,b}d");
    GIVEN("a loading directory named " + glob_name + " beside a sibling the glob would match") {
        Workspace ws;
        const fs::path loading = ws.root() / glob_name;
        const fs::path sibling = ws.root() / "load1";
        fs::create_directories(loading / "2024-08-01");
        fs::create_directories(sibling / "2024-08-01");
        std::ofstream(loading / "2024-08-01" / "events.json") << one_event("user_1");
        std::ofstream(sibling / "2024-08-01" / "events.json") << one_event("user_2");
        WHEN("the pipeline runs on it") {
            const auto run = run_on(ws, loading);
            THEN("it is refused, naming the glob characters") {
                REQUIRE(exit_refused == run.exit_code);
                REQUIRE_THAT(run.output, Catch::Contains("glob character"));
            }
            THEN("nothing was loaded, from it or its sibling") { REQUIRE(0 == raw_row_count(ws)); }
        }
        WHEN("files are landed into it") {
            ws.stage("2024-08-01/events.json", one_event("user_3"));
            const auto landed =
                run_podcast_binary({"land", ws.staging().string(), "--data-dir", loading.string(),
                                    "--warehouse", ws.warehouse().string()});
            THEN("land refuses too, before moving anything") {
                REQUIRE(exit_refused == landed.exit_code);
                REQUIRE(fs::exists(ws.staging() / "2024-08-01" / "events.json"));
            }
        }
    }
}

SCENARIO("A loading directory whose path holds quotes, spaces and commas loads exactly",
         "[edge][load]") {
    GIVEN("a loading directory named it's, a \"dir\"") {
        auto& state = once([] {
            struct State {
                std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
                CommandOutcome run;
            } s;
            const fs::path loading = s.ws->root() / "it's, a \"dir\"";
            fs::create_directories(loading / "2024-08-01");
            std::ofstream(loading / "2024-08-01" / "events.json")
                << "\xEF\xBB\xBF" + one_event("user_1") + one_event("user_2", 1);
            s.run = run_on(*s.ws, loading);
            return s;
        });
        WHEN("the pipeline runs on it") {
            THEN("it loads the file's rows, the byte-order mark tolerated") {
                REQUIRE(0 == state.run.exit_code);
                REQUIRE(2 == state.ws->count(raw_rows));
                REQUIRE("2024-08-01/events.json" ==
                        state.ws->scalar("select distinct filename from bronze.raw_events"));
            }
        }
    }
}

SCENARIO("A file of only blank lines is recorded as loaded, so the next run has nothing new",
         "[edge][load]") {
    GIVEN("a loaded day, then a file holding only blank and whitespace lines") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome blank_run, next_run;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json", one_event());
            (void)s.ws->run();
            s.ws->drop("2024-08-02/events.json", "\n \t\r\n\n");
            s.blank_run = s.ws->run();
            s.next_run = s.ws->run();
            return s;
        });
        WHEN("the pipeline runs twice") {
            THEN("the first run records the file with no rows") {
                REQUIRE(0 == state.blank_run.exit_code);
                REQUIRE("0" == state.ws->scalar("select row_count from bronze.loaded_files where "
                                                "filename = '2024-08-02/events.json'"));
            }
            THEN("the record holds every file with its size and digest") {
                REQUIRE(2 == state.ws->count("select count(*) from bronze.loaded_files where "
                                             "byte_count is not null and length(sha256) = 64"));
            }
            THEN("the second run has nothing new and does not start dbt") {
                REQUIRE(0 == state.next_run.exit_code);
                REQUIRE_THAT(state.next_run.output, Catch::Contains("Nothing new"));
            }
        }
    }
}

SCENARIO("A line that is not strict RFC 8259 JSON fails the whole load, naming file and line",
         "[edge][load]") {
    const std::string valid = one_event("user_1", 1);
    const std::string keys = R"("event_type": "play", "user_id": "user_1", "episode_id": "ep_1", )"
                             R"("timestamp": "2024-08-01T08:00:00")";
    const auto [form, line] = GENERATE_COPY(table<std::string, std::string>({
        {"a trailing comma", "{" + keys + R"(, "duration": 60,})"},
        {"NaN", "{" + keys + R"(, "duration": NaN})"},
        {"Infinity", "{" + keys + R"(, "duration": Infinity})"},
        {"-Infinity", "{" + keys + R"(, "duration": -Infinity})"},
        {"content after the object", "{" + keys + R"(, "duration": 60} {"a": 1})"},
        {"a second object on the line", "{" + keys + R"(, "duration": 60}{})"},
        {"a comment", "{" + keys + R"(, "duration": 60} // played)"},
        {"a block comment", "{" + keys + R"(, /* x */ "duration": 60})"},
        {"a single-quoted string", "{" + keys + R"(, "duration": '60'})"},
        {"a leading zero", "{" + keys + R"(, "duration": 060})"},
        {"a leading plus", "{" + keys + R"(, "duration": +60})"},
        {"a hexadecimal number", "{" + keys + R"(, "duration": 0x3c})"},
        {"an unquoted key", "{" + keys + R"(, duration: 60})"},
        {"a duplicate key", "{" + keys + R"(, "duration": 60, "user_id": "user_2"})"},
        {"invalid UTF-8", "{" + keys + ", \"duration\": \"\xff\xfe\"}"},
        {"an overlong UTF-8 encoding", "{" + keys + ", \"duration\": \"\xc0\xaf\"}"},
        {"a raw control character", "{" + keys +
                                        ", \"duration\": \"6\x01"
                                        "0\"}"},
        {"a lone surrogate escape", "{" + keys + R"(, "duration": "\ud800"})"},
        {"a truncated object", "{" + keys + R"(, "duration": 6)"},
        {"an array", R"([1, 2, 3])"},
        {"a bare string", R"("play")"},
        {"True instead of true", "{" + keys + R"(, "duration": True})"},
        {"a byte-order mark not at the file's start",
         "\xEF\xBB\xBF{" + keys + R"(, "duration": 60})"},
    }));
    GIVEN("a valid file and a file whose line 2 has " + form) {
        Workspace ws;
        ws.drop("2024-08-01/events.json", valid);
        ws.drop("2024-08-02/events.json", valid + line + "\n" + valid);
        WHEN("the pipeline runs") {
            const auto run = ws.run();
            THEN("it is refused, naming the file and line") {
                REQUIRE(exit_refused == run.exit_code);
                REQUIRE_THAT(run.output, Catch::Contains("file 2024-08-02/events.json, line 2:"));
            }
            THEN("no DuckDB message reaches the user") {
                REQUIRE_THAT(run.output, !Catch::Contains("Malformed JSON") &&
                                             !Catch::Contains("ignore_errors") &&
                                             !Catch::Contains("maximum_object_size"));
            }
            THEN("nothing is loaded, not even the valid file") { REQUIRE(0 == raw_row_count(ws)); }
        }
    }
}

SCENARIO("Valid JSON a lenient reader might trip on loads exactly", "[edge][load]") {
    GIVEN("lines with a big integer, escapes, unicode, nested extra keys, CRLF and blank lines") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                "\xEF\xBB\xBF" +
                    std::string(R"({"event_type": "play", "user_id": "user_1", "episode_id": )"
                                R"("ep_1", "timestamp": "2024-08-01T08:00:00", "duration": )"
                                R"(123456789012345678901234567890})") +
                    "\r\n \t \r\n" +
                    R"({"extra": {"a": [1, {"b": null}]}, "event_type": "pl\u0061y", )"
                    R"("user_id": "user_2", "episode_id": "ep_1", "timestamp": )"
                    R"("2024-08-01T08:01:00", "duration": "60", "note": "caf\u00e9 \ud83c\udfa7"})"
                    "\n\n");
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("both lines load, numbered among the non-blank lines") {
                REQUIRE(std::vector<std::string>{"1|123456789012345678901234567890|play",
                                                 "2|60|play"} ==
                        rows_as_text(ws->query("select line_number, duration, event_type from "
                                               "bronze.raw_events order by line_number")));
            }
            THEN("the huge duration is invalid, not a load failure") {
                REQUIRE("[duration_invalid]" ==
                        ws->scalar("select cast(validation_errors as varchar) from "
                                   "bronze.raw_events_validated where line_number = 1"));
            }
        }
    }
}

SCENARIO("A line over the 16 MiB limit fails the load naming file and line, without DuckDB's hint",
         "[edge][load]") {
    GIVEN("a file whose second line is 17 MiB long") {
        Workspace ws;
        const std::string pad(std::size_t{17} << 20, 'x');
        ws.drop("2024-08-01/events.json",
                one_event() +
                    R"({"event_type": "play", "user_id": "user_1", "episode_id": )"
                    R"("ep_1", "timestamp": "2024-08-01T08:01:00", "duration": 1, )"
                    R"("pad": ")" +
                    pad + "\"}\n");
        WHEN("the pipeline runs") {
            const auto run = ws.run();
            THEN("it is refused, naming the limit") {
                REQUIRE(exit_refused == run.exit_code);
                REQUIRE_THAT(run.output,
                             Catch::Contains("file 2024-08-01/events.json, line 2: is longer than "
                                             "the limit of 16777216 bytes"));
                REQUIRE_THAT(run.output, !Catch::Contains("maximum_object_size"));
            }
            THEN("nothing is loaded") { REQUIRE(0 == raw_row_count(ws)); }
        }
    }
}

SCENARIO("A symlink in the loading directory is refused, never followed or skipped in silence",
         "[edge][load]") {
    const auto linked = GENERATE(as<std::string>{}, "file", "directory");
    GIVEN("a loading directory holding a symlinked " + linked) {
        Workspace ws;
        ws.drop("2024-08-01/events.json", one_event("user_1"));
        const fs::path elsewhere = ws.root() / "elsewhere";
        fs::create_directories(elsewhere / "day");
        std::ofstream(elsewhere / "day" / "events.json") << one_event("user_2");
        if (linked == "file") {
            fs::create_directories(ws.loading() / "2024-08-02");
            fs::create_symlink(elsewhere / "day" / "events.json",
                               ws.loading() / "2024-08-02" / "events.json");
        } else {
            fs::create_directory_symlink(elsewhere / "day", ws.loading() / "2024-08-02");
        }
        WHEN("the pipeline runs") {
            const auto run = ws.run();
            THEN("it is refused, naming the link") {
                REQUIRE(exit_refused == run.exit_code);
                REQUIRE_THAT(run.output, Catch::Contains("symlink, 2024-08-02"));
            }
            THEN("nothing is loaded") { REQUIRE(0 == raw_row_count(ws)); }
        }
    }
}

SCENARIO("An event file whose name is unsafe to quote is refused before anything loads",
         "[edge][load]") {
    const auto name = GENERATE(as<std::string>{}, "it's.json", "a b.json", "x;drop.json",
                               "back\\slash.json", "caf\xc3\xa9.json");
    GIVEN("a loading directory holding " + name) {
        Workspace ws;
        ws.drop("2024-08-01/events.json", one_event("user_1"));
        ws.drop("2024-08-02/" + name, one_event("user_2"));
        WHEN("the pipeline runs") {
            const auto run = ws.run();
            THEN("it is refused, naming the file") {
                REQUIRE(exit_refused == run.exit_code);
                REQUIRE_THAT(run.output, Catch::Contains("2024-08-02/" + name));
            }
            THEN("nothing is loaded") { REQUIRE(0 == raw_row_count(ws)); }
        }
    }
}

SCENARIO("Files that are not *.json are named by the run, not skipped in silence", "[edge][load]") {
    GIVEN("a loading directory with an event file and a compressed one") {
        Workspace ws;
        ws.drop("2024-08-01/events.json", one_event("user_1"));
        ws.drop("2024-08-02/events.json.gz", "not read");
        WHEN("the pipeline runs") {
            const auto run = ws.run();
            THEN("it loads the event file and names the other") {
                REQUIRE(0 == run.exit_code);
                REQUIRE(1 == raw_row_count(ws));
                REQUIRE_THAT(run.output, Catch::Contains("2024-08-02/events.json.gz"));
            }
        }
    }
}

SCENARIO("Lands racing on the same file all succeed, and the file lands once", "[edge][load]") {
    GIVEN("six staging directories holding the same large file") {
        Workspace ws;
        std::string content;
        for (int i = 0; content.size() < (std::size_t{8} << 20); ++i) {
            content += one_event("user_" + std::to_string(i % 5 + 1), i % 60);
        }
        std::vector<fs::path> stagings;
        for (int i = 0; i < 6; ++i) {
            stagings.push_back(ws.root() / ("staging" + std::to_string(i)));
            fs::create_directories(stagings.back() / "2024-08-01");
            std::ofstream(stagings.back() / "2024-08-01" / "events.json", std::ios::binary)
                << content;
        }
        WHEN("six lands run at once") {
            std::vector<CommandOutcome> outcomes(stagings.size());
            {
                std::vector<std::jthread> lands;
                for (std::size_t i = 0; i < stagings.size(); ++i) {
                    lands.emplace_back([&, i] { outcomes[i] = land_from(ws, stagings[i]); });
                }
            }
            THEN("every land exits 0") {
                for (const auto& outcome : outcomes) {
                    INFO(outcome.output);
                    REQUIRE(0 == outcome.exit_code);
                }
            }
            THEN("the loading directory holds the file once, whole") {
                REQUIRE(content == read_file(ws.loading() / "2024-08-01" / "events.json"));
                std::size_t entries = 0;
                for (const auto& entry : fs::recursive_directory_iterator(ws.loading())) {
                    entries += entry.is_regular_file() ? 1 : 0;
                }
                REQUIRE(1 == entries);
            }
        }
    }
}
