#include "podcast/report_html.hpp"

#include <string>
#include <string_view>

#include "podcast/chart_scripts.hpp"

namespace podcast {
namespace {

using nlohmann::ordered_json;

std::string escape_html(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            case '>':
                escaped += "&gt;";
                break;
            case '"':
                escaped += "&quot;";
                break;
            case '\'':
                escaped += "&#39;";
                break;
            default:
                escaped += c;
        }
    }
    return escaped;
}

// JSON inside a <script> element: "</" would end the element early, so it is written "<\/"
// (the same string to a JSON parser).
std::string script_json(const ordered_json& value) {
    std::string text = value.dump();
    for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) {
        text.replace(at, 2, "<\\/");
    }
    return text;
}

ordered_json axis_field(std::string field, std::string type, std::string title) {
    return {{"field", std::move(field)}, {"type", std::move(type)}, {"title", std::move(title)}};
}

// The plot's width in pixels, axes and labels aside: the page is at most 70rem wide. (A
// width of "container" makes Vega-Lite warn on charts of discrete height.)
constexpr int chart_width = 900;

ordered_json base_spec(const ReportSection& section, ordered_json mark, ordered_json encoding) {
    return {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
            {"width", chart_width},
            {"data", {{"values", to_json(section.table)}}},
            {"mark", std::move(mark)},
            {"encoding", std::move(encoding)}};
}

// The Vega-Lite spec drawing a section, or null for sections shown as figures or tables only.
ordered_json chart_for(const ReportSection& section) {
    const std::string& key = section.key;
    const ordered_json bar = {{"type", "bar"}, {"tooltip", true}};
    if (key == "q1_top_completed_episodes") {
        auto y = axis_field("title", "nominal", "Episode");
        y["sort"] = "-x";
        return base_spec(
            section, bar,
            {{"y", y},
             {"x", axis_field("completions", "quantitative", "Completions")},
             {"tooltip",
              ordered_json::array({axis_field("rank", "ordinal", "Rank"),
                                   axis_field("episode_id", "nominal", "Episode id"),
                                   axis_field("podcast_id", "nominal", "Podcast"),
                                   axis_field("completions", "quantitative", "Completions")})}});
    }
    if (key == "q2_listen_through_by_country") {
        auto y = axis_field("avg_listen_through_rate", "quantitative", "Average listen-through");
        y["axis"] = {{"format", ".0%"}};
        auto spec = base_spec(
            section, bar,
            {{"x", axis_field("country", "nominal", "Country")},
             {"y", y},
             {"tooltip",
              ordered_json::array({axis_field("country", "nominal", "Country"),
                                   {{"field", "avg_listen_through_rate"},
                                    {"type", "quantitative"},
                                    {"format", ".2%"},
                                    {"title", "Listen-through"}},
                                   axis_field("completions", "quantitative", "Completions")})}});
        return spec;
    }
    if (key == "daily_activity") {
        ordered_json rows = ordered_json::array();
        const ordered_json measures = ordered_json::array(
            {{{"field", "events"}, {"title", "Events"}},
             {{"field", "active_users"}, {"title", "Active users"}},
             {{"field", "completions"}, {"title", "Completions"}},
             {{"field", "invalid_share"}, {"title", "Share invalid"}, {"format", ".1%"}}});
        for (const auto& measure : measures) {
            auto y = axis_field(measure["field"], "quantitative", measure["title"]);
            if (measure.contains("format")) y["axis"] = {{"format", measure["format"]}};
            auto x = axis_field("day", "temporal", "Day (UTC)");
            x["timeUnit"] = "utcyearmonthdate";
            x["axis"] = {{"format", "%a %d %b"}, {"tickCount", "day"}};
            rows.push_back({{"width", chart_width},
                            {"height", 110},
                            {"mark", {{"type", "line"}, {"point", true}, {"tooltip", true}}},
                            {"encoding", {{"x", std::move(x)}, {"y", y}}}});
        }
        return {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
                {"data", {{"values", to_json(section.table)}}},
                {"vconcat", rows}};
    }
    if (key == "session_duration_distribution") {
        auto x = axis_field("bucket", "ordinal", "Session duration");
        x["sort"] = nullptr;
        return base_spec(section, bar,
                         {{"x", x}, {"y", axis_field("sessions", "quantitative", "Sessions")}});
    }
    if (key == "invalid_rows_per_code") {
        auto y = axis_field("code", "nominal", "Validation code");
        y["sort"] = "-x";
        return base_spec(section, bar,
                         {{"y", y}, {"x", axis_field("rows", "quantitative", "Rows")}});
    }
    if (key == "invalid_share_per_file") {
        auto y = axis_field("share", "quantitative", "Share invalid");
        y["axis"] = {{"format", ".1%"}};
        return base_spec(
            section, bar,
            {{"x", axis_field("filename", "nominal", "File")},
             {"y", y},
             {"tooltip", ordered_json::array({axis_field("filename", "nominal", "File"),
                                              axis_field("rows", "quantitative", "Rows"),
                                              axis_field("invalid", "quantitative", "Invalid")})}});
    }
    return nullptr;
}

void write_table(const Table& table, std::ostream& out) {
    out << "<table><thead><tr>";
    for (const auto& column : table.columns) {
        out << "<th>" << escape_html(column.name) << "</th>";
    }
    out << "</tr></thead><tbody>\n";
    for (const auto& row : table.rows) {
        out << "<tr>";
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            const bool numeric = table.columns[i].kind == ColumnKind::integer ||
                                 table.columns[i].kind == ColumnKind::real;
            out << (numeric ? "<td class=\"n\">" : "<td>")
                << (i < row.size() && row[i] ? escape_html(*row[i]) : "<i>NULL</i>") << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</tbody></table>\n";
}

std::string text_or(const std::optional<std::string>& text, std::string_view otherwise) {
    return escape_html(text ? *text : otherwise);
}

constexpr std::string_view style = R"(
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ddd; }
.meta { color: #555; margin: .1rem 0; }
.chart { width: 100%; }
table { border-collapse: collapse; margin: .5rem 0; font-size: 13px; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; color: #555; }
.error { color: #b00020; }
)";

}  // namespace

void write_html_report(const ReportContext& context, const std::vector<ReportSection>& sections,
                       std::ostream& out) {
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<title>Podcast report as of " << text_or(context.as_of, "(no events)") << "</title>\n"
        << "<style>" << style << "</style>\n";
    for (const auto& script : chart_scripts()) {
        out << "<script>/* " << script.name << " */\n" << script.text << "\n</script>\n";
    }
    out << "</head>\n<body>\n<h1>Podcast report</h1>\n"
        << "<p class=\"meta\" id=\"as-of\">As of <b>" << text_or(context.as_of, "(no events)")
        << "</b> (" << escape_html(context.as_of_source) << "); 7-day window "
        << text_or(context.window_start, "(none)") << " to " << text_or(context.as_of, "(none)")
        << ".</p>\n"
        << "<p class=\"meta\">Events from " << text_or(context.first_event, "(none)") << " to "
        << text_or(context.last_event, "(none)") << " UTC.</p>\n"
        << "<p class=\"meta\">" << escape_html(retention_sentence(context)) << ".</p>\n"
        << "<p class=\"meta\">Made " << escape_html(context.generated_at) << " UTC.</p>\n";

    ordered_json charts = ordered_json::object();
    for (const auto& section : sections) {
        const std::string id = "chart-" + section.key;
        out << "<section id=\"" << escape_html(section.key) << "\">\n<h2>"
            << escape_html(section.title) << "</h2>\n";
        if (auto spec = chart_for(section); !spec.is_null()) {
            out << "<div class=\"chart\" id=\"" << escape_html(id) << "\"></div>\n"
                << "<details><summary>Table</summary>\n";
            write_table(section.table, out);
            out << "</details>\n";
            charts[id] = std::move(spec);
        } else {
            write_table(section.table, out);
        }
        out << "</section>\n";
    }
    out << "<script>\nconst charts = " << script_json(charts) << ";\n"
        << "for (const [id, spec] of Object.entries(charts)) {\n"
        << "  vegaEmbed('#' + id, spec, {renderer: 'svg', actions: false}).catch((error) => {\n"
        << "    const note = document.createElement('p');\n"
        << "    note.className = 'error';\n"
        << "    note.textContent = 'This chart could not be drawn: ' + error;\n"
        << "    document.getElementById(id).replaceChildren(note);\n"
        << "    console.error(id + ': ' + error);\n"
        << "  });\n"
        << "}\n</script>\n</body>\n</html>\n";
}

}  // namespace podcast
