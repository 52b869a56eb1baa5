// Reading the warehouse safely: podcast query, report and status never write, render every
// DuckDB type, and the CLI and the runs log behave at their edges. Hostile inputs, each on a
// warehouse built by a real run.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "podcast/lock.hpp"
#include "podcast/paths.hpp"
#include "podcast/result.hpp"
#include "workspace.hpp"

using namespace podcast::integration;

namespace {

constexpr int refused = static_cast<int>(podcast::ExitCode::refused);
constexpr int usage = static_cast<int>(podcast::ExitCode::usage);

// A workspace whose warehouse a real run has built from four valid events.
std::unique_ptr<Workspace> built_workspace() {
    auto workspace = std::make_unique<Workspace>();
    std::string events;
    for (int i = 0; i < 4; ++i) {
        events += event_line("play", "user_" + std::to_string(i + 1), "ep_1",
                             "2024-08-01T10:0" + std::to_string(i) + ":00", 60);
    }
    workspace->drop("2024-08-01/events.json", events);
    const auto run = workspace->run();
    if (run.exit_code != 0) {
        throw std::runtime_error("the fixture run failed: " + run.output);
    }
    return workspace;
}

CommandOutcome podcast_query(const Workspace& ws, const std::string& sql,
                             const std::string& format = "table") {
    return run_podcast_binary(
        {"query", sql, "--format", format, "--warehouse", ws.warehouse().string()});
}

std::size_t lines_in(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string file_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string types_query =
    "select gen_random_uuid() u, ['a','b'] l, 'x'::enum('x') e, {'k': 1} s, "
    "170141183460469231731687303715884105727::hugeint h";

}  // namespace

SCENARIO("A query copying onto the warehouse file is refused and the warehouse stays intact",
         "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        const std::string before = file_bytes(ws->warehouse());
        WHEN("podcast query copies a result to the warehouse's own path") {
            const auto outcome =
                podcast_query(*ws, "copy (select 1) to '" + ws->warehouse().string() + "'");
            THEN("it is refused in one line") {
                REQUIRE(refused == outcome.exit_code);
                REQUIRE(1 == lines_in(outcome.output));
                REQUIRE_THAT(outcome.output, Catch::Contains("COPY"));
            }
            THEN("the warehouse is byte for byte as it was") {
                REQUIRE(before == file_bytes(ws->warehouse()));
                REQUIRE(4 == ws->count("select count(*) from bronze.raw_events"));
            }
        }
    }
}

SCENARIO("A query attaching another database is refused and writes nothing", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        const fs::path other = ws->root() / "other.duckdb";
        WHEN("podcast query attaches a new database read-write") {
            const auto outcome =
                podcast_query(*ws, "attach '" + other.string() + "' as other (read_write)");
            THEN("it is refused and no file appears") {
                REQUIRE(refused == outcome.exit_code);
                REQUIRE_THAT(outcome.output, Catch::Contains("ATTACH"));
                REQUIRE_FALSE(fs::exists(other));
            }
        }
    }
}

SCENARIO("A query reading a file outside the warehouse is refused", "[edge][query]") {
    GIVEN("a warehouse built by a run and a readable file beside it") {
        auto& ws = once([] { return built_workspace(); });
        const fs::path outside = ws->root() / "outside.csv";
        std::ofstream(outside) << "secret\nvalue\n";
        for (const std::string function : {"read_text", "read_csv"}) {
            WHEN("podcast query calls " + function + " on it") {
                const auto outcome = podcast_query(
                    *ws, "select * from " + function + "('" + outside.string() + "')");
                THEN("it fails in one line without the file's content") {
                    REQUIRE(0 != outcome.exit_code);
                    REQUIRE(1 == lines_in(outcome.output));
                    REQUIRE_THAT(outcome.output, Catch::Contains("disabled by configuration"));
                    REQUIRE_THAT(outcome.output, !Catch::Contains("value"));
                }
            }
        }
    }
}

SCENARIO("A query turning external access back on is refused", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        WHEN("podcast query sets enable_external_access=true") {
            const auto outcome = podcast_query(*ws, "set enable_external_access = true");
            THEN("it is refused as a SET") {
                REQUIRE(refused == outcome.exit_code);
                REQUIRE_THAT(outcome.output, Catch::Contains("SET"));
            }
        }
    }
}

SCENARIO("Statements an attacker tries next are refused and write nothing", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        const fs::path target = ws->root() / "stolen";
        const std::vector<std::string> attempts = {
            "export database '" + target.string() + "'",
            "install httpfs",
            "load httpfs",
            "select 1; copy (select 1) to '" + target.string() + "'",
            "pragma enable_profiling",
            "with t as (copy (select 1) to '" + target.string() + "') select 1",
            "create temp table t as select 1",
            "explain analyze copy (select 1) to '" + target.string() + "'",
            "delete from bronze.raw_events",
        };
        for (const auto& sql : attempts) {
            WHEN("podcast query runs: " + sql) {
                const auto outcome = podcast_query(*ws, sql);
                THEN("it fails in one line and nothing is written") {
                    REQUIRE(0 != outcome.exit_code);
                    REQUIRE(1 == lines_in(outcome.output));
                    REQUIRE_FALSE(fs::exists(target));
                    REQUIRE(4 == ws->count("select count(*) from bronze.raw_events"));
                }
            }
        }
    }
}

SCENARIO("Every DuckDB type renders as JSON: arrays, objects and exact HUGEINTs", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        WHEN("the types query runs as JSON") {
            const auto outcome = podcast_query(*ws, types_query, "json");
            THEN("the output is valid JSON with an array, an object, the enum and the integer") {
                REQUIRE(0 == outcome.exit_code);
                const auto rows = nlohmann::json::parse(outcome.output);
                REQUIRE(36 == rows[0]["u"].get<std::string>().size());
                REQUIRE(nlohmann::json::array({"a", "b"}) == rows[0]["l"]);
                REQUIRE(nlohmann::json::object({{"k", 1}}) == rows[0]["s"]);
                REQUIRE("x" == rows[0]["e"]);
                REQUIRE_THAT(outcome.output,
                             Catch::Contains("\"h\":170141183460469231731687303715884105727"));
            }
        }
    }
}

SCENARIO("Every DuckDB type renders in CSV and table output", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        for (const std::string format : {"csv", "table"}) {
            WHEN("the types query runs as " + format) {
                const auto outcome = podcast_query(
                    *ws, types_query + ", map {1: 2} m, timestamptz '2024-08-01 10:00:00+00' t",
                    format);
                THEN("every value is printed") {
                    REQUIRE(0 == outcome.exit_code);
                    REQUIRE_THAT(outcome.output,
                                 Catch::Contains("[a, b]") && Catch::Contains("{'k': 1}") &&
                                     Catch::Contains("{1=2}") &&
                                     Catch::Contains("2024-08-01 10:00:00+00") &&
                                     Catch::Contains("170141183460469231731687303715884105727"));
                }
            }
        }
    }
}

SCENARIO("CSV output tells NULL from the empty string", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        WHEN("a NULL and an empty string are queried as CSV") {
            const auto outcome = podcast_query(*ws, "select null::varchar a, '' b", "csv");
            THEN("NULL is an empty field and '' is \"\"") {
                REQUIRE(0 == outcome.exit_code);
                REQUIRE("a,b\n,\"\"\n" == outcome.output);
            }
        }
    }
}

SCENARIO("A unicode column lines up in the table output", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        WHEN("accented and East Asian text is printed as a table") {
            const auto outcome = podcast_query(
                *ws, "select * from (values ('héllo', 1), ('日本', 2), ('ab', 3)) v(name, n)");
            THEN("every column starts at the same display column") {
                REQUIRE(0 == outcome.exit_code);
                REQUIRE(
                    "name   n\n"
                    "-----  -\n"
                    "héllo  1\n"
                    "日本   2\n"
                    "ab     3\n" == outcome.output);
            }
        }
    }
}

SCENARIO("A DuckDB error is printed once, in one line, without hints", "[edge][query]") {
    GIVEN("a warehouse built by a run") {
        auto& ws = once([] { return built_workspace(); });
        WHEN("a query with a syntax error runs") {
            const auto outcome = podcast_query(*ws, "selec 1");
            THEN("one line names the error once, with no LINE excerpt or hint") {
                REQUIRE(0 != outcome.exit_code);
                REQUIRE(
                    "podcast: query failed: Parser Error: syntax error at or near \"selec\"\n" ==
                    outcome.output);
            }
        }
    }
}

SCENARIO("A torn last line of the runs log is skipped and the next record is intact",
         "[edge][status]") {
    GIVEN("a warehouse built by a run whose runs log ends in a torn line") {
        auto& ws = once([] { return built_workspace(); });
        const fs::path log = podcast::runs_log_for(ws->warehouse());
        std::ofstream(log, std::ios::app) << "{\"outcome\":\"succ";
        WHEN("status reads it") {
            const auto status =
                run_podcast_binary({"status", "--json", "--warehouse", ws->warehouse().string()});
            THEN("the last good record is shown") {
                REQUIRE(0 == status.exit_code);
                REQUIRE("success" == nlohmann::json::parse(status.output)["last_run"]["outcome"]);
            }
        }
        WHEN("another run appends its record") {
            ws->drop("2024-08-02/events.json",
                     event_line("play", "user_1", "ep_2", "2024-08-02T10:00:00", 60));
            const auto run = ws->run();
            THEN("that record is a line of its own that parses") {
                REQUIRE(0 == run.exit_code);
                std::ifstream in(log);
                std::string line, last;
                while (std::getline(in, line)) {
                    last = line;
                }
                REQUIRE("success" == nlohmann::json::parse(last)["outcome"]);
            }
        }
    }
}

SCENARIO("A run refused while a reader holds the warehouse names the reader, not a stale pid",
         "[edge][lock]") {
    GIVEN("a warehouse whose lock file holds the pid of a run that has ended") {
        auto& ws = once([] { return built_workspace(); });
        const auto stale = podcast::lock_holder_pid(ws->warehouse());
        REQUIRE(stale.has_value());
        WHEN("this process reads (holds the shared lock) while a run starts") {
            auto reader = podcast::WarehouseLock::acquire_shared(ws->warehouse());
            REQUIRE(reader.has_value());
            ws->drop("2024-08-03/events.json",
                     event_line("play", "user_1", "ep_3", "2024-08-03T10:00:00", 60));
            const auto run = ws->run();
            THEN("the run is busy and names the reader with this process's pid") {
                REQUIRE(static_cast<int>(podcast::ExitCode::busy) == run.exit_code);
                REQUIRE_THAT(run.output,
                             Catch::Contains("a reader (pid " + std::to_string(::getpid()) + ")"));
                REQUIRE_THAT(run.output,
                             !Catch::Contains("pipeline run (pid " + std::to_string(*stale)));
            }
        }
    }
}

SCENARIO("podcast --version prints the version and exits 0", "[edge][cli]") {
    const auto outcome = run_podcast_binary({"--version"});
    REQUIRE(0 == outcome.exit_code);
    REQUIRE_THAT(outcome.output, Catch::Matches("podcast \\d+\\.\\d+\\.\\d+\n"));
}

SCENARIO(
    "A scenario's command that names no warehouse, loading directory or reference data fails, "
    "never falling back to the checkout's data/",
    "[edge][cli]") {
    // scenario_environment.cpp points the three defaults at paths no one can create, whether or
    // not the checkout's data/ holds a `make run`'s files.
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"status"}, std::vector<std::string>{"run"}}) {
        const auto outcome = run_podcast_binary(arguments);
        REQUIRE(0 != outcome.exit_code);
        REQUIRE_THAT(outcome.output, Catch::Contains("/dev/null/scenario-names-no-"));
    }
}

SCENARIO("An unknown subcommand is named", "[edge][cli]") {
    const auto outcome = run_podcast_binary({"frobnicate"});
    REQUIRE(usage == outcome.exit_code);
    REQUIRE("podcast: unknown command 'frobnicate' (see podcast --help)\n" == outcome.output);
}

SCENARIO("generate --days 0 says the least number of days plainly", "[edge][cli]") {
    const podcast::testing::TempDir dir{"podcast-edge"};
    const auto outcome =
        run_podcast_binary({"generate", "--days", "0", "--out", (dir / "data").string()});
    REQUIRE(usage == outcome.exit_code);
    REQUIRE("podcast: --days must be at least 1, got 0\n" == outcome.output);
}

SCENARIO("podcast --help lists the exit codes", "[edge][cli]") {
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"--help"}, std::vector<std::string>{"query", "--help"}}) {
        const auto outcome = run_podcast_binary(arguments);
        REQUIRE(0 == outcome.exit_code);
        for (const auto& [code, name, meaning] : podcast::exit_code_meanings) {
            REQUIRE_THAT(outcome.output,
                         Catch::Contains(std::to_string(static_cast<int>(code)) + " " + name));
        }
    }
}
