#include <catch2/catch.hpp>

#include <sstream>

#include "fake_warehouse.hpp"
#include "podcast/query.hpp"
#include "support.hpp"

using podcast::OutputFormat;
using podcast::QueryOptions;
using podcast::testing::TempDir;

SCENARIO("an ad hoc query prints its result in the asked format", "[query]") {
    GIVEN("a warehouse") {
        TempDir dir;
        podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
        WHEN("files and their rows are queried as CSV") {
            std::ostringstream out;
            const auto done = podcast::query(
                QueryOptions{
                    dir / "warehouse.duckdb",
                    "select filename, count(*) as n from bronze.raw_events group by 1 order by 1",
                    OutputFormat::csv},
                out);
            THEN("the CSV has a header and one line per file") {
                REQUIRE(done.has_value());
                REQUIRE(std::string(
                            "filename,n\n2024-08-01/events.json,2\n2024-08-02/events.json,1\n") ==
                        out.str());
            }
        }
    }
}

SCENARIO("an ad hoc query cannot change the warehouse", "[query]") {
    GIVEN("a warehouse") {
        TempDir dir;
        podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
        WHEN("a delete is attempted") {
            std::ostringstream out;
            const auto done =
                podcast::query(QueryOptions{dir / "warehouse.duckdb",
                                            "delete from bronze.raw_events", OutputFormat::table},
                               out);
            THEN("it fails as read-only") {
                REQUIRE_FALSE(done.has_value());
                REQUIRE_THAT(done.error().message, Catch::Contains("read-only"));
            }
        }
    }
}
