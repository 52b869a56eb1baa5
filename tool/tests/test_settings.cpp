#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "podcast/database.hpp"
#include "podcast/settings.hpp"
#include "support.hpp"

using podcast::ExitCode;
using podcast::parse_run_vars;
using podcast::testing::TempDir;

namespace {

// The one-line error of a single --var, or "" when it is accepted.
std::string error_of(const std::string& entry) {
    const auto parsed = parse_run_vars({entry});
    if (parsed) {
        return "";
    }
    REQUIRE(ExitCode::usage == parsed.error().code);
    return parsed.error().message;
}

void create_raw_events(const std::filesystem::path& warehouse, const std::string& load_at) {
    auto database = podcast::Database::open(warehouse, podcast::AccessMode::read_write);
    REQUIRE(database);
    auto connection = podcast::Connection::connect(*database);
    REQUIRE(connection);
    REQUIRE(connection->query("create schema bronze"));
    REQUIRE(connection->query("create table bronze.raw_events (load_at timestamp)"));
    REQUIRE(connection->query("insert into bronze.raw_events values ('" + load_at + "')"));
}

}  // namespace

SCENARIO("every documented var is accepted with a value of its kind", "[settings]") {
    const auto vars = parse_run_vars(
        {"load_at=2024-08-08 00:00:00.000001", "now=2030-01-01 00:00:00", "as_of=2024-02-29",
         R"(listen_event_types=["play","complete"])", R"(event_files=["2024-08-01/events.json"])",
         "snowflake_stage=podcast.landing.event_files", "snowflake_emulator=true"});
    REQUIRE(vars.has_value());
    const auto expected = nlohmann::json::parse(R"({"load_at": "2024-08-08 00:00:00.000001",
        "now": "2030-01-01 00:00:00", "as_of": "2024-02-29",
        "listen_event_types": ["play", "complete"], "event_files": ["2024-08-01/events.json"],
        "snowflake_stage": "podcast.landing.event_files", "snowflake_emulator": true})");
    REQUIRE(expected == *vars);
}

SCENARIO("an unknown var name is refused, listing the known ones", "[settings]") {
    REQUIRE(std::string("--var nwo: unknown var (known: archive_dir, as_of, event_files, "
                        "listen_event_types, load_at, now, retention_days, session_gap_minutes, "
                        "snowflake_emulator, snowflake_stage)") ==
            error_of("nwo=2030-01-01 00:00:00"));
}

SCENARIO("the project's fixed lists are not settings: a run refuses them as unknown vars",
         "[settings]") {
    // dbt_project.yml defines them as vars so that SQL and YAML tests read one list; changing one
    // changes the data contract, which no run may do.
    for (const char* entry : {R"(event_types=["play"])", R"(event_types_with_duration=["play"])",
                              R"(validation_codes=["user_id_missing"])"}) {
        INFO(entry);
        REQUIRE_THAT(error_of(entry), Catch::Contains(": unknown var (known: "));
    }
}

SCENARIO("a timestamp var that is not YYYY-MM-DD HH:MM:SS is refused, quoting it", "[settings]") {
    REQUIRE(std::string("--var now: expected a timestamp YYYY-MM-DD HH:MM:SS, got 'notadate'") ==
            error_of("now=notadate"));
    for (const char* bad :
         {"now=2030-01-01", "now=2030-01-01T00:00:00", "now=2030-02-30 00:00:00",
          "now=2030-01-01 24:00:00", "now=2030-01-01 00:00:00.1234567", "now=2030-01-01 00:00:00 ",
          "now= 2030-01-01 00:00:00", "now=2030-01-01 00:00:00' as timestamp) or 1=1 or ('"}) {
        INFO(bad);
        REQUIRE_FALSE(error_of(bad).empty());
    }
}

SCENARIO("a value with a line break is shown escaped, on one line", "[settings]") {
    REQUIRE(std::string("--var as_of: expected a date YYYY-MM-DD, got '2024-08-01\\n; drop "
                        "table x'") == error_of("as_of=2024-08-01\n; drop table x"));
}

SCENARIO("as_of must be a real calendar date", "[settings]") {
    REQUIRE(error_of("as_of=2024-02-29").empty());
    REQUIRE_FALSE(error_of("as_of=2023-02-29").empty());
    REQUIRE_FALSE(error_of("as_of=garbage").empty());
    REQUIRE_FALSE(error_of("as_of=2024-8-1").empty());
}

SCENARIO("calendar_date is the day a real YYYY-MM-DD names", "[settings]") {
    using namespace std::chrono;
    REQUIRE(podcast::calendar_date("2024-02-29") == year_month_day{year{2024}, February, day{29}});
    REQUIRE(podcast::calendar_date("1999-12-31") == year_month_day{year{1999}, December, day{31}});
    for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-8-1", "2024-08-01 ",
                            "2024/08/01", "garbage", ""}) {
        INFO(bad);
        REQUIRE_FALSE(podcast::calendar_date(bad).has_value());
    }
}

SCENARIO("listen_event_types is a non-empty list of distinct event types", "[settings]") {
    REQUIRE(error_of(R"(listen_event_types=["seek"])").empty());
    for (const char* bad :
         {"listen_event_types=[]", "listen_event_types=play", R"(listen_event_types=["Play"])",
          R"(listen_event_types=["play","play"])", R"(listen_event_types=["play') or ('1"])",
          R"(listen_event_types={"play": 1})", "listen_event_types=[1]"}) {
        INFO(bad);
        REQUIRE_FALSE(error_of(bad).empty());
    }
}

SCENARIO("event_files are safe relative names, snowflake_stage identifiers", "[settings]") {
    REQUIRE_FALSE(error_of(R"(event_files=["../x.json"])").empty());
    REQUIRE_FALSE(error_of(R"(event_files=["a'b.json"])").empty());
    REQUIRE_FALSE(error_of("snowflake_stage=db.s.x; drop table y").empty());
    REQUIRE_FALSE(error_of("snowflake_stage=a.b.c.d").empty());
    REQUIRE_FALSE(error_of("snowflake_emulator=yes").empty());
}

SCENARIO("a var given again takes the later value, each value checked", "[settings]") {
    REQUIRE(nlohmann::json{{"now", "2030-01-02 00:00:00"}} ==
            *parse_run_vars({"now=2030-01-01 00:00:00", "now=2030-01-02 00:00:00"}));
    REQUIRE_FALSE(parse_run_vars({"now=notadate", "now=2030-01-02 00:00:00"}));
}

SCENARIO("a --var without '=' is a usage error naming it", "[settings]") {
    REQUIRE(std::string("--var 'as_of': expected KEY=VALUE") == error_of("as_of"));
}

SCENARIO("--help lists every var with its kind and doc", "[settings][cli]") {
    const std::string help = podcast::run_vars_help();
    for (const auto& spec : podcast::run_vars()) {
        INFO(spec.name);
        REQUIRE(help.find("  " + std::string(spec.name) + " ") != std::string::npos);
        REQUIRE(help.find(std::string(spec.doc)) != std::string::npos);
    }
}

SCENARIO("load_at must be later than every load already in the warehouse", "[settings]") {
    GIVEN("a warehouse whose latest load is 2024-08-02 10:00:00") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        create_raw_events(warehouse, "2024-08-02 10:00:00");
        THEN("an earlier or equal --var load_at is refused, naming the latest load") {
            const auto earlier = podcast::check_load_at_is_new(warehouse, "2024-08-01 00:00:00",
                                                               podcast::LoadAtOrigin::var);
            REQUIRE_FALSE(earlier.has_value());
            REQUIRE(ExitCode::usage == earlier.error().code);
            REQUIRE_THAT(
                earlier.error().message,
                Catch::StartsWith("--var load_at: '2024-08-01 00:00:00' is not later than "
                                  "the latest load in the warehouse (2024-08-02 10:00:00)"));
            REQUIRE_FALSE(podcast::check_load_at_is_new(warehouse, "2024-08-02 10:00:00",
                                                        podcast::LoadAtOrigin::var));
        }
        THEN("a later one is accepted") {
            REQUIRE(podcast::check_load_at_is_new(warehouse, "2024-08-02 10:00:00.000001",
                                                  podcast::LoadAtOrigin::var));
        }
    }
    GIVEN("no warehouse, or one without bronze.raw_events") {
        TempDir dir;
        REQUIRE(podcast::check_load_at_is_new(dir / "none.duckdb", "2000-01-01 00:00:00",
                                              podcast::LoadAtOrigin::clock));
        {
            auto database =
                podcast::Database::open(dir / "empty.duckdb", podcast::AccessMode::read_write);
            REQUIRE(database);
        }
        REQUIRE(podcast::check_load_at_is_new(dir / "empty.duckdb", "2000-01-01 00:00:00",
                                              podcast::LoadAtOrigin::clock));
    }
}

SCENARIO("session_gap_minutes is a positive integer", "[settings][edge]") {
    REQUIRE(nlohmann::json::parse(R"({"session_gap_minutes": 45})") ==
            *parse_run_vars({"session_gap_minutes=45"}));
    for (const char* bad : {"0", "-5", "30.5", "030", "abc", "", "99999999999", "2147483648"}) {
        INFO(bad);
        REQUIRE_THAT(error_of(std::string("session_gap_minutes=") + bad),
                     Catch::Contains("--var session_gap_minutes: expected a positive integer"));
    }
}

SCENARIO("retention_days is a positive integer", "[settings][edge]") {
    REQUIRE(nlohmann::json::parse(R"({"retention_days": 180})") ==
            *parse_run_vars({"retention_days=180"}));
    for (const char* bad : {"0", "-1", "20.5", "020", "twenty", "", "2147483648"}) {
        INFO(bad);
        REQUIRE_THAT(error_of(std::string("retention_days=") + bad),
                     Catch::Contains("--var retention_days: expected a positive integer"));
    }
}

SCENARIO("archive_dir is a path without control or glob characters", "[settings][edge]") {
    REQUIRE(nlohmann::json::parse(R"({"archive_dir": "/srv/podcast archive/it's here"})") ==
            *parse_run_vars({"archive_dir=/srv/podcast archive/it's here"}));
    for (const char* bad :
         {"", "/srv/arch*", "/srv/arch?", "/srv/[a]", "/srv/{a,b}", "/srv/a\nb"}) {
        INFO(bad);
        REQUIRE_THAT(error_of(std::string("archive_dir=") + bad),
                     Catch::Contains("--var archive_dir: expected a directory path without control "
                                     "or glob characters"));
    }
}
