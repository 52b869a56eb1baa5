#include "podcast/table.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

namespace podcast {
namespace {

constexpr std::string_view null_text = "NULL";

nlohmann::ordered_json cell_to_json(const Cell& cell, ColumnKind kind) {
    if (!cell) {
        return nullptr;
    }
    const std::string& text = *cell;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    switch (kind) {
        case ColumnKind::integer: {
            std::int64_t value = 0;
            if (auto [end, ec] = std::from_chars(first, last, value);
                ec == std::errc{} && end == last) {
                return value;
            }
            double wide = 0;  // HUGEINT and friends beyond 64 bits
            if (auto [end, ec] = std::from_chars(first, last, wide);
                ec == std::errc{} && end == last) {
                return wide;
            }
            return text;
        }
        case ColumnKind::real: {
            double value = 0;
            if (auto [end, ec] = std::from_chars(first, last, value);
                ec == std::errc{} && end == last) {
                return value;
            }
            return text;  // inf, nan
        }
        case ColumnKind::boolean:
            if (text == "true" || text == "false") {
                return text == "true";
            }
            return text;
        case ColumnKind::json: {
            auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
            if (!parsed.is_discarded()) {
                return parsed;
            }
            return text;  // DuckDB writes NaN and Infinity, which JSON has not
        }
        case ColumnKind::text:
            break;
    }
    return text;
}

// Invalid UTF-8 (rare: DuckDB's VARCHAR is UTF-8) is replaced rather than thrown on.
std::string dumped(const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool is_integer_text(const std::string& text) {
    const std::size_t digits = text.starts_with('-') ? 1 : 0;
    return text.size() > digits &&
           text.find_first_not_of("0123456789", digits) == std::string::npos;
}

// One cell as JSON text, exactly: json cells as DuckDB wrote them (when valid JSON), integers
// with every digit.
std::string cell_json_text(const Cell& cell, ColumnKind kind) {
    if (!cell) {
        return "null";
    }
    if (kind == ColumnKind::json && nlohmann::ordered_json::accept(*cell)) {
        return *cell;
    }
    if (kind == ColumnKind::integer && is_integer_text(*cell)) {
        return *cell;
    }
    return dumped(cell_to_json(cell, kind));
}

void print_json(const Table& table, std::ostream& out) {
    out << '[';
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        out << (r > 0 ? ",{" : "{");
        for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
            out << (i > 0 ? "," : "") << dumped(table.columns[i].name) << ':'
                << cell_json_text(row[i], table.columns[i].kind);
        }
        out << '}';
    }
    out << "]\n";
}

// Code points that take two columns: East Asian wide and fullwidth ranges, and emoji.
bool is_wide(char32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
           (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

bool is_combining(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
           (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B || c == 0x200D;
}

bool is_numeric(ColumnKind kind) { return kind == ColumnKind::integer || kind == ColumnKind::real; }

std::string csv_field(const Cell& cell) {
    if (!cell) {
        return {};
    }
    if (!cell->empty() && cell->find_first_of(",\"\r\n") == std::string::npos) {
        return *cell;
    }
    std::string quoted = "\"";
    for (char c : *cell) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

}  // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80         ? 1
                                   : lead >> 5 == 0x6  ? 2
                                   : lead >> 4 == 0xE  ? 3
                                   : lead >> 3 == 0x1E ? 4
                                                       : 1;
        if (length == 1 || i + length > text.size()) {
            ++width;  // ASCII, or a stray byte shown as one replacement character
            ++i;
            continue;
        }
        char32_t code = lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        }
        width += is_combining(code) ? 0 : is_wide(code) ? 2 : 1;
        i += length;
    }
    return width;
}

Result<OutputFormat> parse_output_format(std::string_view name) {
    if (name == "table") {
        return OutputFormat::table;
    }
    if (name == "json") {
        return OutputFormat::json;
    }
    if (name == "csv") {
        return OutputFormat::csv;
    }
    return fail("unknown output format '" + std::string(name) + "': use table, json or csv",
                ExitCode::usage);
}

nlohmann::ordered_json to_json(const Table& table) {
    auto rows = nlohmann::ordered_json::array();
    for (const auto& row : table.rows) {
        auto object = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
            object[table.columns[i].name] = cell_to_json(row[i], table.columns[i].kind);
        }
        rows.push_back(std::move(object));
    }
    return rows;
}

void print_text_table(const Table& table, std::ostream& out) {
    std::vector<std::size_t> widths;
    widths.reserve(table.columns.size());
    for (const auto& column : table.columns) {
        widths.push_back(display_width(column.name));
    }
    for (const auto& row : table.rows) {
        for (std::size_t i = 0; i < widths.size() && i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i] ? display_width(*row[i]) : null_text.size());
        }
    }
    auto print_line = [&](auto&& text_of) {
        std::string line;
        for (std::size_t i = 0; i < widths.size(); ++i) {
            const std::string text = text_of(i);
            const std::size_t width = display_width(text);
            const std::string padding(widths[i] - std::min(widths[i], width), ' ');
            if (i > 0) {
                line += "  ";
            }
            line += is_numeric(table.columns[i].kind) ? padding + text : text + padding;
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out << line << '\n';
    };
    print_line([&](std::size_t i) { return table.columns[i].name; });
    print_line([&](std::size_t i) { return std::string(widths[i], '-'); });
    for (const auto& row : table.rows) {
        print_line([&](std::size_t i) {
            return i < row.size() && row[i] ? *row[i] : std::string(null_text);
        });
    }
}

void print_csv(const Table& table, std::ostream& out) {
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        out << (i > 0 ? "," : "") << csv_field(table.columns[i].name);
    }
    out << '\n';
    for (const auto& row : table.rows) {
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            out << (i > 0 ? "," : "") << (i < row.size() ? csv_field(row[i]) : std::string{});
        }
        out << '\n';
    }
}

void print_table(const Table& table, OutputFormat format, std::ostream& out) {
    switch (format) {
        case OutputFormat::table:
            print_text_table(table, out);
            return;
        case OutputFormat::json:
            print_json(table, out);
            return;
        case OutputFormat::csv:
            print_csv(table, out);
            return;
    }
}

}  // namespace podcast
