#include <catch2/catch.hpp>

#include <sstream>

#include "podcast/table.hpp"

using podcast::Column;
using podcast::ColumnKind;
using podcast::OutputFormat;
using podcast::Table;

namespace {

Table episodes() {
    Table table;
    table.columns = {{"episode_id", ColumnKind::text},
                     {"completions", ColumnKind::integer},
                     {"rate", ColumnKind::real},
                     {"live", ColumnKind::boolean}};
    table.rows = {
        {std::string("ep-1"), std::string("120"), std::string("0.5"), std::string("true")},
        {std::string("ep-10"), std::string("7"), std::nullopt, std::string("false")}};
    return table;
}

std::string printed(const Table& table, OutputFormat format) {
    std::ostringstream out;
    podcast::print_table(table, format, out);
    return out.str();
}

}  // namespace

SCENARIO("a table prints as aligned text with numbers right-aligned", "[output]") {
    GIVEN("a table with text and number columns") {
        const Table table = episodes();
        WHEN("it is printed as a text table") {
            const std::string text = printed(table, OutputFormat::table);
            THEN("columns line up, numbers flush right and NULL spelled out") {
                const std::string expected =
                    "episode_id  completions  rate  live\n"
                    "----------  -----------  ----  -----\n"
                    "ep-1                120   0.5  true\n"
                    "ep-10                 7  NULL  false\n";
                REQUIRE(expected == text);
            }
        }
    }
}

SCENARIO("JSON output types numbers, booleans and nulls by column kind", "[output]") {
    GIVEN("a table with every column kind and a NULL") {
        const Table table = episodes();
        WHEN("it is printed as JSON") {
            const auto json = nlohmann::json::parse(printed(table, OutputFormat::json));
            THEN("each row is an object with typed values") {
                const auto expected = nlohmann::json::parse(R"([
                    {"episode_id": "ep-1", "completions": 120, "rate": 0.5, "live": true},
                    {"episode_id": "ep-10", "completions": 7, "rate": null, "live": false}])");
                REQUIRE(expected == json);
            }
        }
    }
}

SCENARIO("CSV output quotes fields holding commas, quotes or newlines", "[output]") {
    GIVEN("a title with a comma and quotes, and a NULL") {
        Table table;
        table.columns = {{"title", ColumnKind::text}, {"note", ColumnKind::text}};
        table.rows = {{std::string("Hello, \"World\""), std::nullopt},
                      {std::string("two\nlines"), std::string("plain")}};
        WHEN("it is printed as CSV") {
            const std::string csv = printed(table, OutputFormat::csv);
            THEN("special fields are quoted with doubled quotes and NULL is empty") {
                const std::string expected =
                    "title,note\n"
                    "\"Hello, \"\"World\"\"\",\n"
                    "\"two\nlines\",plain\n";
                REQUIRE(expected == csv);
            }
        }
    }
}

SCENARIO("an unknown output format is a usage error", "[output]") {
    WHEN("the format 'xml' is parsed") {
        const auto format = podcast::parse_output_format("xml");
        THEN("it fails with ExitCode::usage") {
            REQUIRE_FALSE(format.has_value());
            REQUIRE(podcast::ExitCode::usage == format.error().code);
        }
    }
}

SCENARIO("display width counts what a terminal shows", "[output]") {
    REQUIRE(4 == podcast::display_width("café"));
    REQUIRE(4 == podcast::display_width("cafe\xcc\x81"));  // e + combining acute
    REQUIRE(4 == podcast::display_width("日本"));
    REQUIRE(0 == podcast::display_width(""));
}

SCENARIO("a unicode column lines up in the text table", "[output]") {
    Table table;
    table.columns = {{"country", ColumnKind::text}, {"n", ColumnKind::integer}};
    table.rows = {{std::string("日本"), std::string("1")}, {std::string("DE"), std::string("22")}};
    std::istringstream lines(printed(table, OutputFormat::table));
    std::vector<std::size_t> widths;
    for (std::string line; std::getline(lines, line);) {
        widths.push_back(podcast::display_width(line));
    }
    REQUIRE(4 == widths.size());
    REQUIRE(std::vector<std::size_t>(4, widths.front()) == widths);
}

SCENARIO("CSV tells NULL from the empty string", "[output]") {
    Table table;
    table.columns = {{"a", ColumnKind::text}, {"b", ColumnKind::text}};
    table.rows = {{std::nullopt, std::string("")}};
    REQUIRE("a,b\n,\"\"\n" == printed(table, OutputFormat::csv));
}

SCENARIO("JSON keeps integers beyond 64 bits and JSON cells exactly", "[output]") {
    Table table;
    table.columns = {{"h", ColumnKind::integer}, {"l", ColumnKind::json}};
    table.rows = {
        {std::string("170141183460469231731687303715884105727"), std::string("[\"a\",{\"k\":1}]")}};
    REQUIRE("[{\"h\":170141183460469231731687303715884105727,\"l\":[\"a\",{\"k\":1}]}]\n" ==
            printed(table, OutputFormat::json));
}
