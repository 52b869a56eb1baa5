#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "podcast/process.hpp"
#include "support.hpp"

using podcast::testing::line_count;
using podcast::testing::run_podcast;
using podcast::testing::TempDir;

SCENARIO("an unknown flag is a one-line usage error", "[cli]") {
    WHEN("report is given --colour") {
        const auto outcome = run_podcast({"report", "--colour"});
        THEN("it exits with the usage code and one line on stderr") {
            REQUIRE(static_cast<int>(podcast::ExitCode::usage) == outcome.exit_code);
            REQUIRE(1 == line_count(outcome.err));
            REQUIRE_THAT(outcome.err,
                         Catch::StartsWith("podcast: ") && Catch::Contains("--colour"));
        }
    }
}

SCENARIO("no subcommand is a usage error", "[cli]") {
    const auto outcome = run_podcast({});
    REQUIRE(static_cast<int>(podcast::ExitCode::usage) == outcome.exit_code);
    REQUIRE(1 == line_count(outcome.err));
}

SCENARIO("a bad --as-of date is a usage error", "[cli]") {
    TempDir dir;
    const auto outcome = run_podcast(
        {"report", "--as-of", "2024-02-30", "--warehouse", (dir / "w.duckdb").string()});
    REQUIRE(static_cast<int>(podcast::ExitCode::usage) == outcome.exit_code);
    REQUIRE_THAT(outcome.err, Catch::Contains("2024-02-30"));
}

SCENARIO("each subcommand's --help prints its usage and succeeds", "[cli]") {
    for (const char* subcommand : {"generate", "land", "run", "report", "status", "query"}) {
        WHEN(std::string("podcast ") + subcommand + " --help") {
            const auto outcome = run_podcast({subcommand, "--help"});
            THEN("it exits 0 with the subcommand's usage on stdout") {
                REQUIRE(0 == outcome.exit_code);
                REQUIRE_THAT(outcome.out, Catch::Contains(std::string("podcast ") + subcommand));
                REQUIRE(outcome.err.empty());
            }
        }
    }
}

SCENARIO("read-only commands on a missing warehouse say to run the pipeline first", "[cli]") {
    TempDir dir;
    const std::string warehouse = (dir / "none.duckdb").string();
    for (const auto& arguments :
         std::vector<std::vector<std::string>>{{"report", "--warehouse", warehouse},
                                               {"status", "--warehouse", warehouse},
                                               {"query", "select 1", "--warehouse", warehouse}}) {
        WHEN("podcast " + arguments.front() + " runs") {
            const auto outcome = run_podcast(arguments);
            THEN("it exits not_found with one line") {
                REQUIRE(static_cast<int>(podcast::ExitCode::not_found) == outcome.exit_code);
                REQUIRE("podcast: warehouse " + warehouse +
                            " not found: run 'podcast run' first\n" ==
                        outcome.err);
            }
        }
    }
}

SCENARIO("landing a missing file is a one-line not-found error", "[cli][land]") {
    TempDir dir;
    const auto outcome = run_podcast(
        {"land", (dir / "missing.json").string(), "--data-dir", (dir / "loading").string()});
    REQUIRE(static_cast<int>(podcast::ExitCode::not_found) == outcome.exit_code);
    REQUIRE(1 == line_count(outcome.err));
    REQUIRE_THAT(outcome.err, Catch::Contains((dir / "missing.json").string()));
}

SCENARIO("run with a missing reference directory is a one-line not-found error", "[cli][run]") {
    TempDir dir;
    const auto outcome =
        run_podcast({"run", "--reference-dir", (dir / "nope").string(), "--data-dir",
                     dir.path().string(), "--warehouse", (dir / "w.duckdb").string()});
    REQUIRE(static_cast<int>(podcast::ExitCode::not_found) == outcome.exit_code);
    REQUIRE(1 == line_count(outcome.err));
    REQUIRE_THAT(outcome.err, Catch::Contains((dir / "nope" / "users.csv").string()));
}

SCENARIO("the built binary reports errors the same way", "[cli]") {
    GIVEN("build/podcast") {
        WHEN("it is run with a bad flag") {
            std::vector<std::string> lines;
            auto status =
                podcast::run_process({PODCAST_BINARY, {"status", "--bogus"}, {}, {}},
                                     [&](std::string_view line) { lines.emplace_back(line); });
            THEN("it exits with the usage code after one line") {
                REQUIRE(status.has_value());
                REQUIRE(static_cast<int>(podcast::ExitCode::usage) == *status);
                REQUIRE(1 == lines.size());
                REQUIRE_THAT(lines.front(), Catch::StartsWith("podcast: "));
            }
        }
    }
}

SCENARIO("land --dry-run --json lists what would land and what is refused, and moves nothing",
         "[cli][land]") {
    GIVEN("staging with a new file and a name landed before with other content") {
        TempDir dir;
        podcast::testing::write_file(dir / "staging/2024-08-01/events.json", "{\"a\":1}\n");
        podcast::testing::write_file(dir / "staging/2024-08-02/events.json", "{\"a\":2}\n");
        podcast::testing::write_file(dir / "loading/2024-08-02/events.json", "{\"a\":3}\n");
        const std::vector<std::string> arguments{"land",        "--dry-run",
                                                 "--json",      (dir / "staging").string(),
                                                 "--data-dir",  (dir / "loading").string(),
                                                 "--warehouse", (dir / "w.duckdb").string()};
        WHEN("it is dry-run with JSON output") {
            const auto outcome = run_podcast(arguments);
            const auto printed = nlohmann::json::parse(outcome.out);
            THEN("it exits refused, as the land would, with the refusal as its error line") {
                REQUIRE(static_cast<int>(podcast::ExitCode::refused) == outcome.exit_code);
                REQUIRE(1 == line_count(outcome.err));
                REQUIRE_THAT(outcome.err, Catch::Contains("2024-08-02/events.json"));
            }
            THEN("the JSON lists the new file as landing and the changed one as refused, why") {
                REQUIRE(true == printed["dry_run"]);
                REQUIRE(2 == printed["files"].size());
                REQUIRE("2024-08-01/events.json" == printed["files"][0]["name"]);
                REQUIRE("landed" == printed["files"][0]["outcome"]);
                REQUIRE("refused" == printed["files"][1]["outcome"]);
                REQUIRE_THAT(printed["files"][1]["reason"].get<std::string>(),
                             Catch::Contains("different content"));
            }
            THEN("nothing moved") {
                REQUIRE(std::filesystem::exists(dir / "staging/2024-08-01/events.json"));
                REQUIRE_FALSE(std::filesystem::exists(dir / "loading/2024-08-01"));
            }
        }
        WHEN("the changed name is removed from staging and it is dry-run again") {
            std::filesystem::remove(dir / "staging/2024-08-02/events.json");
            const auto outcome = run_podcast(arguments);
            THEN("it succeeds, listing the one file that would land, still in staging") {
                REQUIRE(0 == outcome.exit_code);
                const auto printed = nlohmann::json::parse(outcome.out);
                REQUIRE(1 == printed["files"].size());
                REQUIRE("landed" == printed["files"][0]["outcome"]);
                REQUIRE(std::filesystem::exists(dir / "staging/2024-08-01/events.json"));
            }
        }
    }
}

SCENARIO("run --vars takes dbt's JSON object and checks each var as --var does", "[cli][run]") {
    TempDir dir;
    podcast::testing::write_file(dir / "reference/users.csv", "user_id,signup_date,country\n");
    podcast::testing::write_file(dir / "reference/episodes.csv",
                                 "episode_id,podcast_id,title,release_date,duration_seconds\n");
    std::filesystem::create_directories(dir / "loading");
    const std::vector<std::string> paths{"--reference-dir", (dir / "reference").string(),
                                         "--data-dir",      (dir / "loading").string(),
                                         "--warehouse",     (dir / "w.duckdb").string()};
    auto run_with = [&](const std::string& vars) {
        std::vector<std::string> arguments{"run", "--vars", vars};
        arguments.insert(arguments.end(), paths.begin(), paths.end());
        return run_podcast(arguments);
    };
    WHEN("it is not a JSON object") {
        const auto outcome = run_with("[\"as_of\"]");
        THEN("it is a one-line usage error") {
            REQUIRE(static_cast<int>(podcast::ExitCode::usage) == outcome.exit_code);
            REQUIRE(1 == line_count(outcome.err));
            REQUIRE_THAT(outcome.err, Catch::Contains("--vars: expected a JSON object"));
        }
    }
    WHEN("it names an unknown var") {
        const auto outcome = run_with(R"({"as_of": "2024-08-07", "bogus": 1})");
        THEN("the var is refused by name, before anything runs") {
            REQUIRE(static_cast<int>(podcast::ExitCode::usage) == outcome.exit_code);
            REQUIRE_THAT(outcome.err, Catch::Contains("--var bogus: unknown var"));
            REQUIRE_FALSE(std::filesystem::exists(dir / "w.duckdb.runs.jsonl"));
        }
    }
    WHEN("a value is not of its var's kind") {
        const auto outcome = run_with(R"({"as_of": "2024-13-01"})");
        THEN("it is refused as --var as_of=2024-13-01 would be") {
            REQUIRE(static_cast<int>(podcast::ExitCode::usage) == outcome.exit_code);
            REQUIRE_THAT(outcome.err, Catch::Contains("as_of"));
        }
    }
}
