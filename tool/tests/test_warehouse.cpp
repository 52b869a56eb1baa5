#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "fake_warehouse.hpp"
#include "podcast/warehouse.hpp"
#include "support.hpp"

using podcast::LockMode;
using podcast::WarehouseReader;
using podcast::testing::TempDir;

SCENARIO("a missing warehouse tells to run the pipeline first", "[warehouse]") {
    TempDir dir;
    WHEN("a warehouse file that does not exist is opened") {
        auto reader = WarehouseReader::open(dir / "warehouse.duckdb", LockMode::take_shared);
        THEN("it is not found, with the advice") {
            REQUIRE_FALSE(reader.has_value());
            REQUIRE(podcast::ExitCode::not_found == reader.error().code);
            REQUIRE("warehouse " + (dir / "warehouse.duckdb").string() +
                        " not found: run 'podcast run' first" ==
                    reader.error().message);
        }
    }
}

SCENARIO("a warehouse held by a run is busy for readers", "[warehouse][lock]") {
    GIVEN("a warehouse whose lock a run holds") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        podcast::testing::create_fake_warehouse(warehouse);
        std::ostringstream progress;
        auto run_lock = podcast::WarehouseLock::acquire_exclusive(
            warehouse, podcast::WaitMode::fail_if_busy, progress);
        REQUIRE(run_lock.has_value());
        WHEN("a reader opens it") {
            auto reader = WarehouseReader::open(warehouse, LockMode::take_shared);
            THEN("it is busy and names the run's pid") {
                REQUIRE_FALSE(reader.has_value());
                REQUIRE(podcast::ExitCode::busy == reader.error().code);
                REQUIRE_THAT(reader.error().message,
                             Catch::Contains("(pid " + std::to_string(::getpid()) + ")"));
            }
        }
    }
}

SCENARIO("a warehouse DuckDB itself has locked is busy for readers", "[warehouse][lock]") {
    GIVEN("another process holding the warehouse open for writing") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        podcast::testing::create_fake_warehouse(warehouse);
        int ready[2];
        int done[2];
        REQUIRE(::pipe(ready) == 0);
        REQUIRE(::pipe(done) == 0);
        const pid_t writer = ::fork();
        REQUIRE(writer >= 0);
        if (writer == 0) {  // holds the file open until the parent is done
            auto database = podcast::Database::open(warehouse, podcast::AccessMode::read_write);
            const char state = database ? 'y' : 'n';
            (void)!::write(ready[1], &state, 1);
            char ignored = 0;
            (void)!::read(done[0], &ignored, 1);
            ::_exit(0);
        }
        char state = 'n';
        (void)!::read(ready[0], &state, 1);
        REQUIRE('y' == state);
        WHEN("a reader opens it") {
            auto reader = WarehouseReader::open(warehouse, LockMode::take_shared);
            (void)!::write(done[1], "x", 1);
            int status = 0;
            ::waitpid(writer, &status, 0);
            THEN("it is busy, naming the writer's pid") {
                REQUIRE_FALSE(reader.has_value());
                REQUIRE(podcast::ExitCode::busy == reader.error().code);
                REQUIRE_THAT(reader.error().message,
                             Catch::Contains("(pid " + std::to_string(writer) + ")"));
            }
        }
        for (int fd : {ready[0], ready[1], done[0], done[1]}) {
            ::close(fd);
        }
    }
}

SCENARIO("rows per layer are the rows of gold.layer_row_counts, in pipeline order", "[warehouse]") {
    GIVEN("a warehouse with its layer tables and the view") {
        TempDir dir;
        podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
        auto reader = WarehouseReader::open(dir / "warehouse.duckdb", LockMode::take_shared);
        REQUIRE(reader.has_value());
        WHEN("rows per layer are read") {
            const auto layers = podcast::rows_per_layer(*reader);
            THEN("each layer table has its count, under the columns layer, table and rows") {
                REQUIRE(layers.has_value());
                const std::vector<std::vector<podcast::Cell>> expected = {
                    {std::string("bronze"), std::string("bronze.raw_events"), std::string("3")},
                    {std::string("bronze"), std::string("bronze.raw_events_validated"),
                     std::string("3")},
                    {std::string("silver"), std::string("silver.cleansed_events"),
                     std::string("1")},
                    {std::string("gold"), std::string("gold.fact_user_interactions"),
                     std::string("1")}};
                REQUIRE(expected == layers->rows);
                REQUIRE("table" == layers->columns.at(1).name);
                REQUIRE("rows" == layers->columns.at(2).name);
            }
        }
    }
}

SCENARIO("rows per layer name the view when no run has built it yet", "[warehouse]") {
    GIVEN("a warehouse without gold.layer_row_counts") {
        TempDir dir;
        podcast::testing::create_fake_warehouse(dir / "warehouse.duckdb");
        {
            auto database =
                podcast::Database::open(dir / "warehouse.duckdb", podcast::AccessMode::read_write);
            REQUIRE(database.has_value());
            auto connection = podcast::Connection::connect(*database);
            REQUIRE(connection.has_value());
            REQUIRE(connection->query("drop view gold.layer_row_counts").has_value());
        }
        auto reader = WarehouseReader::open(dir / "warehouse.duckdb", LockMode::take_shared);
        REQUIRE(reader.has_value());
        const auto layers = podcast::rows_per_layer(*reader);
        REQUIRE_FALSE(layers.has_value());
        REQUIRE_THAT(layers.error().message,
                     Catch::StartsWith("gold.layer_row_counts is not readable"));
        REQUIRE(std::string::npos == layers.error().message.find('\n'));
    }
}
