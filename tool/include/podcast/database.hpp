#pragma once
// RAII owners of DuckDB C API handles. Each owns exactly one handle: copy is deleted, move
// transfers it. Failures come back as podcast::Result values carrying DuckDB's message.
#include <duckdb.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

enum class AccessMode { read_only, read_write };

// How Connection::read converts each value, with DuckDB's own conversions: text is
// cast(value as varchar) (table and CSV output), json is to_json(value) (JSON output).
enum class CellForm { text, json };

// DuckDB's message cut to its first line: no "LINE 1:" excerpt, caret or HINT lines.
std::string duckdb_message(const char* message);

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
    // The whole result as a generic table (row accessors: for the tool's own plain-typed SQL).
    [[nodiscard]] Table to_table();
    // Every row through DuckDB's data chunks; every column must be VARCHAR (Connection::read
    // makes them so). Columns are named by the caller.
    [[nodiscard]] Result<std::vector<std::vector<Cell>>> varchar_rows();

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

    [[nodiscard]] duckdb_statement_type statement_type() const;
    [[nodiscard]] std::size_t column_count() const;
    [[nodiscard]] std::string column_name(std::size_t column) const;
    [[nodiscard]] ColumnKind column_kind(std::size_t column) const;

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
    // Prepares `sql` only if it holds exactly one statement (ExitCode::refused otherwise).
    Result<PreparedStatement> prepare_single(const std::string& sql);

    // Reads with one statement that can only read: a SELECT (or an EXPLAIN of one) and nothing
    // else (a COPY, ATTACH, SET, PRAGMA, ... is ExitCode::refused). Every value comes back
    // converted by DuckDB (cast to varchar, or to_json), so every type renders; the columns are
    // named and kinded as the statement's own.
    Result<Table> read(const std::string& sql, CellForm form);

    // From now on, for the whole database: no file, other database, extension or network is
    // reachable except below `readable_directories`, and no setting can change again
    // (allowed_directories, enable_external_access=false, lock_configuration=true).
    Result<void> restrict_access(const std::vector<std::filesystem::path>& readable_directories);

private:
    explicit Connection(duckdb_connection handle) noexcept : handle_(handle) {}
    duckdb_connection handle_ = nullptr;
};

}  // namespace podcast
