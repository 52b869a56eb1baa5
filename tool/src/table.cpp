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
        case ColumnKind::text:
            break;
    }
    return text;
}

bool is_numeric(ColumnKind kind) { return kind == ColumnKind::integer || kind == ColumnKind::real; }

std::string csv_field(const Cell& cell) {
    if (!cell) {
        return {};
    }
    if (cell->find_first_of(",\"\r\n") == std::string::npos) {
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
        widths.push_back(column.name.size());
    }
    for (const auto& row : table.rows) {
        for (std::size_t i = 0; i < widths.size() && i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i] ? row[i]->size() : null_text.size());
        }
    }
    auto print_line = [&](auto&& text_of) {
        std::string line;
        for (std::size_t i = 0; i < widths.size(); ++i) {
            const std::string text = text_of(i);
            const std::string padding(widths[i] - std::min(widths[i], text.size()), ' ');
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
            out << to_json(table).dump() << '\n';
            return;
        case OutputFormat::csv:
            print_csv(table, out);
            return;
    }
}

}  // namespace podcast
