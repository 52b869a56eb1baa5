#pragma once
// A generic query result (column names, rows of optional strings) and the one printer that
// renders it as an aligned text table, JSON or CSV. report and query both print through it.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/result.hpp"

namespace podcast {

// How a column's values are written in JSON (text and table output are always the text form);
// json: each cell already is a JSON text (DuckDB's to_json), written as it is.
enum class ColumnKind { text, integer, real, boolean, json };

struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::text;
};

using Cell = std::optional<std::string>;  // nullopt is SQL NULL

struct Table {
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;
};

enum class OutputFormat { table, json, csv };

// "table", "json" or "csv".
Result<OutputFormat> parse_output_format(std::string_view name);

// The rows as an array of objects; numbers and booleans typed by the column's kind. (An integer
// beyond 64 bits becomes a double here; print_table writes it exactly.)
nlohmann::ordered_json to_json(const Table& table);

// An aligned text table: header, a rule, one line per row; numbers right-aligned, NULL as NULL.
// Widths are display widths of UTF-8 text (East Asian wide characters count 2).
void print_text_table(const Table& table, std::ostream& out);

// CSV with RFC 4180 quoting and LF line ends: a header line, then one line per row; NULL as an
// empty unquoted field, the empty string as "".
void print_csv(const Table& table, std::ostream& out);

// Columns of display width of UTF-8 text: code points, East Asian wide and fullwidth ones as 2,
// combining marks as 0.
std::size_t display_width(std::string_view text);

// One of the above by format; JSON is the array of to_json on one line, with json cells and
// integers written exactly as given (a HUGEINT keeps every digit).
void print_table(const Table& table, OutputFormat format, std::ostream& out);

}  // namespace podcast
