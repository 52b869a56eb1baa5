// Hostile settings and reference data: every --var and every reference file is checked before dbt
// starts, so a bad one is refused with one line and the warehouse (and the install tree) stays as
// it was.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>

#include "workspace.hpp"

using namespace podcast::integration;

namespace {

// A few valid play and complete events on one day of August 2024.
std::string day_events(int day) {
    std::string text;
    for (int i = 0; i < 8; ++i) {
        char timestamp[32];
        std::snprintf(timestamp, sizeof timestamp, "2024-08-%02dT10:%02d:00", day, i);
        text += event_line(i % 2 == 0 ? "play" : "complete", "user_" + std::to_string(i % 5 + 1),
                           "ep_" + std::to_string(i % 4 + 1), timestamp, 60 + i);
    }
    return text;
}

// podcast run on the workspace with exactly these --var entries (no pinned "now" unless given).
CommandOutcome run_with_vars(const Workspace& ws, const std::vector<std::string>& vars) {
    std::vector<std::string> arguments{"run",
                                       "--reference-dir",
                                       ws.reference().string(),
                                       "--data-dir",
                                       ws.loading().string(),
                                       "--warehouse",
                                       ws.warehouse().string()};
    for (const auto& var : vars) {
        arguments.insert(arguments.end(), {"--var", var});
    }
    return run_podcast_binary(arguments);
}

// What the warehouse holds, in a form to compare before and after a refused run.
std::vector<std::string> snapshot(const Workspace& ws) {
    std::vector<std::string> lines;
    for (const char* sql :
         {"select count(*), count(distinct load_at), cast(max(load_at) as varchar) "
          "from bronze.raw_events",
          "select count(*) from bronze.raw_events_validated",
          "select count(*) from silver.cleansed_events",
          "select count(*) from gold.fact_user_interactions",
          "select * from silver.users order by all", "select * from silver.episodes order by all",
          "select * from gold.q1_top_completed_episodes"}) {
        const auto rows = rows_as_text(ws.query(sql));
        lines.insert(lines.end(), rows.begin(), rows.end());
    }
    return lines;
}

// A workspace with one day loaded by a successful run, and what its warehouse holds.
struct Baseline {
    std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
    std::vector<std::string> before;
};

Baseline loaded_baseline() {
    Baseline baseline;
    baseline.ws->drop("2024-08-01/events.json", day_events(1));
    const auto first = baseline.ws->run();
    if (first.exit_code != 0) {
        throw std::runtime_error("the baseline run failed: " + first.output);
    }
    baseline.before = snapshot(*baseline.ws);
    return baseline;
}

// podcast's own one-line error: the last line of the output starting with "podcast: ".
std::string error_line(const CommandOutcome& outcome) {
    const auto at = outcome.output.rfind("podcast: ");
    if (at == std::string::npos) {
        return "";
    }
    return outcome.output.substr(at, outcome.output.find('\n', at) - at);
}

constexpr int usage_exit = 2;
constexpr int refused_exit = 5;

}  // namespace

SCENARIO("A var value that would change a statement is refused, and the warehouse is unchanged",
         "[edge][settings]") {
    GIVEN("a warehouse with one day loaded") {
        auto& baseline = once([] { return loaded_baseline(); });
        const std::vector<std::pair<std::string, std::string>> attacks = {
            {"a quote closing the literal", "now=2030-01-01' as timestamp) or 1=1 or ('"},
            {"a backslash before the quote", "now=2030-01-01 00:00:00\\' or 1=1 --"},
            {"a semicolon and a second statement",
             "as_of=2024-08-01'; drop table silver.users; --"},
            {"a line break", "as_of=2024-08-01\n"},
            {"an event type closing the list", R"(listen_event_types=["play') or ('1"])"},
        };
        for (const auto& [name, var] : attacks) {
            DYNAMIC_SECTION("WHEN a run is given " << name) {
                baseline.ws->drop("2024-08-02/events.json", day_events(2));
                const auto run = run_with_vars(*baseline.ws, {var});
                THEN("it is refused as a usage error naming the var, on one line") {
                    REQUIRE(usage_exit == run.exit_code);
                    REQUIRE(error_line(run).starts_with("podcast: --var " +
                                                        var.substr(0, var.find('='))));
                }
                THEN("the warehouse is unchanged") {
                    REQUIRE(baseline.before == snapshot(*baseline.ws));
                }
            }
        }
    }
}

SCENARIO("now=notadate is refused before bronze changes", "[edge][settings]") {
    GIVEN("a warehouse with one day loaded and a new day in the loading directory") {
        struct State {
            Baseline baseline = loaded_baseline();
            CommandOutcome run;
        };
        auto& s = once([] {
            State state;
            state.baseline.ws->drop("2024-08-02/events.json", day_events(2));
            state.run = run_with_vars(*state.baseline.ws, {"now=notadate"});
            return state;
        });
        WHEN("a run is given --var now=notadate") {
            THEN("it is refused with the expected format and the value") {
                REQUIRE(usage_exit == s.run.exit_code);
                REQUIRE(
                    "podcast: --var now: expected a timestamp YYYY-MM-DD HH:MM:SS, got "
                    "'notadate'" == error_line(s.run));
            }
            THEN("bronze's row count and load_at set are those of the first run") {
                REQUIRE(s.baseline.before == snapshot(*s.baseline.ws));
            }
        }
    }
}

SCENARIO("as_of=garbage is refused and report still answers", "[edge][settings][analytics]") {
    GIVEN("a warehouse with one day loaded") {
        struct State {
            Baseline baseline = loaded_baseline();
            CommandOutcome run;
            CommandOutcome report;
        };
        auto& s = once([] {
            State state;
            state.run = run_with_vars(*state.baseline.ws,
                                      {"now=" + std::string(pinned_now), "as_of=garbage"});
            state.report = run_podcast_binary({"report", "--format", "json", "--warehouse",
                                               state.baseline.ws->warehouse().string()});
            return state;
        });
        WHEN("a run is given --var as_of=garbage") {
            THEN("it is refused naming the var and the expected date format") {
                REQUIRE(usage_exit == s.run.exit_code);
                REQUIRE("podcast: --var as_of: expected a date YYYY-MM-DD, got 'garbage'" ==
                        error_line(s.run));
            }
            THEN("report still answers q1 from the unchanged views") {
                REQUIRE(0 == s.report.exit_code);
                REQUIRE(s.baseline.before == snapshot(*s.baseline.ws));
            }
        }
    }
}

SCENARIO("A load_at not later than the latest load is refused", "[edge][settings]") {
    GIVEN("a warehouse with one day loaded and a new day in the loading directory") {
        struct State {
            Baseline baseline = loaded_baseline();
            CommandOutcome run;
        };
        auto& s = once([] {
            State state;
            state.baseline.ws->drop("2024-08-02/events.json", day_events(2));
            state.run = state.baseline.ws->run({"--var", "load_at=2024-01-01 00:00:00"});
            return state;
        });
        WHEN("a run is given a load_at in the past") {
            THEN("it is refused, naming the latest load") {
                REQUIRE(usage_exit == s.run.exit_code);
                REQUIRE(error_line(s.run).starts_with(
                    "podcast: --var load_at: '2024-01-01 00:00:00' is not later than the latest "
                    "load in the warehouse ("));
            }
            THEN("nothing is loaded") { REQUIRE(s.baseline.before == snapshot(*s.baseline.ws)); }
        }
    }
}

SCENARIO("An unknown var name is refused before dbt starts", "[edge][settings]") {
    Workspace ws;
    ws.drop("2024-08-01/events.json", day_events(1));
    const auto run = run_with_vars(ws, {"nwo=2030-01-01 00:00:00"});
    REQUIRE(usage_exit == run.exit_code);
    REQUIRE(
        "podcast: --var nwo: unknown var (known: archive_dir, as_of, event_files, "
        "listen_event_types, load_at, now, retention_days, session_gap_minutes, "
        "snowflake_emulator, snowflake_stage)" == error_line(run));
    REQUIRE_FALSE(fs::exists(ws.warehouse()));
}

SCENARIO(
    "A duration_seconds that is not a positive 32-bit integer of digits is refused, naming "
    "file, line and column",
    "[edge][reference]") {
    for (const char* duration : {"40.5", "1e3", "4e3", "-5", "0", "99999999999", " 40"}) {
        DYNAMIC_SECTION("WHEN episodes.csv gives duration_seconds '" << duration << "'") {
            Workspace ws;
            ws.drop("2024-08-01/events.json", day_events(1));
            ws.write_reference(default_users_csv,
                               "episode_id,podcast_id,title,release_date,duration_seconds\n"
                               "ep_1,podcast_1,Episode 1,2023-07-17,3600\n"
                               "ep_2,podcast_1,Episode 2,2023-03-11," +
                                   std::string(duration) + "\n");
            const auto run = ws.run();
            THEN("the run is refused, naming the user's file, the line and the column") {
                REQUIRE(refused_exit == run.exit_code);
                REQUIRE("podcast: reference file " + (ws.reference() / "episodes.csv").string() +
                            ", line 3, column duration_seconds: expected a positive integer of "
                            "digits, 1 to 2147483647, got '" +
                            duration + "'" ==
                        error_line(run));
                REQUIRE_FALSE(fs::exists(ws.warehouse()));
            }
        }
    }
}

SCENARIO("A reference file missing a column is refused, naming the file and the column",
         "[edge][reference]") {
    Workspace ws;
    ws.drop("2024-08-01/events.json", day_events(1));
    ws.write_reference("user_id,signup_date\nuser_1,2023-01-27\n", default_episodes_csv);
    const auto run = ws.run();
    REQUIRE(refused_exit == run.exit_code);
    REQUIRE("podcast: reference file " + (ws.reference() / "users.csv").string() +
                ", line 1: missing column country (the header has 'user_id', 'signup_date')" ==
            error_line(run));
    REQUIRE(run.output.size() < 2000);
}

SCENARIO("An empty required value is refused, naming the line and the column",
         "[edge][reference]") {
    Workspace ws;
    ws.drop("2024-08-01/events.json", day_events(1));
    ws.write_reference(default_users_csv + "user_6,2024-01-03,\n", default_episodes_csv);
    const auto run = ws.run();
    REQUIRE(refused_exit == run.exit_code);
    REQUIRE("podcast: reference file " + (ws.reference() / "users.csv").string() +
                ", line 7, column country: empty value" ==
            error_line(run));
}

SCENARIO("A date that is not a real calendar day is refused", "[edge][reference]") {
    Workspace ws;
    ws.drop("2024-08-01/events.json", day_events(1));
    ws.write_reference(default_users_csv + "user_6,2024-02-30,DE\n", default_episodes_csv);
    const auto run = ws.run();
    REQUIRE(refused_exit == run.exit_code);
    REQUIRE("podcast: reference file " + (ws.reference() / "users.csv").string() +
                ", line 7, column signup_date: expected a date YYYY-MM-DD, got '2024-02-30'" ==
            error_line(run));
}

SCENARIO("A duplicate key is refused and the previous reference data stays", "[edge][reference]") {
    GIVEN("a warehouse loaded with the default reference data") {
        auto& baseline = once([] { return loaded_baseline(); });
        WHEN("users.csv repeats a user_id") {
            baseline.ws->write_reference(default_users_csv + "user_2,2024-05-05,ES\n",
                                         default_episodes_csv);
            const auto run = baseline.ws->run();
            THEN("the run is refused naming the line and the key") {
                REQUIRE(refused_exit == run.exit_code);
                REQUIRE("podcast: reference file " +
                            (baseline.ws->reference() / "users.csv").string() +
                            ", line 7, column user_id: duplicate key 'user_2' (first on line 3)" ==
                        error_line(run));
            }
            THEN("silver.users, and everything else, is unchanged") {
                REQUIRE(baseline.before == snapshot(*baseline.ws));
            }
        }
        WHEN("episodes.csv repeats an episode_id") {
            baseline.ws->write_reference(
                default_users_csv, default_episodes_csv + "ep_1,podcast_9,Again,2024-01-01,60\n");
            const auto run = baseline.ws->run();
            THEN("the run is refused naming the line and the key") {
                REQUIRE(refused_exit == run.exit_code);
                REQUIRE("podcast: reference file " +
                            (baseline.ws->reference() / "episodes.csv").string() +
                            ", line 6, column episode_id: duplicate key 'ep_1' (first on line 2)" ==
                        error_line(run));
            }
            THEN("silver.episodes, and everything else, is unchanged") {
                REQUIRE(baseline.before == snapshot(*baseline.ws));
            }
        }
    }
}

SCENARIO(
    "Reference columns in another order, with an extra column, a BOM and CRLF line ends, "
    "load as the canonical columns",
    "[edge][reference]") {
    GIVEN("users.csv and episodes.csv reordered, with an extra column, a BOM and CRLF") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome run;
        };
        auto& s = once([] {
            State state;
            state.ws->drop("2024-08-01/events.json", day_events(1));
            state.ws->write_reference(
                "\xEF\xBB\xBF"
                "country,note,user_id,signup_date\r\n"
                "DE,x,user_1,2023-01-27\r\nFR,,user_2,2023-02-14\r\nDE,y,user_3,2023-07-28\r\n"
                "GB,,user_4,2023-02-25\r\nUS,,user_5,2024-01-03\r\n",
                "duration_seconds,title,episode_id,extra,release_date,podcast_id\r\n"
                "3600,\"Hello, \"\"World\"\" "
                "\xC3\xA9\xF0\x9F\x8E\xA7\",ep_1,1,2023-07-17,podcast_1\r\n"
                "1800,Episode 2,ep_2,2,2023-03-11,podcast_1\r\n"
                "7200,Episode 3,ep_3,3,2023-06-28,podcast_2\r\n"
                "1200,Episode 4,ep_4,4,2023-06-05,podcast_3\r\n");
            state.run = state.ws->run();
            return state;
        });
        WHEN("the pipeline runs") {
            THEN("it succeeds") { REQUIRE(0 == s.run.exit_code); }
            THEN("silver.users has exactly the three columns, with the values of the file") {
                REQUIRE(std::vector<std::string>{"user_1|2023-01-27|DE", "user_2|2023-02-14|FR",
                                                 "user_3|2023-07-28|DE", "user_4|2023-02-25|GB",
                                                 "user_5|2024-01-03|US"} ==
                        rows_as_text(s.ws->query("select * from silver.users order by user_id")));
            }
            THEN("a title keeps its comma, quotes and unicode") {
                REQUIRE(std::string("ep_1|podcast_1|Hello, \"World\" \xC3\xA9\xF0\x9F\x8E\xA7|"
                                    "2023-07-17|3600") ==
                        rows_as_text(
                            s.ws->query("select * from silver.episodes where episode_id = 'ep_1'"))
                            .at(0));
            }
        }
    }
}

namespace {

// Every file and directory under `tree` with its modification time. Python's bytecode caches are
// left out: the Snowflake emulator's launcher (another test) writes them, not a run.
std::vector<std::string> listing(const fs::path& tree) {
    std::vector<std::string> entries;
    for (auto it = fs::recursive_directory_iterator(tree); it != fs::end(it); ++it) {
        if (it->path().filename() == "__pycache__") {
            it.disable_recursion_pending();
            continue;
        }
        entries.push_back(
            it->path().lexically_relative(tree).string() + " " +
            std::to_string(fs::last_write_time(it->path()).time_since_epoch().count()));
    }
    std::ranges::sort(entries);
    return entries;
}

void write_text(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

// podcast installed by `cmake --install` into a fresh prefix, then run from there with nothing
// but its defaults: no PODCAST_HOME, no path flag or variable, the data under XDG_DATA_HOME.
struct Installation {
    std::unique_ptr<podcast::testing::TempDir> prefix =
        std::make_unique<podcast::testing::TempDir>("podcast-install");
    std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
    CommandOutcome install;
    std::vector<std::string> installed;  // the install tree right after installing
    CommandOutcome help;
    CommandOutcome run;
    CommandOutcome status;
    CommandOutcome libraries;  // ldd of the installed binary
    std::vector<std::string> after_run;

    [[nodiscard]] fs::path data_home() const { return ws->root() / "xdg"; }
    [[nodiscard]] fs::path binary() const { return prefix->path() / "bin/podcast"; }

    // The installed binary in the workspace, with only the environment that names dbt and the
    // data home (and every variable that would override a default set empty, as if unset).
    [[nodiscard]] CommandOutcome run_installed(std::vector<std::string> arguments) const {
        return run_capturing(
            podcast::ProcessSpec{binary(),
                                 std::move(arguments),
                                 ws->root(),
                                 {{"PODCAST_HOME", ""},
                                  {"PODCAST_WAREHOUSE", ""},
                                  {"PODCAST_DATA_DIR", ""},
                                  {"PODCAST_REFERENCE_DIR", ""},
                                  {"PODCAST_DBT", (project_root() / ".venv/bin/dbt").string()},
                                  {"XDG_DATA_HOME", data_home().string()}}});
    }

    static Installation make() {
        Installation installation;
        installation.install = run_capturing(podcast::ProcessSpec{
            PODCAST_CMAKE,
            {"--install", PODCAST_BUILD_DIR, "--prefix", installation.prefix->path().string()},
            fs::current_path(),
            {}});
        installation.installed = listing(installation.prefix->path());
        const fs::path data = installation.data_home() / "podcast";
        write_text(data / "loading/2024-08-01/events.json", day_events(1));
        write_text(data / "demo/reference/users.csv", default_users_csv);
        write_text(data / "demo/reference/episodes.csv", default_episodes_csv);
        installation.help = installation.run_installed({"--help"});
        installation.run =
            installation.run_installed({"run", "--var", "now=" + std::string(pinned_now)});
        installation.status = installation.run_installed({"status", "--json"});
        installation.libraries = run_capturing(
            podcast::ProcessSpec{"/usr/bin/ldd", {installation.binary().string()}, {}, {}});
        installation.after_run = listing(installation.prefix->path());
        return installation;
    }
};

}  // namespace

SCENARIO("A run leaves the dbt project (the install tree) unchanged", "[edge][run]") {
    GIVEN("the checkout's dbt project") {
        Workspace ws;
        ws.drop("2024-08-01/events.json", day_events(1));
        const fs::path project = project_root() / "warehouse";
        const auto before = listing(project);
        const auto run = ws.run();
        REQUIRE(0 == run.exit_code);
        REQUIRE(before == listing(project));
    }
    GIVEN("podcast installed by cmake --install, run with its defaults") {
        const auto& installation = once([] { return Installation::make(); });
        REQUIRE(0 == installation.install.exit_code);
        THEN(
            "the prefix holds the binary, DuckDB's library and the dbt project without dbt's "
            "output") {
            const fs::path prefix = installation.prefix->path();
            REQUIRE(fs::is_regular_file(prefix / "bin/podcast"));
            REQUIRE(fs::is_regular_file(prefix / "lib/podcast/libduckdb.so"));
            REQUIRE(fs::is_regular_file(prefix / "share/podcast/warehouse/dbt_project.yml"));
            REQUIRE(fs::is_directory(prefix / "share/podcast/warehouse/models"));
            REQUIRE_FALSE(fs::exists(prefix / "share/podcast/warehouse/target"));
            REQUIRE_FALSE(fs::exists(prefix / "share/podcast/warehouse/logs"));
        }
        THEN("it finds its installation from its own path, and keeps data outside it") {
            REQUIRE_THAT(installation.help.output,
                         Catch::Contains("Installed: " +
                                         (installation.prefix->path() / "share/podcast").string()));
            REQUIRE_THAT(
                installation.help.output,
                Catch::Contains("Data: " + (installation.data_home() / "podcast").string()));
        }
        THEN("it loads DuckDB's library from the prefix") {
            const std::string& output = installation.libraries.output;
            const auto arrow = output.find("libduckdb.so => ");
            REQUIRE(arrow != std::string::npos);
            const auto start = arrow + std::string("libduckdb.so => ").size();
            const fs::path loaded = output.substr(start, output.find(' ', start) - start);
            REQUIRE(fs::canonical(installation.prefix->path() / "lib/podcast/libduckdb.so") ==
                    fs::canonical(loaded));
        }
        THEN("the run succeeds on the data home's files, and status finds its rows there") {
            INFO(installation.run.output);
            REQUIRE(0 == installation.run.exit_code);
            REQUIRE(fs::is_regular_file(installation.data_home() / "podcast/warehouse.duckdb"));
            REQUIRE(0 == installation.status.exit_code);
            const auto status = nlohmann::json::parse(installation.status.output);
            REQUIRE(8 == status["layers"][0]["rows"].get<int>());
        }
        THEN("the install tree is unchanged by the run") {
            REQUIRE(installation.installed == installation.after_run);
        }
    }
}
