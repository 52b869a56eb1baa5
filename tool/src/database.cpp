#include "podcast/database.hpp"

#include <memory>
#include <utility>

namespace podcast {
namespace {

// The row-wise value accessors are marked deprecated in DuckDB 1.4 in favour of data chunks, but
// they convert every type (lists included) to text exactly as DuckDB prints it, which is all a
// printer needs; the version is pinned, so they are used here and only here.
struct DuckdbFree {
    void operator()(void* pointer) const noexcept { duckdb_free(pointer); }
};
using DuckdbString = std::unique_ptr<char, DuckdbFree>;

ColumnKind kind_of(duckdb_type type) {
    switch (type) {
        case DUCKDB_TYPE_TINYINT:
        case DUCKDB_TYPE_SMALLINT:
        case DUCKDB_TYPE_INTEGER:
        case DUCKDB_TYPE_BIGINT:
        case DUCKDB_TYPE_UTINYINT:
        case DUCKDB_TYPE_USMALLINT:
        case DUCKDB_TYPE_UINTEGER:
        case DUCKDB_TYPE_UBIGINT:
        case DUCKDB_TYPE_HUGEINT:
        case DUCKDB_TYPE_UHUGEINT:
            return ColumnKind::integer;
        case DUCKDB_TYPE_FLOAT:
        case DUCKDB_TYPE_DOUBLE:
        case DUCKDB_TYPE_DECIMAL:
            return ColumnKind::real;
        case DUCKDB_TYPE_BOOLEAN:
            return ColumnKind::boolean;
        default:
            return ColumnKind::text;
    }
}

std::string error_of(duckdb_result& result) {
    const char* message = duckdb_result_error(&result);
    return message != nullptr ? message : "unknown DuckDB error";
}

}  // namespace

// Database

Result<Database> Database::open(const std::filesystem::path& path, AccessMode mode) {
    duckdb_config config = nullptr;
    if (duckdb_create_config(&config) == DuckDBError) {
        return fail("could not create a DuckDB configuration");
    }
    const char* access_mode = mode == AccessMode::read_only ? "READ_ONLY" : "READ_WRITE";
    duckdb_set_config(config, "access_mode", access_mode);
    duckdb_database handle = nullptr;
    char* raw_error = nullptr;
    const duckdb_state state = duckdb_open_ext(path.c_str(), &handle, config, &raw_error);
    duckdb_destroy_config(&config);
    DuckdbString error(raw_error);
    if (state == DuckDBError) {
        duckdb_close(&handle);
        return fail(error ? error.get() : "could not open " + path.string());
    }
    return Database(handle);
}

Database::Database(Database&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        duckdb_close(&handle_);
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

Database::~Database() { duckdb_close(&handle_); }

// Connection

Result<Connection> Connection::connect(const Database& database) {
    duckdb_connection handle = nullptr;
    if (duckdb_connect(database.handle(), &handle) == DuckDBError) {
        return fail("could not connect to the DuckDB database");
    }
    return Connection(handle);
}

Connection::Connection(Connection&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        duckdb_disconnect(&handle_);
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

Connection::~Connection() { duckdb_disconnect(&handle_); }

Result<QueryResult> Connection::query(const std::string& sql) {
    duckdb_result raw{};
    const duckdb_state state = duckdb_query(handle_, sql.c_str(), &raw);
    QueryResult result(raw);  // owns it either way: a failed result must be destroyed too
    if (state == DuckDBError) {
        return fail(error_of(raw));
    }
    return result;
}

Result<PreparedStatement> Connection::prepare(const std::string& sql) {
    duckdb_prepared_statement raw = nullptr;
    const duckdb_state state = duckdb_prepare(handle_, sql.c_str(), &raw);
    PreparedStatement statement(raw);  // destroyed even when preparing failed
    if (state == DuckDBError) {
        const char* message = duckdb_prepare_error(raw);
        return fail(message != nullptr ? message : "could not prepare: " + sql);
    }
    return statement;
}

// PreparedStatement

PreparedStatement::PreparedStatement(PreparedStatement&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

PreparedStatement& PreparedStatement::operator=(PreparedStatement&& other) noexcept {
    if (this != &other) {
        duckdb_destroy_prepare(&handle_);
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

PreparedStatement::~PreparedStatement() { duckdb_destroy_prepare(&handle_); }

Result<void> PreparedStatement::bind(std::size_t index, std::string_view value) {
    const std::string text(value);
    if (duckdb_bind_varchar(handle_, index, text.c_str()) == DuckDBError) {
        return fail("could not bind parameter " + std::to_string(index));
    }
    return {};
}

Result<QueryResult> PreparedStatement::execute() {
    duckdb_result raw{};
    const duckdb_state state = duckdb_execute_prepared(handle_, &raw);
    QueryResult result(raw);
    if (state == DuckDBError) {
        return fail(error_of(raw));
    }
    return result;
}

// QueryResult

QueryResult::QueryResult(QueryResult&& other) noexcept
    : result_(other.result_), owned_(std::exchange(other.owned_, false)) {}

QueryResult& QueryResult::operator=(QueryResult&& other) noexcept {
    if (this != &other) {
        if (owned_) {
            duckdb_destroy_result(&result_);
        }
        result_ = other.result_;
        owned_ = std::exchange(other.owned_, false);
    }
    return *this;
}

QueryResult::~QueryResult() {
    if (owned_) {
        duckdb_destroy_result(&result_);
    }
}

std::size_t QueryResult::column_count() { return duckdb_column_count(&result_); }

std::size_t QueryResult::row_count() { return duckdb_row_count(&result_); }

std::string QueryResult::column_name(std::size_t column) {
    const char* name = duckdb_column_name(&result_, column);
    return name != nullptr ? name : std::string{};
}

ColumnKind QueryResult::column_kind(std::size_t column) {
    return kind_of(duckdb_column_type(&result_, column));
}

Cell QueryResult::value(std::size_t column, std::size_t row) {
    if (duckdb_value_is_null(&result_, column, row)) {
        return std::nullopt;
    }
    DuckdbString text(duckdb_value_varchar(&result_, column, row));
    return text ? std::string(text.get()) : std::string{};
}

Table QueryResult::to_table() {
    Table table;
    const std::size_t columns = column_count();
    for (std::size_t column = 0; column < columns; ++column) {
        table.columns.push_back(Column{column_name(column), column_kind(column)});
    }
    const std::size_t rows = row_count();
    table.rows.reserve(rows);
    for (std::size_t row = 0; row < rows; ++row) {
        std::vector<Cell> cells;
        cells.reserve(columns);
        for (std::size_t column = 0; column < columns; ++column) {
            cells.push_back(value(column, row));
        }
        table.rows.push_back(std::move(cells));
    }
    return table;
}

}  // namespace podcast
