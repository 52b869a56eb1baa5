#include <catch2/catch.hpp>

#include <sstream>

#include "fake_warehouse.hpp"
#include "podcast/paths.hpp"
#include "podcast/status.hpp"
#include "support.hpp"

using podcast::StatusFormat;
using podcast::StatusOptions;
using podcast::testing::TempDir;

SCENARIO("status lists files loaded, rows per layer and the last run", "[status]") {
    GIVEN("a warehouse with two runs recorded") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        podcast::testing::create_fake_warehouse(warehouse);
        podcast::testing::write_file(
            podcast::runs_log_for(warehouse),
            R"({"start": "a", "outcome": "success", "load_at": "2024-08-09 10:00:00.123456"})"
            "\n"
            R"({"start": "b", "outcome": "failed", "load_at": "2024-08-10 10:00:00.000000", "error": "boom"})"
            "\n");
        WHEN("status is printed as JSON") {
            std::ostringstream out;
            REQUIRE(podcast::status(StatusOptions{warehouse, StatusFormat::json}, out));
            const auto status = nlohmann::json::parse(out.str());
            THEN("each file has its rows and load_at") {
                REQUIRE(nlohmann::json::parse(R"([
                    {"filename": "2024-08-01/events.json", "rows": 2, "load_at": "2024-08-09 10:00:00.123456"},
                    {"filename": "2024-08-02/events.json", "rows": 1, "load_at": "2024-08-10 10:00:00.000000"}])") ==
                        status["files"]);
            }
            THEN("the last run is the last line of the runs log") {
                REQUIRE(std::string("failed") == status["last_run"]["outcome"].get<std::string>());
            }
            THEN("rows per layer are listed") { REQUIRE(4 == status["layers"].size()); }
        }
    }
}

SCENARIO("status names a partial run's selection and who started it", "[status][select]") {
    GIVEN("a warehouse whose last run selected one model, started by cron") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        podcast::testing::create_fake_warehouse(warehouse);
        podcast::testing::write_file(
            podcast::runs_log_for(warehouse),
            R"({"start": "a", "end": "b", "outcome": "success", "load_at": "c", )"
            R"("select": "podcast.gold.analysis.q3_multi_episode_listeners", "origin": "cron"})"
            "\n");
        WHEN("status is printed as text") {
            std::ostringstream out;
            REQUIRE(podcast::status(StatusOptions{warehouse, StatusFormat::text}, out));
            THEN("the last run shows its selection and origin") {
                REQUIRE_THAT(out.str(), Catch::Contains(
                                            "partial run: --select "
                                            "podcast.gold.analysis.q3_multi_episode_listeners\n") &&
                                            Catch::Contains("started by: cron\n"));
            }
        }
    }
}
