#include <catch2/catch.hpp>

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
