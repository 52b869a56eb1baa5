#include <catch2/catch.hpp>

#include <type_traits>

#include "podcast/database.hpp"
#include "support.hpp"

using podcast::AccessMode;
using podcast::Connection;
using podcast::Database;
using podcast::testing::TempDir;

namespace {

// A database file with one table, created and closed again.
void create_episodes_database(const std::filesystem::path& path) {
    auto database = Database::open(path, AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = Connection::connect(*database);
    REQUIRE(connection.has_value());
    REQUIRE(connection->query("create table episodes (episode_id varchar, seconds integer)")
                .has_value());
    REQUIRE(connection->query("insert into episodes values ('ep-1', 1800), ('ep-2', null)")
                .has_value());
}

}  // namespace

SCENARIO("every DuckDB wrapper is move-only", "[duckdb]") {
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Database>);
    STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Database>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Database>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<Database>);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Connection>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Connection>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<Connection>);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<podcast::QueryResult>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<podcast::QueryResult>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<podcast::QueryResult>);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<podcast::PreparedStatement>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<podcast::PreparedStatement>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<podcast::PreparedStatement>);
}

SCENARIO("a database file reopened read-only reads what was written", "[duckdb]") {
    GIVEN("a database file the test created and closed") {
        TempDir dir;
        create_episodes_database(dir / "test.duckdb");
        WHEN("it is opened read-only and queried") {
            auto database = Database::open(dir / "test.duckdb", AccessMode::read_only);
            REQUIRE(database.has_value());
            auto connection = Connection::connect(*database);
            REQUIRE(connection.has_value());
            auto result = connection->query("select episode_id, seconds from episodes order by 1");
            REQUIRE(result.has_value());
            const podcast::Table table = result->to_table();
            THEN("the rows come back with NULL as an empty cell and typed columns") {
                const std::vector<std::vector<podcast::Cell>> expected = {
                    {std::string("ep-1"), std::string("1800")},
                    {std::string("ep-2"), std::nullopt}};
                REQUIRE(expected == table.rows);
                REQUIRE(podcast::ColumnKind::integer == table.columns[1].kind);
                REQUIRE(std::string("seconds") == table.columns[1].name);
            }
        }
    }
}

SCENARIO("a read-only database refuses writes", "[duckdb]") {
    GIVEN("a database file opened read-only") {
        TempDir dir;
        create_episodes_database(dir / "test.duckdb");
        auto database = Database::open(dir / "test.duckdb", AccessMode::read_only);
        REQUIRE(database.has_value());
        auto connection = Connection::connect(*database);
        REQUIRE(connection.has_value());
        WHEN("a row is inserted") {
            auto result = connection->query("insert into episodes values ('ep-3', 60)");
            THEN("it fails with DuckDB's read-only message") {
                REQUIRE_FALSE(result.has_value());
                REQUIRE_THAT(result.error().message, Catch::Contains("read-only"));
            }
        }
    }
}

SCENARIO("opening a missing file read-only fails instead of creating it", "[duckdb]") {
    TempDir dir;
    WHEN("a file that does not exist is opened read-only") {
        auto database = Database::open(dir / "missing.duckdb", AccessMode::read_only);
        THEN("it fails and no file appears") {
            REQUIRE_FALSE(database.has_value());
            REQUIRE_FALSE(std::filesystem::exists(dir / "missing.duckdb"));
        }
    }
}

SCENARIO("a moved connection keeps working and the moved-from one is empty", "[duckdb]") {
    GIVEN("an in-memory database and a connection moved into another variable") {
        auto database = Database::open(":memory:", AccessMode::read_write);
        REQUIRE(database.has_value());
        auto connection = Connection::connect(*database);
        REQUIRE(connection.has_value());
        Connection moved = std::move(*connection);
        WHEN("the new owner queries") {
            auto result = moved.query("select 41 + 1 as answer");
            THEN("it answers") {
                REQUIRE(result.has_value());
                REQUIRE(podcast::Cell(std::string("42")) == result->value(0, 0));
            }
        }
    }
}

SCENARIO("a failing query is an error value carrying DuckDB's message", "[duckdb]") {
    auto database = Database::open(":memory:", AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = Connection::connect(*database);
    REQUIRE(connection.has_value());
    WHEN("a table that does not exist is read") {
        auto result = connection->query("select * from nowhere");
        THEN("the error names the table") {
            REQUIRE_FALSE(result.has_value());
            REQUIRE_THAT(result.error().message, Catch::Contains("nowhere"));
        }
    }
}

SCENARIO("a prepared statement binds text parameters", "[duckdb]") {
    auto database = Database::open(":memory:", AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = Connection::connect(*database);
    REQUIRE(connection.has_value());
    WHEN("a statement with a parameter is prepared, bound and executed") {
        auto statement =
            connection->prepare("select cast(? as timestamp) + interval 1 day as next");
        REQUIRE(statement.has_value());
        REQUIRE(statement->bind(1, "2024-08-01 10:00:00.000001").has_value());
        auto result = statement->execute();
        THEN("the bound value was used") {
            REQUIRE(result.has_value());
            REQUIRE(podcast::Cell(std::string("2024-08-02 10:00:00.000001")) ==
                    result->value(0, 0));
        }
    }
}
