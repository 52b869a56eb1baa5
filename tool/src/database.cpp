#include "podcast/database.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <type_traits>
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

std::string error_of(duckdb_result& result) { return duckdb_message(duckdb_result_error(&result)); }

struct ExtractedFree {
    void operator()(duckdb_extracted_statements extracted) const noexcept {
        duckdb_destroy_extracted(&extracted);
    }
};
using ExtractedStatements =
    std::unique_ptr<std::remove_pointer_t<duckdb_extracted_statements>, ExtractedFree>;

struct ChunkFree {
    void operator()(duckdb_data_chunk chunk) const noexcept { duckdb_destroy_data_chunk(&chunk); }
};
using DataChunk = std::unique_ptr<std::remove_pointer_t<duckdb_data_chunk>, ChunkFree>;

// A SQL string literal: quotes doubled (DuckDB reads no backslash escapes in '...').
std::string sql_literal(std::string_view text) {
    std::string literal = "'";
    for (char c : text) {
        literal += c;
        if (c == '\'') {
            literal += '\'';
        }
    }
    return literal + "'";
}

// For a refusal: what kind of statement the user gave.
std::string statement_name(duckdb_statement_type type) {
    switch (type) {
        case DUCKDB_STATEMENT_TYPE_INSERT:
            return "an INSERT";
        case DUCKDB_STATEMENT_TYPE_UPDATE:
            return "an UPDATE";
        case DUCKDB_STATEMENT_TYPE_DELETE:
            return "a DELETE";
        case DUCKDB_STATEMENT_TYPE_CREATE:
        case DUCKDB_STATEMENT_TYPE_CREATE_FUNC:
            return "a CREATE";
        case DUCKDB_STATEMENT_TYPE_ALTER:
            return "an ALTER";
        case DUCKDB_STATEMENT_TYPE_DROP:
            return "a DROP";
        case DUCKDB_STATEMENT_TYPE_COPY:
            return "a COPY";
        case DUCKDB_STATEMENT_TYPE_EXPORT:
            return "an EXPORT";
        case DUCKDB_STATEMENT_TYPE_ATTACH:
            return "an ATTACH";
        case DUCKDB_STATEMENT_TYPE_DETACH:
            return "a DETACH";
        case DUCKDB_STATEMENT_TYPE_SET:
        case DUCKDB_STATEMENT_TYPE_VARIABLE_SET:
            return "a SET";
        case DUCKDB_STATEMENT_TYPE_PRAGMA:
            return "a PRAGMA";
        case DUCKDB_STATEMENT_TYPE_LOAD:
            return "an INSTALL or LOAD";
        case DUCKDB_STATEMENT_TYPE_TRANSACTION:
            return "a transaction";
        case DUCKDB_STATEMENT_TYPE_CALL:
            return "a CALL";
        default:
            return "a non-SELECT";
    }
}

Error not_a_read(const std::string& what) {
    return Error{
        "only one read-only SELECT (or EXPLAIN of one) is allowed; this is " + what + " statement",
        ExitCode::refused};
}

// The statement an EXPLAIN [ANALYZE] explains (EXPLAIN ANALYZE runs it, so it is checked too).
std::optional<std::string> explained_statement(const std::string& sql) {
    static const std::regex explain(R"(^\s*explain(\s+analyze)?\s+)", std::regex::icase);
    std::smatch match;
    if (!std::regex_search(sql, match, explain)) {
        return std::nullopt;
    }
    return match.suffix().str();
}

}  // namespace

std::string duckdb_message(const char* message) {
    if (message == nullptr) {
        return "unknown DuckDB error";
    }
    std::string text(message);
    text = text.substr(0, text.find('\n'));
    for (const char* hint :
         {" HINT:", " LINE 1:", " Try setting", " Possible solutions:", " See also"}) {
        if (const auto at = text.find(hint); at != std::string::npos) {
            text.erase(at);
        }
    }
    text.erase(text.find_last_not_of(" \t\r") + 1);
    return text;
}

namespace {}  // namespace

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
        return fail(message != nullptr ? duckdb_message(message) : "could not prepare: " + sql);
    }
    return statement;
}

Result<PreparedStatement> Connection::prepare_single(const std::string& sql) {
    duckdb_extracted_statements raw = nullptr;
    const idx_t count = duckdb_extract_statements(handle_, sql.c_str(), &raw);
    ExtractedStatements extracted(raw);
    if (count == 0) {
        const char* message = duckdb_extract_statements_error(raw);
        if (message != nullptr && *message != '\0') {
            return fail(duckdb_message(message));
        }
        return fail("no SQL statement given", ExitCode::refused);
    }
    if (count > 1) {
        return fail("only one statement is allowed; found " + std::to_string(count),
                    ExitCode::refused);
    }
    duckdb_prepared_statement prepared = nullptr;
    const duckdb_state state = duckdb_prepare_extracted_statement(handle_, raw, 0, &prepared);
    PreparedStatement statement(prepared);
    if (state == DuckDBError) {
        return fail(duckdb_message(duckdb_prepare_error(prepared)));
    }
    return statement;
}

Result<Table> Connection::read(const std::string& sql, CellForm form) {
    auto statement = prepare_single(sql);
    if (!statement) {
        return std::unexpected(statement.error());
    }
    Table table;
    for (std::size_t column = 0; column < statement->column_count(); ++column) {
        table.columns.push_back(
            Column{statement->column_name(column),
                   form == CellForm::json ? ColumnKind::json : statement->column_kind(column)});
    }
    const duckdb_statement_type type = statement->statement_type();
    if (type == DUCKDB_STATEMENT_TYPE_EXPLAIN) {
        // EXPLAIN returns text columns itself; what it explains must be a read as well.
        const auto explained = explained_statement(sql);
        if (!explained) {
            return std::unexpected(not_a_read("an EXPLAIN of a non-SELECT"));
        }
        auto inner = prepare_single(*explained);
        if (!inner) {
            return std::unexpected(inner.error());
        }
        if (inner->statement_type() != DUCKDB_STATEMENT_TYPE_SELECT) {
            return std::unexpected(
                not_a_read("an EXPLAIN of " + statement_name(inner->statement_type())));
        }
        for (auto& column : table.columns) {
            column.kind = ColumnKind::text;
        }
        auto result = statement->execute();
        if (!result) {
            return std::unexpected(result.error());
        }
        auto rows = result->varchar_rows();
        if (!rows) {
            return std::unexpected(rows.error());
        }
        table.rows = std::move(*rows);
        return table;
    }
    if (type != DUCKDB_STATEMENT_TYPE_SELECT) {
        return std::unexpected(not_a_read(statement_name(type)));
    }
    // DuckDB's query() table function runs the text again, itself accepting only one SELECT;
    // positional references convert each column whatever its name.
    std::string wrapped = "select ";
    for (std::size_t column = 1; column <= table.columns.size(); ++column) {
        if (column > 1) {
            wrapped += ", ";
        }
        wrapped += form == CellForm::json ? "cast(to_json(#" : "cast((#";
        wrapped += std::to_string(column);
        wrapped += ") as varchar)";
    }
    wrapped += " from query(" + sql_literal(sql) + ")";
    auto result = query(wrapped);
    if (!result) {
        return std::unexpected(result.error());
    }
    auto rows = result->varchar_rows();
    if (!rows) {
        return std::unexpected(rows.error());
    }
    table.rows = std::move(*rows);
    return table;
}

Result<void> Connection::restrict_access(
    const std::vector<std::filesystem::path>& readable_directories) {
    std::vector<std::string> statements;
    if (!readable_directories.empty()) {
        std::string list;
        for (const auto& directory : readable_directories) {
            list += (list.empty() ? "" : ", ") + sql_literal(directory.string());
        }
        statements.push_back("set allowed_directories = [" + list + "]");
    }
    statements.push_back("set enable_external_access = false");
    statements.push_back("set lock_configuration = true");
    for (const auto& statement : statements) {
        if (auto done = query(statement); !done) {
            return fail("could not restrict the database's access: " + done.error().message);
        }
    }
    return {};
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

duckdb_statement_type PreparedStatement::statement_type() const {
    return duckdb_prepared_statement_type(handle_);
}

std::size_t PreparedStatement::column_count() const {
    return duckdb_prepared_statement_column_count(handle_);
}

std::string PreparedStatement::column_name(std::size_t column) const {
    const char* name = duckdb_prepared_statement_column_name(handle_, column);
    std::string text = name != nullptr ? name : std::string{};
    duckdb_free(const_cast<char*>(name));
    return text;
}

ColumnKind PreparedStatement::column_kind(std::size_t column) const {
    return kind_of(duckdb_prepared_statement_column_type(handle_, column));
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

Result<std::vector<std::vector<Cell>>> QueryResult::varchar_rows() {
    const std::size_t columns = column_count();
    for (std::size_t column = 0; column < columns; ++column) {
        if (duckdb_column_type(&result_, column) != DUCKDB_TYPE_VARCHAR) {
            return fail("column " + column_name(column) + " is not text");
        }
    }
    std::vector<std::vector<Cell>> rows;
    for (DataChunk chunk(duckdb_fetch_chunk(result_)); chunk;
         chunk.reset(duckdb_fetch_chunk(result_))) {
        const idx_t size = duckdb_data_chunk_get_size(chunk.get());
        const std::size_t first = rows.size();
        rows.resize(first + size, std::vector<Cell>(columns));
        for (std::size_t column = 0; column < columns; ++column) {
            duckdb_vector vector = duckdb_data_chunk_get_vector(chunk.get(), column);
            auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
            std::uint64_t* validity = duckdb_vector_get_validity(vector);
            for (idx_t row = 0; row < size; ++row) {
                if (validity == nullptr || duckdb_validity_row_is_valid(validity, row)) {
                    rows[first + row][column] = std::string(duckdb_string_t_data(&strings[row]),
                                                            duckdb_string_t_length(strings[row]));
                }
            }
        }
    }
    return rows;
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
