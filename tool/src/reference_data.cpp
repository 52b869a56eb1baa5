#include "podcast/reference_data.hpp"

#include <csv.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <system_error>

#include "podcast/settings.hpp"

namespace podcast {
namespace {

const std::array<ReferenceFile, 2> files = {{
    {"users.csv",
     {{"user_id", ValueKind::id}, {"signup_date", ValueKind::date}, {"country", ValueKind::text}}},
    {"episodes.csv",
     {{"episode_id", ValueKind::id},
      {"podcast_id", ValueKind::id},
      {"title", ValueKind::text},
      {"release_date", ValueKind::date},
      {"duration_seconds", ValueKind::positive_integer}}},
}};

constexpr std::string_view whitespace = " \t\r\n";
constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

// One record as libcsv hands it over, with the physical line it starts on (1-based).
struct Record {
    std::size_t line = 0;
    std::vector<std::string> fields;
};

// libcsv's callbacks fill this. Line numbers are physical: a record ends at CR, LF or CRLF
// (CSV_REPALL_NL reports each of them, so blank lines are counted too), and a quoted value's own
// line breaks move the line on.
struct Collector {
    std::vector<Record> records;
    std::vector<std::string> fields;
    std::size_t line = 1;
    std::size_t record_line = 1;
    bool after_cr = false;

    static void end_of_field(void* data, std::size_t size, void* self) {
        auto& collector = *static_cast<Collector*>(self);
        if (collector.fields.empty()) {
            collector.record_line = collector.line;
        }
        const std::string_view value(static_cast<const char*>(data), size);
        collector.fields.emplace_back(value);
        collector.line += static_cast<std::size_t>(std::ranges::count(value, '\n'));
        collector.after_cr = false;
    }

    static void end_of_record(int terminator, void* self) {
        auto& collector = *static_cast<Collector*>(self);
        if (!collector.fields.empty()) {
            collector.records.push_back(
                Record{collector.record_line, std::exchange(collector.fields, {})});
        }
        if (terminator == CSV_CR) {
            ++collector.line;
            collector.after_cr = true;
        } else if (terminator == CSV_LF) {
            collector.line += collector.after_cr ? 0 : 1;
            collector.after_cr = false;
        }
    }
};

// No character is a "space": libcsv would otherwise trim spaces and tabs around unquoted values,
// and " 40" must be refused, not read as 40.
int no_space(unsigned char) { return 0; }

// RAII owner of a libcsv parser.
class CsvParser {
public:
    CsvParser() {
        if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
            throw std::bad_alloc();
        }
        csv_set_space_func(&parser_, no_space);
    }
    CsvParser(const CsvParser&) = delete;
    CsvParser& operator=(const CsvParser&) = delete;
    ~CsvParser() { csv_free(&parser_); }

    // The records of `content`, or the byte offset at which it stops being CSV.
    std::expected<std::vector<Record>, std::size_t> parse(std::string_view content) {
        Collector collector;
        const std::size_t parsed =
            csv_parse(&parser_, content.data(), content.size(), Collector::end_of_field,
                      Collector::end_of_record, &collector);
        if (parsed != content.size()) {
            return std::unexpected(parsed);
        }
        if (csv_fini(&parser_, Collector::end_of_field, Collector::end_of_record, &collector) !=
                0 ||
            csv_error(&parser_) != CSV_SUCCESS) {
            return std::unexpected(content.size());
        }
        return std::move(collector.records);
    }

private:
    csv_parser parser_{};
};

// The value as an error shows it: control characters escaped, long values cut.
std::string shown(std::string_view value) {
    constexpr std::size_t longest = 60;
    std::string text;
    for (const char c : value.substr(0, longest)) {
        if (c == '\n') {
            text += "\\n";
        } else if (c == '\r') {
            text += "\\r";
        } else if (c == '\t') {
            text += "\\t";
        } else {
            text += c;
        }
    }
    return "'" + text + (value.size() > longest ? "...'" : "'");
}

bool is_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        char32_t code = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            code = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            code = lead & 0x0F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            code = lead & 0x07;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6) | (next & 0x3F);
        }
        const char32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

std::string trimmed_lower(std::string_view value) {
    const auto first = value.find_first_not_of(whitespace);
    if (first == std::string_view::npos) {
        return {};
    }
    std::string text(value.substr(first, value.find_last_not_of(whitespace) - first + 1));
    std::ranges::transform(text, text.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return text;
}

// What is wrong with a value of this kind (empty when nothing), and its normalised form.
std::string problem_with(std::string_view value, ValueKind kind, std::string& normalised) {
    normalised = value;
    const std::string folded = trimmed_lower(value);
    if (folded.empty()) {
        return value.empty() ? "empty value" : "blank value " + shown(value);
    }
    if (!is_utf8(value)) {
        return "not valid UTF-8";
    }
    if (folded == "null") {
        return "value " + shown(value) + " would load as NULL (dbt's seed reader)";
    }
    switch (kind) {
        case ValueKind::id:
            if (value.find_first_of(whitespace) == 0 ||
                value.find_last_of(whitespace) == value.size() - 1) {
                return "an id must not start or end with whitespace, got " + shown(value);
            }
            return {};
        case ValueKind::text:
            return {};
        case ValueKind::date:
            if (!is_calendar_date(value)) {
                return "expected a date YYYY-MM-DD, got " + shown(value);
            }
            return {};
        case ValueKind::positive_integer: {
            std::int64_t number = 0;
            const bool digits = value.size() <= 18 && std::ranges::all_of(value, [](char c) {
                                    return c >= '0' && c <= '9';
                                });
            if (digits) {
                std::from_chars(value.data(), value.data() + value.size(), number);
            }
            if (!digits || number < 1 || number > 2147483647) {
                return "expected a positive integer of digits, 1 to 2147483647, got " +
                       shown(value);
            }
            normalised = std::to_string(number);
            return {};
        }
    }
    return {};
}

}  // namespace

std::span<const ReferenceFile> reference_files() { return files; }

Result<ReferenceRows> parse_reference_csv(std::string_view content, const ReferenceFile& file,
                                          const std::string& shown_path) {
    const std::string where = "reference file " + shown_path;
    auto refused = [&](const std::string& message) {
        return fail(where + ", " + message, ExitCode::refused);
    };
    if (content.starts_with(byte_order_mark)) {
        content.remove_prefix(byte_order_mark.size());
    }
    CsvParser parser;
    auto records = parser.parse(content);
    if (!records) {
        const auto line =
            1 + std::count(content.begin(),
                           content.begin() + static_cast<std::ptrdiff_t>(records.error()), '\n');
        return refused("line " + std::to_string(line) +
                       ": not CSV (a quote inside an unquoted value, text after a closing quote, "
                       "or a quoted value never closed)");
    }
    if (records->empty()) {
        return fail(where + ": empty, expected a header line with " +
                        std::string(file.columns.front().name) + ", ...",
                    ExitCode::refused);
    }

    const Record& header = records->front();
    std::vector<std::size_t> positions;
    for (const auto& column : file.columns) {
        const auto found = std::ranges::find(header.fields, column.name);
        if (found == header.fields.end()) {
            std::string names;
            for (const auto& name : header.fields) {
                names += (names.empty() ? "" : ", ") + shown(name);
            }
            return refused("line " + std::to_string(header.line) + ": missing column " +
                           std::string(column.name) + " (the header has " + names.substr(0, 300) +
                           ")");
        }
        if (std::find(std::next(found), header.fields.end(), column.name) != header.fields.end()) {
            return refused("line " + std::to_string(header.line) + ": column " +
                           std::string(column.name) + " appears twice in the header");
        }
        positions.push_back(static_cast<std::size_t>(found - header.fields.begin()));
    }

    ReferenceRows checked;
    std::map<std::string, std::size_t> key_lines;
    for (auto record = std::next(records->begin()); record != records->end(); ++record) {
        const std::string line = "line " + std::to_string(record->line);
        if (record->fields.size() != header.fields.size()) {
            return refused(line + ": " + std::to_string(record->fields.size()) +
                           " values, the header has " + std::to_string(header.fields.size()) +
                           " columns");
        }
        std::vector<std::string> row;
        for (std::size_t c = 0; c < file.columns.size(); ++c) {
            const auto& column = file.columns[c];
            std::string normalised;
            const std::string problem =
                problem_with(record->fields[positions[c]], column.kind, normalised);
            if (!problem.empty()) {
                return refused(line + ", column " + std::string(column.name) + ": " + problem);
            }
            row.push_back(std::move(normalised));
        }
        const auto [first, inserted] = key_lines.emplace(row.front(), record->line);
        if (!inserted) {
            return refused(line + ", column " + std::string(file.columns.front().name) +
                           ": duplicate key " + shown(row.front()) + " (first on line " +
                           std::to_string(first->second) + ")");
        }
        checked.rows.push_back(std::move(row));
    }
    return checked;
}

Result<ReferenceRows> read_reference_file(const std::filesystem::path& path,
                                          const ReferenceFile& file) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail("reference file " + path.string() + " could not be read", ExitCode::not_found);
    }
    const std::string content{std::istreambuf_iterator<char>(in), {}};
    if (in.bad()) {
        return fail("reference file " + path.string() + " could not be read", ExitCode::not_found);
    }
    return parse_reference_csv(content, file, path.string());
}

std::string normalised_csv(const ReferenceFile& file, const ReferenceRows& rows) {
    std::string text;
    for (const auto& column : file.columns) {
        text += (text.empty() ? "" : ",") + std::string(column.name);
    }
    text += "\r\n";
    std::string quoted;
    for (const auto& row : rows.rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            quoted.resize(csv_write(nullptr, 0, row[c].data(), row[c].size()));
            csv_write(quoted.data(), quoted.size(), row[c].data(), row[c].size());
            text += (c == 0 ? "" : ",") + quoted;
        }
        text += "\r\n";
    }
    return text;
}

Result<void> write_reference_file(const std::filesystem::path& path, const ReferenceFile& file,
                                  const ReferenceRows& rows) {
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << normalised_csv(file, rows);
        if (!out.flush()) {
            return fail("could not write " + temporary.string());
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        return fail("could not write " + path.string() + ": " + error.message());
    }
    return {};
}

}  // namespace podcast
