#include "podcast/settings.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "podcast/land.hpp"
#include "podcast/warehouse.hpp"

namespace podcast {
namespace {

// THE list. A new var is one line here (and its line in docs/data-contract.md "Settings").
const std::array<VarSpec, 10> vars = {{
    {"load_at", timestamp_kind,
     "this run's load time (UTC), shared by every row it loads; later than every load already in "
     "the warehouse (default: the run's start)"},
    {"now", timestamp_kind,
     "the \"now\" of timestamp_out_of_range (UTC; default: the run's start)"},
    {"as_of", date_kind,
     "the last day of q1's 7-day window (default: the date of the latest event)"},
    {"listen_event_types", event_types_kind,
     "the event types that count as listening to an episode in q3 (default "
     "[\"play\",\"complete\"])"},
    {"session_gap_minutes", positive_integer_kind,
     "minutes without an event after which a user's next event starts a new session (default 30)"},
    {"retention_days", positive_integer_kind,
     "days of events silver.cleansed_events and gold.fact_user_interactions keep: those on or "
     "after the date of \"now\" less this many days; older ones are archived (default: keep "
     "everything)"},
    {"archive_dir", directory_kind,
     "dev: the archive's directory, made absolute from the current directory (default: the "
     "warehouse's path with .archive appended)"},
    {"event_files", event_files_kind,
     "prod only: the event files to load (default: every complete file of the loading directory)"},
    {"snowflake_stage", stage_name_kind,
     "prod only: an external stage holding the event files, instead of PUTting them to the "
     "internal one"},
    {"snowflake_emulator", boolean_kind,
     "prod only: true when the target is the fakesnow emulator (the tests)"},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The digits of text[from, from + count) as a number, or -1 if any is not a digit.
int digits_at(std::string_view text, std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (i >= text.size() || !is_digit(text[i])) {
            return -1;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// The value as the one-line error shows it: control characters escaped, long values cut.
std::string shown(std::string_view text) {
    constexpr std::size_t longest = 80;
    std::string result;
    for (const char c : text.substr(0, longest)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '\n') {
            result += "\\n";
        } else if (byte == '\r') {
            result += "\\r";
        } else if (byte == '\t') {
            result += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            result += escaped;
        } else {
            result += c;
        }
    }
    if (text.size() > longest) {
        result += "...";
    }
    return "'" + result + "'";
}

// A var name as the error shows it: as typed when it is a plain word, else quoted and escaped.
std::string shown_name(std::string_view name) {
    const bool plain = std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
    });
    return plain ? std::string(name) : shown(name);
}

std::unexpected<Error> bad_value(const VarKind& kind, std::string_view text) {
    return fail("expected " + std::string(kind.description) + ", got " + shown(text),
                ExitCode::usage);
}

Result<nlohmann::json> parse_date(std::string_view text) {
    if (!is_calendar_date(text)) {
        return bad_value(date_kind, text);
    }
    return nlohmann::json(std::string(text));
}

Result<nlohmann::json> parse_timestamp(std::string_view text) {
    if (!is_timestamp(text)) {
        return bad_value(timestamp_kind, text);
    }
    return nlohmann::json(std::string(text));
}

// A JSON list of strings, each accepted by `accept`; `empty_ok` for a list that may be empty.
template <class Accept>
Result<nlohmann::json> parse_string_list(const VarKind& kind, std::string_view text,
                                         Accept accept) {
    const auto list = nlohmann::json::parse(text, nullptr, false);
    if (list.is_discarded() || !list.is_array()) {
        return bad_value(kind, text);
    }
    std::set<std::string> seen;
    for (const auto& item : list) {
        if (!item.is_string() || !accept(item.get<std::string>()) ||
            !seen.insert(item.get<std::string>()).second) {
            return bad_value(kind, text);
        }
    }
    return list;
}

Result<nlohmann::json> parse_event_types(std::string_view text) {
    static const std::set<std::string> types = {"play", "pause", "seek", "complete"};
    auto list = parse_string_list(event_types_kind, text,
                                  [](const std::string& type) { return types.contains(type); });
    if (list && list->empty()) {
        return bad_value(event_types_kind, text);
    }
    return list;
}

Result<nlohmann::json> parse_event_files(std::string_view text) {
    return parse_string_list(event_files_kind, text, [](const std::string& name) {
        return is_complete_name(name) && is_safe_name(name);
    });
}

bool is_identifier(std::string_view part) {
    if (part.empty() || is_digit(part.front()) || part.front() == '$') {
        return false;
    }
    return std::ranges::all_of(part, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
               c == '$';
    });
}

Result<nlohmann::json> parse_stage_name(std::string_view text) {
    std::size_t parts = 0;
    std::size_t start = 0;
    while (true) {
        const auto dot = text.find('.', start);
        ++parts;
        if (!is_identifier(text.substr(start, dot == std::string_view::npos ? dot : dot - start)) ||
            parts > 3) {
            return bad_value(stage_name_kind, text);
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return nlohmann::json(std::string(text));
}

// Digits only, from 1 to 2147483647 (no sign, no leading zero).
Result<nlohmann::json> parse_positive_integer(std::string_view text) {
    if (text.empty() || text.size() > 10 || text.front() == '0' ||
        !std::ranges::all_of(text, is_digit) || std::stoll(std::string(text)) > 2147483647) {
        return bad_value(positive_integer_kind, text);
    }
    return nlohmann::json(std::stoll(std::string(text)));
}

// A path the archive can live at: not empty, no control character, and none of DuckDB's glob
// characters (its files are found with a glob below it).
Result<nlohmann::json> parse_directory(std::string_view text) {
    const bool refused = text.empty() || std::ranges::any_of(text, [](char c) {
                             const auto byte = static_cast<unsigned char>(c);
                             return byte < 0x20 || byte == 0x7f ||
                                    std::string_view("*?[]{}").find(c) != std::string_view::npos;
                         });
    if (refused) {
        return bad_value(directory_kind, text);
    }
    return nlohmann::json(std::string(text));
}

Result<nlohmann::json> parse_boolean(std::string_view text) {
    if (text == "true" || text == "false") {
        return nlohmann::json(text == "true");
    }
    return bad_value(boolean_kind, text);
}

std::string known_names() {
    std::vector<std::string> names;
    for (const auto& spec : vars) {
        names.emplace_back(spec.name);
    }
    std::ranges::sort(names);
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "" : ", ") + name;
    }
    return text;
}

}  // namespace

const VarKind date_kind{"a date YYYY-MM-DD", parse_date};
const VarKind timestamp_kind{"a timestamp YYYY-MM-DD HH:MM:SS", parse_timestamp};
const VarKind event_types_kind{
    "a non-empty JSON list of distinct event types from play, pause, seek, complete",
    parse_event_types};
const VarKind event_files_kind{
    "a JSON list of distinct event file names relative to the loading directory (A-Z a-z 0-9 . _ - "
    "/, ending in .json)",
    parse_event_files};
const VarKind stage_name_kind{
    "a stage name of one to three dot-separated identifiers (letters, digits, _ and $)",
    parse_stage_name};
const VarKind boolean_kind{"true or false", parse_boolean};
const VarKind positive_integer_kind{"a positive integer", parse_positive_integer};
const VarKind directory_kind{"a directory path without control or glob characters (* ? [ ] { })",
                             parse_directory};

std::span<const VarSpec> run_vars() { return vars; }

std::optional<std::chrono::year_month_day> calendar_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const int year = digits_at(text, 0, 4);
    const int month = digits_at(text, 5, 2);
    const int day = digits_at(text, 8, 2);
    if (year < 0 || month < 0 || day < 0) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

bool is_calendar_date(std::string_view text) { return calendar_date(text).has_value(); }

bool is_timestamp(std::string_view text) {
    if (text.size() < 19 || !is_calendar_date(text.substr(0, 10)) || text[10] != ' ' ||
        text[13] != ':' || text[16] != ':') {
        return false;
    }
    const int hour = digits_at(text, 11, 2);
    const int minute = digits_at(text, 14, 2);
    const int second = digits_at(text, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
        return false;
    }
    if (text.size() == 19) {
        return true;
    }
    const std::string_view fraction = text.substr(20);
    return text[19] == '.' && !fraction.empty() && fraction.size() <= 6 &&
           std::ranges::all_of(fraction, is_digit);
}

Result<nlohmann::json> parse_run_vars(const std::vector<std::string>& key_values) {
    nlohmann::json parsed = nlohmann::json::object();
    for (const auto& entry : key_values) {
        const auto equals = entry.find('=');
        if (equals == std::string::npos || equals == 0) {
            return fail("--var " + shown(entry) + ": expected KEY=VALUE", ExitCode::usage);
        }
        const std::string name = entry.substr(0, equals);
        const auto spec = std::ranges::find(vars, name, &VarSpec::name);
        if (spec == vars.end()) {
            return fail(
                "--var " + shown_name(name) + ": unknown var (known: " + known_names() + ")",
                ExitCode::usage);
        }
        auto value = spec->kind.parse(std::string_view(entry).substr(equals + 1));
        if (!value) {
            return fail("--var " + name + ": " + value.error().message, ExitCode::usage);
        }
        parsed[name] = std::move(*value);
    }
    return parsed;
}

std::string run_vars_help() {
    std::size_t width = 0;
    for (const auto& spec : vars) {
        width = std::max(width, spec.name.size());
    }
    std::string text;
    for (const auto& spec : vars) {
        text += "  " + std::string(spec.name) + std::string(width - spec.name.size() + 2, ' ') +
                std::string(spec.kind.description) + ": " + std::string(spec.doc) + "\n";
    }
    return text;
}

Result<void> check_load_at_is_new(const std::filesystem::path& warehouse,
                                  const std::string& load_at, LoadAtOrigin origin) {
    std::error_code error;
    if (!std::filesystem::exists(warehouse, error)) {
        return {};  // no warehouse, no load yet
    }
    auto reader = WarehouseReader::open(warehouse, LockMode::already_held);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    // The load record holds every load, one of only blank lines too; a warehouse older than the
    // record has raw_events only.
    auto tables = reader->query(
        "select table_name from information_schema.tables where table_schema = 'bronze' and "
        "table_name in ('loaded_files', 'raw_events') order by table_name");
    if (!tables) {
        return std::unexpected(tables.error());
    }
    if (tables->rows.empty()) {
        return {};  // no load yet
    }
    auto statement = reader->connection().prepare(
        "select cast(max(load_at) as varchar), max(load_at) >= cast(? as timestamp) from bronze." +
        tables->rows.front().front().value_or("raw_events"));
    if (!statement) {
        return std::unexpected(statement.error());
    }
    if (auto bound = statement->bind(1, load_at); !bound) {
        return std::unexpected(bound.error());
    }
    auto result = statement->execute();
    if (!result) {
        return std::unexpected(result.error());
    }
    const Table latest = result->to_table();
    if (latest.rows.empty() || latest.rows.front().at(1).value_or("false") != "true") {
        return {};
    }
    const std::string loaded = latest.rows.front().front().value_or("");
    if (origin == LoadAtOrigin::var) {
        return fail("--var load_at: '" + load_at +
                        "' is not later than the latest load in the warehouse (" + loaded +
                        "): the incremental models would never take this run's rows in",
                    ExitCode::usage);
    }
    return fail("this run's load_at " + load_at +
                    " (the clock) is not later than the latest load "
                    "in the warehouse (" +
                    loaded +
                    "): has the clock gone back? Pin a later one with "
                    "--var load_at",
                ExitCode::failure);
}

}  // namespace podcast
