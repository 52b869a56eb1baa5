#include <catch2/catch.hpp>

#include <sstream>

#include "fake_warehouse.hpp"
#include "podcast/report.hpp"
#include "support.hpp"

using podcast::ReportFormat;
using podcast::ReportOptions;
using podcast::testing::TempDir;

namespace {

nlohmann::json json_report(const std::filesystem::path& warehouse,
                           std::optional<std::string> as_of) {
    std::ostringstream out;
    const auto done =
        podcast::report(ReportOptions{warehouse, std::move(as_of), ReportFormat::json}, out);
    REQUIRE(done.has_value());
    return nlohmann::json::parse(out.str());
}

}  // namespace

SCENARIO("the report holds the three answers and the data-quality summary", "[report]") {
    GIVEN("a warehouse with answers and one invalid row") {
        TempDir dir;
        podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
        WHEN("the report is printed as JSON") {
            const auto report = json_report(dir / "warehouse.duckdb", std::nullopt);
            THEN("q2 and q3 are there with typed numbers") {
                REQUIRE(
                    nlohmann::json::parse(
                        R"([{"country": "NL", "avg_listen_through_rate": 0.75, "completions": 4}])") ==
                    report["q2_listen_through_by_country"]);
                REQUIRE(nlohmann::json::parse(R"([{"users": 12}])") ==
                        report["q3_multi_episode_listeners"]);
            }
            THEN("invalid rows are counted per validation code") {
                REQUIRE(nlohmann::json::parse(R"([{"code": "timestamp_malformed", "rows": 1},
                                                  {"code": "user_id_missing", "rows": 1}])") ==
                        report["invalid_rows_per_code"]);
            }
            THEN("the invalid share is given per file") {
                REQUIRE(nlohmann::json::parse(R"([
                    {"filename": "2024-08-01/events.json", "rows": 2, "invalid": 1, "share": 0.5},
                    {"filename": "2024-08-02/events.json", "rows": 1, "invalid": 0, "share": 0.0}])") ==
                        report["invalid_share_per_file"]);
            }
        }
    }
}

SCENARIO("--as-of sets podcast_as_of before q1 is read", "[report]") {
    GIVEN("a warehouse whose q1 view shows the variable it reads") {
        TempDir dir;
        podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
        WHEN("the report is asked as of 2024-08-05") {
            const auto report = json_report(dir / "warehouse.duckdb", "2024-08-05");
            THEN("q1 saw that date") {
                REQUIRE(std::string("ep-20240805") ==
                        report["q1_top_completed_episodes"][0]["episode_id"].get<std::string>());
            }
        }
    }
}

SCENARIO("the default report is aligned text tables under headings", "[report]") {
    TempDir dir;
    podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
    std::ostringstream out;
    REQUIRE(podcast::report(
        ReportOptions{dir / "warehouse.duckdb", std::nullopt, ReportFormat::table}, out));
    REQUIRE_THAT(out.str(),
                 Catch::Contains("Users who listened to 3 or more different episodes in one day\n"
                                 "users\n"
                                 "-----\n"
                                 "   12\n"));
}
