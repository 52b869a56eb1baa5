#include <catch2/catch.hpp>

#include <chrono>

#include "fake_warehouse.hpp"
#include "podcast/archive.hpp"
#include "podcast/warehouse.hpp"
#include "support.hpp"

using namespace std::chrono;
using podcast::ArchiveAccess;
using podcast::LockMode;
using podcast::WarehouseReader;
using podcast::testing::TempDir;
using podcast::testing::write_file;

namespace {

// Rows of cleansed_events' shape written by DuckDB as an archive file (the folders made here).
void write_archive_file(const std::filesystem::path& file, const std::string& rows_sql) {
    std::filesystem::create_directories(file.parent_path());
    auto database = podcast::Database::open(":memory:", podcast::AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = podcast::Connection::connect(*database);
    REQUIRE(connection.has_value());
    REQUIRE(connection->query("copy (" + rows_sql + ") to '" + file.string() + "' (format parquet)")
                .has_value());
}

void add_cleansed_table(const std::filesystem::path& warehouse) {
    auto database = podcast::Database::open(warehouse, podcast::AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = podcast::Connection::connect(*database);
    REQUIRE(connection.has_value());
    for (const char* statement :
         {"drop table silver.cleansed_events",
          "create table silver.cleansed_events (event_type enum('play', 'pause'), user_id varchar, "
          "timestamp timestamp)",
          "insert into silver.cleansed_events values ('pause', 'u2', '2024-08-21 10:00:00')"}) {
        INFO(statement);
        REQUIRE(connection->query(statement).has_value());
    }
}

const char* archived_rows_sql =
    "select 'play' as event_type, 'u1' as user_id, timestamp '2024-07-30 08:00:00' as timestamp";

}  // namespace

SCENARIO("the window starts retention_days before the date of now", "[archive]") {
    REQUIRE("2024-08-21" == podcast::window_start(2024y / September / 10, 20));
    REQUIRE("2024-02-29" == podcast::window_start(2024y / March / 1, 1));
    REQUIRE("2023-12-31" == podcast::window_start(2024y / January / 1, 1));
    THEN("a window longer than the calendar starts on its first day") {
        REQUIRE("0001-01-01" == podcast::window_start(2024y / March / 1, 2147483647));
    }
}

SCENARIO("the archive's complete files are its run-*.parquet files in month folders", "[archive]") {
    TempDir dir;
    const auto archive = dir / "warehouse.duckdb.archive";
    write_file(archive / "cleansed_events/month=2024-07/run-20240801T000000000000-a.parquet", "x");
    write_file(archive / "cleansed_events/month=2024-08/run-20240902T000000000000-b.parquet", "x");
    write_file(archive / "cleansed_events/month=2024-08/tmp_run-20240903T000000000000-c.parquet",
               "x");
    write_file(archive / "cleansed_events/month=2024-08/notes.txt", "x");
    write_file(archive / "cleansed_events/run-20240903T000000000000-d.parquet", "x");
    write_file(archive / "fact_user_interactions/month=2024-07/run-20240801T000000000000-a.parquet",
               "x");
    REQUIRE(std::vector<std::filesystem::path>{
                archive / "cleansed_events/month=2024-07/run-20240801T000000000000-a.parquet",
                archive / "cleansed_events/month=2024-08/run-20240902T000000000000-b.parquet"} ==
            podcast::archive_files(archive, "cleansed_events"));
    WHEN("the unfinished files are removed") {
        auto removed = podcast::remove_unfinished_archive_files(archive);
        THEN("only the tmp_ file goes") {
            REQUIRE(removed.has_value());
            REQUIRE(1 == *removed);
            REQUIRE_FALSE(std::filesystem::exists(
                archive / "cleansed_events/month=2024-08/tmp_run-20240903T000000000000-c.parquet"));
            REQUIRE(std::filesystem::exists(archive / "cleansed_events/month=2024-08/notes.txt"));
            REQUIRE(2 == podcast::archive_files(archive, "cleansed_events").size());
        }
    }
    THEN("an archive that does not exist has nothing to remove") {
        auto removed = podcast::remove_unfinished_archive_files(dir / "nowhere");
        REQUIRE(removed.has_value());
        REQUIRE(0 == *removed);
    }
}

SCENARIO("a reader can read the archive beside the tables, and nothing else", "[archive][query]") {
    GIVEN("a warehouse with an archive file beside it") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        podcast::testing::create_fake_warehouse(warehouse);
        add_cleansed_table(warehouse);
        const auto file =
            dir / "warehouse.duckdb.archive/cleansed_events/month=2024-07/run-1-a.parquet";
        write_archive_file(file, archived_rows_sql);
        write_archive_file(dir / "outside.parquet", archived_rows_sql);
        WHEN("it is opened with the archive readable") {
            auto reader =
                WarehouseReader::open(warehouse, LockMode::take_shared, ArchiveAccess::readable);
            REQUIRE(reader.has_value());
            THEN("the archive's view has the table's columns and types, and the month") {
                auto rows = reader->query(
                    "select event_type, user_id, timestamp, month, typeof(event_type) from "
                    "cleansed_events_archive");
                REQUIRE(rows.has_value());
                REQUIRE(std::vector<std::vector<podcast::Cell>>{
                            {"play", "u1", "2024-07-30 08:00:00", "2024-07",
                             "ENUM('play', 'pause')"}} == rows->rows);
            }
            THEN("the table and its archive read as one") {
                auto rows = reader->query(
                    "select user_id from silver.cleansed_events union all select user_id from "
                    "cleansed_events_archive order by 1");
                REQUIRE(rows.has_value());
                REQUIRE(2 == rows->rows.size());
            }
            THEN("read_parquet reads below the archive directory") {
                auto rows =
                    reader->query("select count(*) from read_parquet('" + file.string() + "')");
                REQUIRE(rows.has_value());
                REQUIRE("1" == rows->rows.front().front());
            }
            THEN("a file outside it is refused, by its path or through '..'") {
                for (const auto& path :
                     {(dir / "outside.parquet").string(),
                      (dir / "warehouse.duckdb.archive/../outside.parquet").string()}) {
                    INFO(path);
                    auto rows = reader->query("select count(*) from read_parquet('" + path + "')");
                    REQUIRE_FALSE(rows.has_value());
                    REQUIRE_THAT(rows.error().message,
                                 Catch::Contains("disabled by configuration"));
                }
            }
            THEN("the view gives each row its file's month") {
                auto months = reader->query(
                    "select month, count(*) from cleansed_events_archive group by month");
                REQUIRE(months.has_value());
                REQUIRE(std::vector<std::vector<podcast::Cell>>{{"2024-07", "1"}} == months->rows);
            }
        }
        WHEN("it is opened without the archive") {
            auto reader = WarehouseReader::open(warehouse, LockMode::take_shared);
            REQUIRE(reader.has_value());
            THEN("the archive's files are refused") {
                auto rows =
                    reader->query("select count(*) from read_parquet('" + file.string() + "')");
                REQUIRE_FALSE(rows.has_value());
            }
        }
    }
    GIVEN("a warehouse with no archive") {
        TempDir dir;
        const auto warehouse = dir / "warehouse.duckdb";
        podcast::testing::create_fake_warehouse(warehouse);
        add_cleansed_table(warehouse);
        WHEN("it is opened with the archive readable") {
            auto reader =
                WarehouseReader::open(warehouse, LockMode::take_shared, ArchiveAccess::readable);
            REQUIRE(reader.has_value());
            THEN("the views hold no row, with the table's columns") {
                auto rows = reader->query("select * from cleansed_events_archive");
                REQUIRE(rows.has_value());
                REQUIRE(rows->rows.empty());
                REQUIRE(4 == rows->columns.size());
                auto fact = reader->query("select count(*) from fact_user_interactions_archive");
                REQUIRE(fact.has_value());
                REQUIRE("0" == fact->rows.front().front());
            }
        }
    }
}
