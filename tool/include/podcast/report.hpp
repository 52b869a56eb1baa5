#pragma once
// `podcast report`: the analysis answers, sessions, the daily trend and a data-quality summary,
// read-only, as text tables, JSON, one CSV section or a self-contained HTML page.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

enum class ReportFormat { table, json, csv, html };

// "table", "json", "csv" or "html".
Result<ReportFormat> parse_report_format(std::string_view name);

struct ReportOptions {
    std::filesystem::path warehouse;
    std::optional<std::string> as_of;  // YYYY-MM-DD, sets the podcast_as_of variable for q1
    ReportFormat format = ReportFormat::table;
    std::optional<std::string> section;  // one section's key; required for csv
};

// What the report is about: the resolved as-of date, its 7-day window, the data's time span
// (UTC timestamps as DuckDB prints them) and when the report was made. Unset without events.
struct ReportContext {
    std::optional<std::string> as_of;
    std::string as_of_source;  // "--as-of", "dbt var as_of or the latest event's date"
    std::optional<std::string> window_start;
    std::optional<std::string> first_event;
    std::optional<std::string> last_event;
    std::string generated_at;  // YYYY-MM-DD HH:MM:SS UTC
    // The retention window the fact keeps (gold.retention_window): unset retention_days when
    // every event is kept; archived_events counts the fact's archived rows (gold.archived_months).
    std::optional<std::string> retention_days;
    std::optional<std::string> retention_window_start;
    std::optional<std::string> archive;
    std::string archived_events = "0";
};

// What the report says of the window the analysis covers, in one sentence: every event, or the
// events from the window's start with the count of older ones in the archive.
std::string retention_sentence(const ReportContext& context);

struct ReportSection {
    std::string key;    // the JSON member, the --section name
    std::string title;  // the heading
    Table table;
};

// The section keys in report order (what --section accepts).
std::vector<std::string> report_section_keys();

Result<void> report(const ReportOptions& options, std::ostream& out);

}  // namespace podcast
