#include <catch2/catch.hpp>

#include <sstream>

#include "podcast/report_html.hpp"

using podcast::ColumnKind;
using podcast::ReportContext;
using podcast::ReportSection;
using podcast::Table;

namespace {

std::string page_of(const std::vector<ReportSection>& sections) {
    ReportContext context;
    context.as_of = "2024-08-07";
    context.as_of_source = "--as-of";
    context.window_start = "2024-08-01";
    context.first_event = "2024-08-01 00:00:01";
    context.last_event = "2024-08-07 23:59:59";
    context.generated_at = "2026-01-01 12:00:00";
    std::ostringstream out;
    podcast::write_html_report(context, sections, out);
    return out.str();
}

// The text from the charts' script element to the end of the page.
std::string last_script(const std::string& page) {
    return page.substr(page.find("<script>\nconst charts = "));
}

}  // namespace

SCENARIO("markup in the data is escaped in tables and cannot end the charts' script",
         "[report][html][edge]") {
    GIVEN("an episode title holding markup and a closing script tag") {
        const std::string title = "<b>Tom & Jerry</b></script><script>alert(1)</script>";
        Table table{{{"rank", ColumnKind::integer},
                     {"episode_id", ColumnKind::text},
                     {"podcast_id", ColumnKind::text},
                     {"title", ColumnKind::text},
                     {"completions", ColumnKind::integer}},
                    {{"1", "ep_1", "p_1", title, "3"}}};
        WHEN("the page is written") {
            const std::string page = page_of({{"q1_top_completed_episodes", "Top <10>", table}});
            THEN("the table cell and the heading are escaped") {
                REQUIRE_THAT(
                    page, Catch::Contains("<td>&lt;b&gt;Tom &amp; "
                                          "Jerry&lt;/b&gt;&lt;/"
                                          "script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
                REQUIRE_THAT(page, Catch::Contains("<h2>Top &lt;10&gt;</h2>"));
            }
            THEN("the chart data keeps the title, with '</' written '<\\/'") {
                const std::string script = last_script(page);
                REQUIRE_THAT(
                    script,
                    Catch::Contains(R"(<b>Tom & Jerry<\/b><\/script><script>alert(1)<\/script>)"));
                REQUIRE(1 == [&] {
                    int closing = 0;
                    for (auto at = script.find("</script>"); at != std::string::npos;
                         at = script.find("</script>", at + 1))
                        ++closing;
                    return closing;
                }());
            }
        }
    }
}

SCENARIO("the page states the as-of date, window, data span and when it was made",
         "[report][html]") {
    const std::string page = page_of({});
    REQUIRE_THAT(page,
                 Catch::Contains(
                     "As of <b>2024-08-07</b> (--as-of); 7-day window 2024-08-01 to 2024-08-07."));
    REQUIRE_THAT(page,
                 Catch::Contains("Events from 2024-08-01 00:00:01 to 2024-08-07 23:59:59 UTC."));
    REQUIRE_THAT(page, Catch::Contains("Made 2026-01-01 12:00:00 UTC."));
    REQUIRE_THAT(page, Catch::Contains("<title>Podcast report as of 2024-08-07</title>"));
}

SCENARIO("a section without a chart is shown as a table", "[report][html]") {
    Table users{{{"users", ColumnKind::integer}}, {{"12"}}};
    const std::string page = page_of({{"q3_multi_episode_listeners", "Users", users}});
    REQUIRE_THAT(page, Catch::Contains(
                           "<th>users</th></tr></thead><tbody>\n<tr><td class=\"n\">12</td></tr>"));
    REQUIRE(std::string::npos == page.find("chart-q3_multi_episode_listeners"));
}
