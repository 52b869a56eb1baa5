#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "podcast/log_format.hpp"

SCENARIO(
    "a JSON log stream turns each line into a dbt-shaped event and passes dbt's events "
    "through",
    "[run]") {
    GIVEN("a JSON log stream at level info") {
        std::ostringstream target;
        const std::string dbt_event =
            R"({"info": {"name": "LogModelResult", "level": "info", "msg": "1 of 1 OK"}, "data": {}})";
        {
            podcast::JsonLogStream stream(target, "info");
            stream << "New event files: 2\n" << dbt_event << '\n' << "last line, unterminated";
        }
        std::istringstream lines(target.str());
        std::vector<std::string> written;
        for (std::string line; std::getline(lines, line);) {
            written.push_back(line);
        }
        REQUIRE(3 == written.size());
        THEN("podcast's line is an event with its text as the message") {
            const auto event = nlohmann::json::parse(written[0]);
            REQUIRE("PodcastOutput" == event["info"]["name"]);
            REQUIRE("info" == event["info"]["level"]);
            REQUIRE("New event files: 2" == event["info"]["msg"]);
            REQUIRE(nlohmann::json::object() == event["data"]);
        }
        THEN("dbt's event is written as it was") { REQUIRE(dbt_event == written[1]); }
        THEN("an unterminated last line is written when the stream ends") {
            REQUIRE("last line, unterminated" == nlohmann::json::parse(written[2])["info"]["msg"]);
        }
    }
}

SCENARIO("a JSON log line carries its name, level, message and data", "[run]") {
    const auto event = nlohmann::json::parse(
        podcast::json_log_line("PodcastError", "error", "podcast: busy", {{"exit_code", 3}}));
    REQUIRE("PodcastError" == event["info"]["name"]);
    REQUIRE("error" == event["info"]["level"]);
    REQUIRE("podcast: busy" == event["info"]["msg"]);
    REQUIRE(3 == event["data"]["exit_code"]);
    REQUIRE(podcast::is_json_log_event(podcast::json_log_line("A", "info", "b")));
    REQUIRE_FALSE(podcast::is_json_log_event("{\"a\": 1}"));
    REQUIRE_FALSE(podcast::is_json_log_event("podcast: busy"));
}
