#include "podcast/report.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

#include "podcast/report_html.hpp"
#include "podcast/warehouse.hpp"

namespace podcast {
namespace {

struct SectionQuery {
    std::string key;
    std::string title;
    std::string sql;
    std::vector<std::string> percent_columns;  // ratios shown as percentages in text tables
};

// Each section is a dbt view of the warehouse (gold/analysis, gold/monitoring), selected by name;
// the aliases keep the report's column names.
std::vector<SectionQuery> section_queries(const std::string& window) {
    return {
        {"q1_top_completed_episodes",
         "Top 10 completed episodes, " + window,
         "select rank, episode_id, podcast_id, title, completions "
         "from gold.q1_top_completed_episodes order by rank",
         {}},
        {"q2_listen_through_by_country",
         "Average listen-through rate by country",
         "select country, avg_listen_through_rate, completions "
         "from gold.q2_listen_through_by_country order by country",
         {"avg_listen_through_rate"}},
        {"q3_multi_episode_listeners",
         "Users who listened to 3 or more different episodes in one day",
         "select users from gold.q3_multi_episode_listeners",
         {}},
        {"q4_average_session_duration_per_user",
         "Average session duration per user (over all users; per user: "
         "gold.q4_average_session_duration_per_user)",
         "select users, sessions, mean_seconds, median_seconds, mean_listened_seconds "
         "from gold.q4_average_session_duration_overall",
         {}},
        {"session_duration_distribution",
         "Sessions by duration",
         "select bucket, sessions from gold.session_duration_distribution order by band",
         {}},
        {"daily_activity",
         "Daily activity (UTC days; invalid share of the lines dated that day)",
         "select day, events, active_users, completions, invalid_share "
         "from gold.daily_activity order by day",
         {"invalid_share"}},
        {"invalid_rows_per_code",
         "Data quality: invalid rows per validation code",
         "select code, row_count as rows from gold.invalid_rows_per_code "
         "order by row_count desc, code",
         {}},
        {"invalid_share_per_file",
         "Data quality: share of invalid rows per file",
         "select filename, row_count as rows, invalid_rows as invalid, invalid_share as share "
         "from gold.invalid_share_per_file order by filename",
         {"share"}},
    };
}

std::string utc_now_text() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    return text;
}

Result<ReportContext> read_context(WarehouseReader& reader, const ReportOptions& options) {
    ReportContext context;
    context.generated_at = utc_now_text();
    context.as_of_source =
        options.as_of ? "--as-of" : "the dbt var as_of, else the latest event's date";
    auto window = reader.query(
        "select cast(as_of_date as varchar), cast(window_start_date as varchar), "
        "cast(first_event_at as varchar), cast(last_event_at as varchar) from gold.analysis_as_of");
    if (!window) {
        return fail("report: gold.analysis_as_of: " + window.error().message);
    }
    if (!window->rows.empty() && window->rows.front().size() == 4) {
        const auto& row = window->rows.front();
        context.as_of = row[0];
        context.window_start = row[1];
        context.first_event = row[2];
        context.last_event = row[3];
    }
    // The window the fact keeps and its archived rows: dbt's gold.retention_window and
    // gold.archived_months.
    auto windows = reader.query(
        "select retention_days, cast(window_start as varchar), archive_location "
        "from gold.retention_window where table_name = 'gold.fact_user_interactions'");
    if (!windows) {
        return fail("report: gold.retention_window: " + windows.error().message);
    }
    if (!windows->rows.empty()) {
        const auto& row = windows->rows.front();
        context.retention_days = row.at(0);
        context.retention_window_start = row.at(1);
        context.archive = row.at(2);
    }
    auto archived = reader.query(
        "select coalesce(sum(row_count), 0) from gold.archived_months "
        "where table_name = 'gold.fact_user_interactions'");
    if (!archived) {
        return fail("report: gold.archived_months: " + archived.error().message);
    }
    context.archived_events = archived->rows.front().front().value_or("0");
    return context;
}

// 0.9712 as "97.1%"; text that is not a number stays as it is.
Cell as_percentage(const Cell& cell) {
    if (!cell) {
        return cell;
    }
    double value = 0;
    const char* last = cell->data() + cell->size();
    if (auto [end, ec] = std::from_chars(cell->data(), last, value);
        ec != std::errc{} || end != last) {
        return cell;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", value * 100);
    return std::string(text);
}

Table with_percentages(Table table, const std::vector<std::string>& percent_columns) {
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        if (std::ranges::find(percent_columns, table.columns[i].name) == percent_columns.end()) {
            continue;
        }
        table.columns[i].kind = ColumnKind::real;
        for (auto& row : table.rows) {
            if (i < row.size()) {
                row[i] = as_percentage(row[i]);
            }
        }
    }
    return table;
}

std::string sections_list() {
    std::string list;
    for (const auto& key : report_section_keys()) {
        list += (list.empty() ? "" : ", ") + key;
    }
    return list;
}

std::string text_or(const std::optional<std::string>& text, std::string_view otherwise) {
    return text ? *text : std::string(otherwise);
}

void print_text_header(const ReportContext& context, std::ostream& out) {
    out << "Podcast report, made " << context.generated_at << " UTC\n";
    if (context.first_event) {
        out << "Events from " << *context.first_event << " to " << text_or(context.last_event, "")
            << " UTC\n";
    } else {
        out << "No events yet\n";
    }
    out << "As of " << text_or(context.as_of, "(none)") << " (" << context.as_of_source
        << "); 7-day window " << text_or(context.window_start, "(none)") << " to "
        << text_or(context.as_of, "(none)") << "\n"
        << retention_sentence(context) << "\n\n";
}

nlohmann::ordered_json json_or_null(const std::optional<std::string>& text) {
    return text ? nlohmann::ordered_json(*text) : nlohmann::ordered_json();
}

}  // namespace

std::string retention_sentence(const ReportContext& context) {
    const std::string archived =
        context.archived_events == "0"
            ? std::string()
            : "; older events are in the archive" +
                  (context.archive ? " " + *context.archive : std::string()) + ": " +
                  context.archived_events +
                  (context.archived_events == "1" ? " event" : " events") +
                  " (podcast query: fact_user_interactions_archive)";
    if (!context.retention_days) {
        return "Analysis window: every event in the warehouse (no retention window)" + archived;
    }
    return "Analysis window: the " + *context.retention_days +
           " days the warehouse keeps, events from " +
           context.retention_window_start.value_or("(none)") + " on" +
           (archived.empty() ? "; nothing archived yet" : archived);
}

Result<ReportFormat> parse_report_format(std::string_view name) {
    if (name == "html") {
        return ReportFormat::html;
    }
    auto format = parse_output_format(name);
    if (!format) {
        return fail(
            "unknown report format '" + std::string(name) + "': use table, json, csv or html",
            ExitCode::usage);
    }
    switch (*format) {
        case OutputFormat::json:
            return ReportFormat::json;
        case OutputFormat::csv:
            return ReportFormat::csv;
        case OutputFormat::table:
            break;
    }
    return ReportFormat::table;
}

std::vector<std::string> report_section_keys() {
    std::vector<std::string> keys;
    for (const auto& query : section_queries("")) {
        keys.push_back(query.key);
    }
    return keys;
}

Result<void> report(const ReportOptions& options, std::ostream& out) {
    const auto keys = report_section_keys();
    if (options.section && std::ranges::find(keys, *options.section) == keys.end()) {
        return fail(
            "--section: unknown section '" + *options.section + "': use one of " + sections_list(),
            ExitCode::usage);
    }
    if (options.format == ReportFormat::csv && !options.section) {
        return fail(
            "--format csv writes one table: choose it with --section (" + sections_list() + ")",
            ExitCode::usage);
    }
    auto reader = WarehouseReader::open(options.warehouse, LockMode::take_shared);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    if (options.as_of) {
        // The CLI accepts only YYYY-MM-DD, so the date is safe to splice; DuckDB checks it exists.
        if (auto set =
                reader->execute("set variable podcast_as_of = date '" + *options.as_of + "'");
            !set) {
            return fail("--as-of " + *options.as_of + ": " + set.error().message, ExitCode::usage);
        }
    }
    auto context = read_context(*reader, options);
    if (!context) {
        return std::unexpected(context.error());
    }
    const std::string window =
        context->as_of ? "the 7 days " + *context->window_start + " to " + *context->as_of
                       : "the 7 days ending on the latest event's date";
    std::vector<ReportSection> sections;
    std::vector<std::vector<std::string>> percent_columns;
    for (auto& query : section_queries(window)) {
        if (options.section && *options.section != query.key) {
            continue;
        }
        auto table = reader->query(query.sql);
        if (!table) {
            return fail("report: " + query.key + ": " + table.error().message);
        }
        sections.push_back({std::move(query.key), std::move(query.title), std::move(*table)});
        percent_columns.push_back(std::move(query.percent_columns));
    }

    switch (options.format) {
        case ReportFormat::html:
            write_html_report(*context, sections, out);
            return {};
        case ReportFormat::csv:
            print_csv(sections.front().table, out);
            return {};
        case ReportFormat::json: {
            nlohmann::ordered_json document = nlohmann::ordered_json::object();
            document["as_of"] = json_or_null(context->as_of);
            document["as_of_source"] = context->as_of_source;
            document["window"] = {{"from", json_or_null(context->window_start)},
                                  {"to", json_or_null(context->as_of)}};
            document["events"] = {{"first", json_or_null(context->first_event)},
                                  {"last", json_or_null(context->last_event)}};
            document["generated_at"] = context->generated_at;
            document["retention"] = {
                {"retention_days", context->retention_days ? nlohmann::ordered_json(std::stoll(
                                                                 *context->retention_days))
                                                           : nlohmann::ordered_json()},
                {"window_start", json_or_null(context->retention_window_start)},
                {"archive", json_or_null(context->archive)},
                {"archived_events", std::stoll(context->archived_events)},
                {"summary", retention_sentence(*context)}};
            for (const auto& section : sections) {
                document[section.key] = to_json(section.table);
            }
            out << document.dump(2) << '\n';
            return {};
        }
        case ReportFormat::table:
            break;
    }
    print_text_header(*context, out);
    for (std::size_t i = 0; i < sections.size(); ++i) {
        out << (i > 0 ? "\n" : "") << sections[i].title << '\n';
        print_text_table(with_percentages(sections[i].table, percent_columns[i]), out);
    }
    return {};
}

}  // namespace podcast
