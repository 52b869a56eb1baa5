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
    const auto done = podcast::report(
        ReportOptions{warehouse, std::move(as_of), ReportFormat::json, std::nullopt}, out);
    REQUIRE(done.has_value());
    return nlohmann::json::parse(out.str());
}

}  // namespace

SCENARIO("the report holds the three answers and the data-quality summary", "[report]") {
    GIVEN("a warehouse with answers and one invalid row") {
        TempDir dir;
        podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
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
        podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
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
    podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
    std::ostringstream out;
    REQUIRE(podcast::report(
        ReportOptions{dir / "warehouse.duckdb", std::nullopt, ReportFormat::table, std::nullopt},
        out));
    REQUIRE_THAT(out.str(),
                 Catch::Contains("Users who listened to 3 or more different episodes in one day\n"
                                 "users\n"
                                 "-----\n"
                                 "   12\n"));
}

namespace {

podcast::Result<void> report_to(const std::filesystem::path& warehouse, ReportFormat format,
                                std::optional<std::string> section, std::ostream& out) {
    return podcast::report(ReportOptions{warehouse, std::nullopt, format, std::move(section)}, out);
}

}  // namespace

SCENARIO("--format csv without --section is refused with the list of sections", "[report][edge]") {
    GIVEN("a warehouse") {
        TempDir dir;
        podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
        WHEN("the report is asked as CSV with no section") {
            std::ostringstream out;
            const auto done =
                report_to(dir / "warehouse.duckdb", ReportFormat::csv, std::nullopt, out);
            THEN("it fails as a usage error naming --section and the sections, printing nothing") {
                REQUIRE(!done.has_value());
                REQUIRE(podcast::ExitCode::usage == done.error().code);
                REQUIRE_THAT(done.error().message,
                             Catch::Contains("--section") && Catch::Contains("daily_activity") &&
                                 Catch::Contains("q1_top_completed_episodes"));
                REQUIRE(std::string::npos == done.error().message.find('\n'));
                REQUIRE(out.str().empty());
            }
        }
    }
}

SCENARIO("an unknown --section is refused with the list of sections", "[report][edge]") {
    TempDir dir;
    podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
    std::ostringstream out;
    const auto done = report_to(dir / "warehouse.duckdb", ReportFormat::table, "q9", out);
    REQUIRE(!done.has_value());
    REQUIRE(podcast::ExitCode::usage == done.error().code);
    REQUIRE_THAT(done.error().message,
                 Catch::Contains("'q9'") && Catch::Contains("q2_listen_through_by_country"));
}

SCENARIO("--format csv --section writes that one table alone", "[report]") {
    TempDir dir;
    podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
    std::ostringstream out;
    REQUIRE(report_to(dir / "warehouse.duckdb", ReportFormat::csv, "q2_listen_through_by_country",
                      out));
    REQUIRE("country,avg_listen_through_rate,completions\nNL,0.75,4\n" == out.str());
}

SCENARIO("the text report shows rates as percentages and states the as-of date and window",
         "[report]") {
    TempDir dir;
    podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
    std::ostringstream out;
    REQUIRE(report_to(dir / "warehouse.duckdb", ReportFormat::table, std::nullopt, out));
    REQUIRE_THAT(out.str(), Catch::Contains("NL                         75.0%            4"));
    REQUIRE_THAT(out.str(), Catch::Contains("As of 2024-08-09") &&
                                Catch::Contains("7-day window 2024-08-03 to 2024-08-09"));
    REQUIRE_THAT(out.str(),
                 Catch::Contains("Events from 2024-08-03 06:00:00 to 2024-08-09 21:00:00 UTC"));
}

SCENARIO("the JSON report carries the resolved as-of date and its window", "[report]") {
    GIVEN("a warehouse") {
        TempDir dir;
        podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
        WHEN("no --as-of is given") {
            const auto report = json_report(dir / "warehouse.duckdb", std::nullopt);
            THEN("as_of is the warehouse's default, with its window") {
                REQUIRE("2024-08-09" == report["as_of"].get<std::string>());
                REQUIRE(nlohmann::json::parse(R"({"from": "2024-08-03", "to": "2024-08-09"})") ==
                        report["window"]);
            }
        }
        WHEN("--as-of 2024-08-05 is given") {
            const auto report = json_report(dir / "warehouse.duckdb", "2024-08-05");
            THEN("as_of is that date") {
                REQUIRE("2024-08-05" == report["as_of"].get<std::string>());
                REQUIRE("--as-of" == report["as_of_source"].get<std::string>());
            }
        }
    }
}

SCENARIO("the report answers average session duration per user", "[report]") {
    TempDir dir;
    podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
    const auto report = json_report(dir / "warehouse.duckdb", std::nullopt);
    REQUIRE(nlohmann::json::parse(R"([{"users": 1, "sessions": 1, "mean_seconds": 1200.0,
        "median_seconds": 1200.0, "mean_listened_seconds": 900.0}])") ==
            report["q4_average_session_duration_per_user"]);
}

SCENARIO("the HTML report is one page with the chart library inlined", "[report][html]") {
    GIVEN("a warehouse") {
        TempDir dir;
        podcast::testing::create_fake_report_warehouse(dir / "warehouse.duckdb");
        WHEN("the report is written as HTML") {
            std::ostringstream out;
            REQUIRE(report_to(dir / "warehouse.duckdb", ReportFormat::html, std::nullopt, out));
            const std::string page = out.str();
            THEN("it loads no script or style from elsewhere") {
                REQUIRE(page.starts_with("<!DOCTYPE html>"));
                REQUIRE(std::string::npos == page.find("<script src"));
                REQUIRE(std::string::npos == page.find("<link"));
                REQUIRE_THAT(page,
                             Catch::Contains("/* vega-lite ") && Catch::Contains("/* vega-embed "));
            }
            THEN("it states the as-of date and asks for SVG charts") {
                REQUIRE_THAT(page, Catch::Contains("As of <b>2024-08-09</b>"));
                REQUIRE_THAT(page, Catch::Contains("renderer: 'svg'"));
            }
        }
    }
}
