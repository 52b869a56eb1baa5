#include <catch2/catch.hpp>

#include "podcast/process.hpp"
#include "support.hpp"

using podcast::ProcessSpec;

namespace {

// Runs /bin/sh -c script, collecting its lines.
std::pair<podcast::Result<int>, std::vector<std::string>> run_shell(
    const std::string& script, const std::filesystem::path& cwd = {},
    std::vector<std::pair<std::string, std::string>> environment = {}) {
    std::vector<std::string> lines;
    ProcessSpec spec{"/bin/sh", {"-c", script}, cwd, std::move(environment)};
    auto status =
        podcast::run_process(spec, [&](std::string_view line) { lines.emplace_back(line); });
    return {status, lines};
}

}  // namespace

SCENARIO("a child's stdout and stderr reach the caller line by line", "[run][process]") {
    WHEN("a child writes to both streams and ends without a final newline") {
        const auto [status, lines] = run_shell("echo one; echo two >&2; printf three");
        THEN("every line arrives in order and the exit status is 0") {
            REQUIRE(status.has_value());
            REQUIRE(0 == *status);
            REQUIRE(std::vector<std::string>{"one", "two", "three"} == lines);
        }
    }
}

SCENARIO("a child's exit status is returned", "[run][process]") {
    const auto [status, lines] = run_shell("exit 3");
    REQUIRE(status.has_value());
    REQUIRE(3 == *status);
}

SCENARIO("a child runs in the given directory with the given environment", "[run][process]") {
    podcast::testing::TempDir dir;
    const auto [status, lines] =
        run_shell("pwd; echo \"$PODCAST_TEST_VALUE\"", dir.path(), {{"PODCAST_TEST_VALUE", "x y"}});
    REQUIRE(status.has_value());
    REQUIRE(std::vector<std::string>{std::filesystem::canonical(dir.path()).string(), "x y"} ==
            lines);
}

SCENARIO("a missing executable is a not-found error", "[run][process]") {
    podcast::testing::TempDir dir;
    ProcessSpec spec{dir / "no-such-dbt", {}, {}, {}};
    auto status = podcast::run_process(spec, [](std::string_view) {});
    REQUIRE_FALSE(status.has_value());
    REQUIRE(podcast::ExitCode::not_found == status.error().code);
}
