// `podcast report --format html` on a generated dataset, opened in headless Chromium (Debian's
// `chromium`): the page loads with no console error and holds the charts as SVG and the as-of
// date; a screenshot is saved under this test's output (report-html/report.png in the ctest
// working directory).
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "workspace.hpp"

using namespace podcast::integration;

namespace {

constexpr const char* chromium = "/usr/bin/chromium";

struct Rendered {
    std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
    std::string as_of;  // expected.json's q1 as-of date
    int report_exit_code = -1;
    std::string html;
    int browser_exit_code = -1;
    std::string dom;          // the document after the scripts ran
    std::string browser_log;  // chromium's stderr: console messages among them
    fs::path screenshot;
};

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

CommandOutcome run_chromium(const fs::path& page, std::vector<std::string> extra) {
    std::vector<std::string> arguments{"--headless",
                                       "--no-sandbox",
                                       "--disable-gpu",
                                       "--disable-dev-shm-usage",
                                       "--no-first-run",
                                       "--enable-logging=stderr",
                                       "--v=0",
                                       "--virtual-time-budget=20000",
                                       "--window-size=1280,3600"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    arguments.push_back("file://" + page.string());
    return run_capturing(podcast::ProcessSpec{chromium, arguments, page.parent_path(), {}});
}

Rendered render_report() {
    Rendered r;
    const fs::path generated = r.ws->root() / "generated";
    const auto generate = run_podcast_binary({"generate", "--out", generated.string(), "--days",
                                              "3", "--events-per-day", "2000", "--users", "150",
                                              "--episodes", "40", "--seed", "5"});
    if (generate.exit_code != 0) throw std::runtime_error("generate failed: " + generate.output);
    r.as_of = nlohmann::json::parse(read_text(generated / "expected.json"))["q1"]["as_of"];
    fs::copy_file(generated / "reference/users.csv", r.ws->reference() / "users.csv",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(generated / "reference/episodes.csv", r.ws->reference() / "episodes.csv",
                  fs::copy_options::overwrite_existing);
    fs::copy(generated / "events", r.ws->loading(), fs::copy_options::recursive);
    if (const auto run = r.ws->run(); run.exit_code != 0) {
        throw std::runtime_error("run failed: " + run.output);
    }
    const fs::path page = r.ws->root() / "report.html";
    {
        // stdout alone: the page must not hold anything else.
        const auto report = run_capturing(podcast::ProcessSpec{
            "/bin/sh",
            {"-c", std::string("exec \"$0\" report --format html --warehouse \"$1\" > \"$2\""),
             PODCAST_BINARY, r.ws->warehouse().string(), page.string()},
            fs::current_path(),
            {}});
        r.report_exit_code = report.exit_code;
    }
    r.html = read_text(page);
    const auto dom = run_chromium(page, {"--dump-dom"});
    r.browser_exit_code = dom.exit_code;
    r.dom = dom.output;
    r.browser_log = dom.output;
    const fs::path output = fs::current_path() / "report-html";
    fs::create_directories(output);
    r.screenshot = output / "report.png";
    fs::remove(r.screenshot);
    (void)run_chromium(page, {"--screenshot=" + r.screenshot.string()});
    return r;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

}  // namespace

SCENARIO("The HTML report of a generated dataset renders in a browser with its charts",
         "[report][html]") {
    GIVEN("a warehouse built from three generated days") {
        const auto& r = once([] { return render_report(); });
        WHEN("the report is written as HTML and opened in headless Chromium") {
            THEN("the report succeeds and the page needs no network") {
                REQUIRE(0 == r.report_exit_code);
                REQUIRE(r.html.starts_with("<!DOCTYPE html>"));
                REQUIRE(std::string::npos == r.html.find("<script src"));
                REQUIRE(std::string::npos == r.html.find("<link "));
            }
            THEN("the page loads with no console error") {
                REQUIRE(0 == r.browser_exit_code);
                INFO(r.browser_log.substr(0, 4000));
                // Chromium logs every console message of the page, of any level, as CONSOLE.
                REQUIRE(0 == count_of(r.browser_log, ":CONSOLE"));
                REQUIRE(0 == count_of(r.dom, "class=\"error\""));
            }
            THEN("every chart is drawn as SVG") {
                // q1, q2, sessions, the daily trend, defects per code and per file.
                REQUIRE(6 == count_of(r.dom, "class=\"marks\""));
            }
            THEN("the page states the as-of date") {
                REQUIRE(std::string::npos != r.dom.find("As of <b>" + r.as_of + "</b>"));
            }
            THEN("a screenshot is saved") {
                REQUIRE(fs::exists(r.screenshot));
                REQUIRE(fs::file_size(r.screenshot) > 10000);
            }
        }
    }
}
