#include <catch2/catch.hpp>

#include "podcast/reference_data.hpp"
#include "support.hpp"

using podcast::ExitCode;
using podcast::ReferenceFile;

namespace {

const ReferenceFile& users() { return podcast::reference_files()[0]; }
const ReferenceFile& episodes() { return podcast::reference_files()[1]; }

// The normalised copy of `csv` read as `file`, or the one-line error.
std::string normalised_or_error(const std::string& csv, const ReferenceFile& file) {
    const auto rows = podcast::parse_reference_csv(csv, file, "ref/" + std::string(file.name));
    if (!rows) {
        REQUIRE(ExitCode::refused == rows.error().code);
        return rows.error().message;
    }
    return podcast::normalised_csv(file, *rows);
}

std::string episodes_with_duration(const std::string& duration) {
    return "episode_id,podcast_id,title,release_date,duration_seconds\n"
           "ep_1,podcast_1,Episode 1,2023-07-17,3600\n"
           "ep_2,podcast_1,Episode 2,2023-03-11," +
           duration + "\n";
}

}  // namespace

SCENARIO("columns are found by header name, in any order, extra columns dropped", "[reference]") {
    REQUIRE(std::string("user_id,signup_date,country\r\n"
                        "\"user_1\",\"2023-01-27\",\"DE\"\r\n") ==
            normalised_or_error("country,extra,user_id,signup_date\nDE,x,user_1,2023-01-27\n",
                                users()));
}

SCENARIO("titles keep commas, quotes, line breaks and unicode", "[reference]") {
    const std::string csv =
        "episode_id,podcast_id,title,release_date,duration_seconds\r\n"
        "ep_1,podcast_1,\"Hello, \"\"World\"\"\r\nPart 2 \xC3\xA9\xF0\x9F\x8E\xA7\",2023-07-17,"
        "0040\r\n";
    REQUIRE(std::string("episode_id,podcast_id,title,release_date,duration_seconds\r\n"
                        "\"ep_1\",\"podcast_1\",\"Hello, \"\"World\"\"\r\nPart 2 "
                        "\xC3\xA9\xF0\x9F\x8E\xA7\",\"2023-07-17\",\"40\"\r\n") ==
            normalised_or_error(csv, episodes()));
}

SCENARIO("a byte-order mark, CRLF line ends and blank lines are accepted", "[reference]") {
    REQUIRE(std::string("user_id,signup_date,country\r\n\"u1\",\"2023-01-27\",\"DE\"\r\n") ==
            normalised_or_error(
                "\xEF\xBB\xBFuser_id,signup_date,country\r\n\r\nu1,2023-01-27,DE\r\n", users()));
}

SCENARIO("duration_seconds must be a positive 32-bit integer written as digits", "[reference]") {
    for (const char* bad : {"40.5", "1e3", "4e3", "-5", "0", "99999999999", " 40", "40 ", "+40",
                            "0x10", "2147483648"}) {
        INFO(bad);
        REQUIRE(std::string("reference file ref/episodes.csv, line 3, column duration_seconds: "
                            "expected a positive integer of digits, 1 to 2147483647, got '") +
                    bad + "'" ==
                normalised_or_error(episodes_with_duration(bad), episodes()));
    }
    REQUIRE_THAT(normalised_or_error(episodes_with_duration("2147483647"), episodes()),
                 Catch::EndsWith("\"2147483647\"\r\n"));
}

SCENARIO("a missing column names the file, the header line and the column", "[reference]") {
    REQUIRE(std::string("reference file ref/users.csv, line 1: missing column country (the "
                        "header has 'user_id', 'signup_date')") ==
            normalised_or_error("user_id,signup_date\nu1,2023-01-27\n", users()));
}

SCENARIO("a duplicate key names both lines", "[reference]") {
    REQUIRE(std::string("reference file ref/users.csv, line 4, column user_id: duplicate key "
                        "'u1' (first on line 2)") ==
            normalised_or_error("user_id,signup_date,country\nu1,2023-01-27,DE\n"
                                "u2,2023-01-27,FR\nu1,2023-02-01,GB\n",
                                users()));
}

SCENARIO("an empty or blank required value is refused", "[reference]") {
    REQUIRE(std::string("reference file ref/users.csv, line 2, column country: empty value") ==
            normalised_or_error("user_id,signup_date,country\nu1,2023-01-27,\n", users()));
    REQUIRE(std::string("reference file ref/users.csv, line 2, column country: blank value '  '") ==
            normalised_or_error("user_id,signup_date,country\nu1,2023-01-27,\"  \"\n", users()));
}

SCENARIO("dates must be real calendar dates", "[reference]") {
    REQUIRE(std::string("reference file ref/users.csv, line 2, column signup_date: expected a "
                        "date YYYY-MM-DD, got '2024-02-30'") ==
            normalised_or_error("user_id,signup_date,country\nu1,2024-02-30,DE\n", users()));
}

SCENARIO("malformed records name their physical line", "[reference]") {
    WHEN("a record has fewer values than the header, after a quoted line break") {
        THEN("its starting line is named") {
            REQUIRE(
                std::string("reference file ref/episodes.csv, line 4: 4 values, the header "
                            "has 5 columns") ==
                normalised_or_error("episode_id,podcast_id,title,release_date,duration_seconds\n"
                                    "ep_1,p,\"two\nlines\",2023-07-17,60\n"
                                    "ep_2,p,t,2023-07-17\n",
                                    episodes()));
        }
    }
    WHEN("a quote appears inside an unquoted value") {
        THEN("the line is named") {
            REQUIRE_THAT(
                normalised_or_error("user_id,signup_date,country\nu\"1,2023-01-27,DE\n", users()),
                Catch::StartsWith("reference file ref/users.csv, line 2: not CSV"));
        }
    }
}

SCENARIO("ids with surrounding whitespace, 'null' and invalid UTF-8 are refused", "[reference]") {
    REQUIRE_THAT(
        normalised_or_error("user_id,signup_date,country\n\" u1\",2023-01-27,DE\n", users()),
        Catch::StartsWith("reference file ref/users.csv, line 2, column user_id: an id "
                          "must not start or end with whitespace"));
    REQUIRE_THAT(normalised_or_error("user_id,signup_date,country\nu1,2023-01-27,NULL\n", users()),
                 Catch::Contains("column country: value 'NULL' would load as NULL"));
    REQUIRE(std::string("reference file ref/users.csv, line 2, column country: not valid UTF-8") ==
            normalised_or_error("user_id,signup_date,country\nu1,2023-01-27,D\xFF\n", users()));
}

SCENARIO("an empty file or a repeated column is refused", "[reference]") {
    REQUIRE_THAT(normalised_or_error("", users()),
                 Catch::StartsWith("reference file ref/users.csv: empty"));
    REQUIRE(std::string("reference file ref/users.csv, line 1: column user_id appears twice in "
                        "the header") ==
            normalised_or_error("user_id,signup_date,country,user_id\n", users()));
}

SCENARIO("a header-only file has no rows", "[reference]") {
    REQUIRE(std::string("user_id,signup_date,country\r\n") ==
            normalised_or_error("user_id,signup_date,country\n", users()));
}

SCENARIO("the normalised copy is written through a rename and read back identically",
         "[reference]") {
    podcast::testing::TempDir dir;
    const auto rows = podcast::parse_reference_csv(
        "user_id,signup_date,country\nu1,2023-01-27,\"D,E\"\n", users(), "users.csv");
    REQUIRE(rows);
    REQUIRE(podcast::write_reference_file(dir / "users.csv", users(), *rows));
    const auto again = podcast::read_reference_file(dir / "users.csv", users());
    REQUIRE(again);
    REQUIRE(rows->rows == again->rows);
    REQUIRE_FALSE(std::filesystem::exists(dir / "users.csv.tmp"));
}
