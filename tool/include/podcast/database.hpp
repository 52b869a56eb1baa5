#pragma once
// RAII owners of DuckDB C API handles. Each owns exactly one handle: copy is deleted, move
// transfers it. Failures come back as podcast::Result values carrying DuckDB's message.
#include <duckdb.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

enum class AccessMode { read_only, read_write };

class Database {
public:
    // Opens (read_write: creates) the database file; read_only passes access_mode=READ_ONLY.
    static Result<Database> open(const std::filesystem::path& path, AccessMode mode);

    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    ~Database();

    [[nodiscard]] duckdb_database handle() const noexcept { return handle_; }

private:
    explicit Database(duckdb_database handle) noexcept : handle_(handle) {}
    duckdb_database handle_ = nullptr;
};

class QueryResult {
public:
    explicit QueryResult(duckdb_result result) noexcept : result_(result), owned_(true) {}

    QueryResult(const QueryResult&) = delete;
    QueryResult& operator=(const QueryResult&) = delete;
    QueryResult(QueryResult&& other) noexcept;
    QueryResult& operator=(QueryResult&& other) noexcept;
    ~QueryResult();

    [[nodiscard]] std::size_t column_count();
    [[nodiscard]] std::size_t row_count();
    [[nodiscard]] std::string column_name(std::size_t column);
    [[nodiscard]] ColumnKind column_kind(std::size_t column);
    [[nodiscard]] Cell value(std::size_t column, std::size_t row);
    // The whole result as a generic table.
    [[nodiscard]] Table to_table();

private:
    duckdb_result result_{};
    bool owned_ = false;
};

class PreparedStatement {
public:
    explicit PreparedStatement(duckdb_prepared_statement handle) noexcept : handle_(handle) {}

    PreparedStatement(const PreparedStatement&) = delete;
    PreparedStatement& operator=(const PreparedStatement&) = delete;
    PreparedStatement(PreparedStatement&& other) noexcept;
    PreparedStatement& operator=(PreparedStatement&& other) noexcept;
    ~PreparedStatement();

    // Binds a text value to the 1-based parameter index.
    Result<void> bind(std::size_t index, std::string_view value);
    Result<QueryResult> execute();

private:
    duckdb_prepared_statement handle_ = nullptr;
};

class Connection {
public:
    static Result<Connection> connect(const Database& database);

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    ~Connection();

    Result<QueryResult> query(const std::string& sql);
    Result<PreparedStatement> prepare(const std::string& sql);

private:
    explicit Connection(duckdb_connection handle) noexcept : handle_(handle) {}
    duckdb_connection handle_ = nullptr;
};

}  // namespace podcast
