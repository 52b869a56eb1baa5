// The C++ reference implementation of docs/data-contract.md: parse rules, validation codes,
// deduplication and the analysis answers.
#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "podcast/reference_validator.hpp"

using namespace podcast::reference;

namespace {

// The run's "now" in these tests: 2024-09-01T00:00:00Z.
constexpr std::int64_t now = 1725148800;

ReferenceIds known_ids() {
    ReferenceIds ids;
    ids.users = IdIndex({"user_1", "user_2"});
    ids.episodes = IdIndex({"ep_1", "ep_2"});
    return ids;
}

RawEvent valid_play() {
    return RawEvent{.event_type = "play",
                    .user_id = "user_1",
                    .episode_id = "ep_1",
                    .timestamp = "2024-08-01T10:00:00",
                    .duration = "120"};
}

RawEvent valid_pause() {
    RawEvent row = valid_play();
    row.event_type = "pause";
    row.duration = std::nullopt;
    return row;
}

std::vector<std::string> codes_of(const RawEvent& row) {
    std::vector<std::string> names;
    for (const ValidationCode code : validate(row, known_ids(), now))
        names.emplace_back(to_string(code));
    return names;
}

using Codes = std::vector<std::string>;

std::int64_t instant(std::string_view text) {
    const auto parsed = parse_timestamp(text);
    if (!parsed) throw std::invalid_argument("test timestamp does not parse: " + std::string(text));
    return *parsed;
}

std::vector<User> two_users() { return {{"user_1", "DE"}, {"user_2", "US"}}; }

std::vector<Episode> episodes(int count) {
    std::vector<Episode> result;
    for (int i = 1; i <= count; ++i) {
        result.push_back(
            {"ep_" + std::to_string(i), "podcast_1", "Episode " + std::to_string(i), 100});
    }
    return result;
}

RawEvent event(std::string_view type, std::string_view user, std::string_view episode,
               std::string_view timestamp,
               std::optional<std::string_view> duration = std::nullopt) {
    return RawEvent{type, user, episode, timestamp, duration};
}

}  // namespace

// --- Validation codes: each triggered by a row, and not by its near miss. ---------------------

SCENARIO("a null user_id is user_id_missing, an empty one is not", "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("user_id is null") {
            row.user_id = std::nullopt;
            THEN("the row is user_id_missing") {
                REQUIRE(Codes{"user_id_missing"} == codes_of(row));
            }
        }
        WHEN("user_id is an empty string") {
            row.user_id = "";
            THEN("the row is user_id_blank instead") {
                REQUIRE(Codes{"user_id_blank"} == codes_of(row));
            }
        }
    }
}

SCENARIO("a user_id of only whitespace is user_id_blank, a padded id is not", "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("user_id is space, tab, CR and LF") {
            row.user_id = " \t\r\n";
            THEN("the row is user_id_blank") { REQUIRE(Codes{"user_id_blank"} == codes_of(row)); }
        }
        WHEN("user_id is a known id padded with whitespace") {
            row.user_id = "\t user_1\r\n";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("a null episode_id is episode_id_missing, an empty one is not", "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("episode_id is null") {
            row.episode_id = std::nullopt;
            THEN("the row is episode_id_missing") {
                REQUIRE(Codes{"episode_id_missing"} == codes_of(row));
            }
        }
        WHEN("episode_id is an empty string") {
            row.episode_id = "";
            THEN("the row is episode_id_blank instead") {
                REQUIRE(Codes{"episode_id_blank"} == codes_of(row));
            }
        }
    }
}

SCENARIO("an episode_id of only whitespace is episode_id_blank, a padded id is not",
         "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("episode_id is spaces") {
            row.episode_id = "   ";
            THEN("the row is episode_id_blank") {
                REQUIRE(Codes{"episode_id_blank"} == codes_of(row));
            }
        }
        WHEN("episode_id is a known id with a leading space") {
            row.episode_id = " ep_2";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("a null event_type is event_type_missing, an empty one is not", "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("event_type is null") {
            row.event_type = std::nullopt;
            THEN("the row is event_type_missing, and no duration rule applies") {
                REQUIRE(Codes{"event_type_missing"} == codes_of(row));
            }
        }
        WHEN("event_type is an empty string") {
            row.event_type = "";
            THEN("the row is event_type_invalid instead") {
                REQUIRE(Codes{"event_type_invalid"} == codes_of(row));
            }
        }
    }
}

SCENARIO("an unknown event_type is event_type_invalid, another spelling of a known one is not",
         "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("event_type is stop") {
            row.event_type = "stop";
            THEN("the row is event_type_invalid") {
                REQUIRE(Codes{"event_type_invalid"} == codes_of(row));
            }
        }
        WHEN("event_type is complete in capitals and padded") {
            row.event_type = " COMPLETE\t";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("a null timestamp is timestamp_missing, an empty one is not", "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("timestamp is null") {
            row.timestamp = std::nullopt;
            THEN("the row is timestamp_missing") {
                REQUIRE(Codes{"timestamp_missing"} == codes_of(row));
            }
        }
        WHEN("timestamp is an empty string") {
            row.timestamp = "";
            THEN("the row is timestamp_malformed instead") {
                REQUIRE(Codes{"timestamp_malformed"} == codes_of(row));
            }
        }
    }
}

SCENARIO("a date that does not exist is timestamp_malformed, a leap day is not", "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("the timestamp is on February 30") {
            row.timestamp = "2024-02-30T10:00:00";
            THEN("the row is timestamp_malformed") {
                REQUIRE(Codes{"timestamp_malformed"} == codes_of(row));
            }
        }
        WHEN("the timestamp is on February 29 of a leap year") {
            row.timestamp = "2024-02-29T10:00:00";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("an instant before 2000 or after now is timestamp_out_of_range, the bounds are not",
         "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("the instant is one second before 2000") {
            row.timestamp = "1999-12-31T23:59:59Z";
            THEN("the row is timestamp_out_of_range") {
                REQUIRE(Codes{"timestamp_out_of_range"} == codes_of(row));
            }
        }
        WHEN("a local time in 2000 is 1999 in UTC") {
            row.timestamp = "2000-01-01T01:00:00+02:00";
            THEN("the row is timestamp_out_of_range") {
                REQUIRE(Codes{"timestamp_out_of_range"} == codes_of(row));
            }
        }
        WHEN("the instant is one second after now") {
            row.timestamp = "2024-09-01T00:00:01";
            THEN("the row is timestamp_out_of_range") {
                REQUIRE(Codes{"timestamp_out_of_range"} == codes_of(row));
            }
        }
        WHEN("the instant is exactly 2000-01-01T00:00:00Z") {
            row.timestamp = "2000-01-01T00:00:00Z";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
        WHEN("the instant is exactly now") {
            row.timestamp = "2024-09-01T02:00:00+02:00";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("a play without duration is duration_missing, a pause without one is not", "[reference]") {
    GIVEN("a play whose duration is null") {
        RawEvent row = valid_play();
        row.duration = std::nullopt;
        WHEN("it is validated") {
            THEN("the row is duration_missing") {
                REQUIRE(Codes{"duration_missing"} == codes_of(row));
            }
        }
        WHEN("its event_type is pause instead") {
            row.event_type = "pause";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("a complete with a non-integer duration is duration_invalid, zero-padded digits are not",
         "[reference]") {
    GIVEN("a complete") {
        RawEvent row = valid_play();
        row.event_type = "complete";
        WHEN("its duration is 12.5") {
            row.duration = "12.5";
            THEN("the row is duration_invalid") {
                REQUIRE(Codes{"duration_invalid"} == codes_of(row));
            }
        }
        WHEN("its duration is the string 0120") {
            row.duration = "0120";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("a seek with a duration is duration_unexpected, a seek without one is not",
         "[reference]") {
    GIVEN("a seek") {
        RawEvent row = valid_pause();
        row.event_type = "seek";
        WHEN("its duration is 30") {
            row.duration = "30";
            THEN("the row is duration_unexpected") {
                REQUIRE(Codes{"duration_unexpected"} == codes_of(row));
            }
        }
        WHEN("its duration is null") {
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
        WHEN("its event_type is invalid and it has a duration") {
            row.event_type = "seeking";
            row.duration = "30";
            THEN("only the event type is reported: duration rules need a valid type") {
                REQUIRE(Codes{"event_type_invalid"} == codes_of(row));
            }
        }
    }
}

SCENARIO("a user_id not in users is unknown_user_id, ids match after trimming only",
         "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("user_id differs from a known id in case") {
            row.user_id = "User_1";
            THEN("the row is unknown_user_id") {
                REQUIRE(Codes{"unknown_user_id"} == codes_of(row));
            }
        }
        WHEN("user_id is a known id padded with whitespace") {
            row.user_id = " user_2 ";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
        WHEN("user_id is blank") {
            row.user_id = " ";
            THEN("no reference check is made") { REQUIRE(Codes{"user_id_blank"} == codes_of(row)); }
        }
    }
}

SCENARIO("an episode_id not in episodes is unknown_episode_id, a padded known id is not",
         "[reference]") {
    GIVEN("a valid play") {
        RawEvent row = valid_play();
        WHEN("episode_id is ep_3") {
            row.episode_id = "ep_3";
            THEN("the row is unknown_episode_id") {
                REQUIRE(Codes{"unknown_episode_id"} == codes_of(row));
            }
        }
        WHEN("episode_id is ep_2 followed by a tab") {
            row.episode_id = "ep_2\t";
            THEN("the row is valid") { REQUIRE(Codes{} == codes_of(row)); }
        }
    }
}

SCENARIO("several codes of one row come in the contract's order", "[reference]") {
    GIVEN("rows with several defects") {
        WHEN("every value is null") {
            const RawEvent row{};
            THEN("the four missing codes are listed in order") {
                REQUIRE(Codes{"user_id_missing", "episode_id_missing", "event_type_missing",
                              "timestamp_missing"} == codes_of(row));
            }
        }
        WHEN("a play has an unknown user, a far-future timestamp and a bad duration") {
            const RawEvent row = event("play", "user_9", "ep_1", "2099-01-01T00:00:00", "abc");
            THEN("out of range, then the duration, then the reference check") {
                REQUIRE(Codes{"timestamp_out_of_range", "duration_invalid", "unknown_user_id"} ==
                        codes_of(row));
            }
        }
        WHEN(
            "a row has a blank user, an invalid type, a malformed timestamp and an unknown "
            "episode") {
            const RawEvent row = event("plya", "", "ep_0", "malformed-date", "5");
            THEN("the codes follow the table") {
                REQUIRE(Codes{"user_id_blank", "event_type_invalid", "timestamp_malformed",
                              "unknown_episode_id"} == codes_of(row));
            }
        }
    }
}

// --- Timestamp parse. ---------------------------------------------------------------------------

SCENARIO("February 29 exists only in leap years", "[reference]") {
    GIVEN("February 29 of several years") {
        THEN("2024 and 2000 have one") {
            REQUIRE(parse_timestamp("2024-02-29T00:00:00").has_value());
            REQUIRE(parse_timestamp("2000-02-29T00:00:00").has_value());
        }
        THEN("2023 and 1900 do not") {
            REQUIRE(std::nullopt == parse_timestamp("2023-02-29T00:00:00"));
            REQUIRE(std::nullopt == parse_timestamp("1900-02-29T00:00:00"));
        }
    }
}

SCENARIO("an offset is subtracted from the local time to give UTC", "[reference]") {
    GIVEN("08:00 UTC on 2024-08-01") {
        const std::int64_t utc = 1722499200;
        THEN("no offset, Z, +00:00 and -00:00 all mean UTC") {
            REQUIRE(utc == parse_timestamp("2024-08-01T08:00:00"));
            REQUIRE(utc == parse_timestamp("2024-08-01T08:00:00Z"));
            REQUIRE(utc == parse_timestamp("2024-08-01T08:00:00+00:00"));
            REQUIRE(utc == parse_timestamp("2024-08-01T08:00:00-00:00"));
        }
        THEN("10:00+02:00 and 02:30-05:30 are the same instant") {
            REQUIRE(utc == parse_timestamp("2024-08-01T10:00:00+02:00"));
            REQUIRE(utc == parse_timestamp("2024-08-01T02:30:00-05:30"));
        }
        THEN("an offset can move the instant to another UTC day") {
            REQUIRE(utc + 16 * 3600 == parse_timestamp("2024-08-01T23:00:00-01:00"));
        }
    }
}

SCENARIO("hours, minutes and seconds stay on the clock", "[reference]") {
    GIVEN("times at the edges of a day") {
        THEN("23:59:59 is the last second of the day") {
            REQUIRE(1722556799 == parse_timestamp("2024-08-01T23:59:59"));
        }
        THEN("24:00:00 and a leap second 23:59:60 are malformed") {
            REQUIRE(std::nullopt == parse_timestamp("2024-08-01T24:00:00"));
            REQUIRE(std::nullopt == parse_timestamp("2024-12-31T23:59:60"));
        }
        THEN("an offset of 23:59 is accepted, one of 24:00 or 00:60 is not") {
            REQUIRE(parse_timestamp("2024-08-01T10:00:00+23:59").has_value());
            REQUIRE(std::nullopt == parse_timestamp("2024-08-01T10:00:00+24:00"));
            REQUIRE(std::nullopt == parse_timestamp("2024-08-01T10:00:00-00:60"));
        }
    }
}

SCENARIO("anything but the exact shape is a malformed timestamp", "[reference]") {
    GIVEN("a text close to a valid timestamp") {
        const std::string text = GENERATE(
            as<std::string>{}, "", "malformed-date", "2024-08-01 10:00:00", "2024-08-01T10:00",
            "2024-08-01T10:00:00.5", "2024-08-01T10:00:00 ", " 2024-08-01T10:00:00",
            "2024-08-01t10:00:00", "2024-08-01T10:00:00z", "2024-08-01T10:00:00+0200",
            "2024-08-01T10:00:00+02", "2024-8-01T10:00:00", "2024-08-01", "2024/08/01T10:00:00",
            "2024-13-01T10:00:00", "2024-00-10T10:00:00", "2024-08-00T10:00:00", "1722506400",
            "+2024-08-01T10:00:00", "2024-08-01T10:00:00Z+02:00");
        WHEN("it is parsed") {
            THEN("it does not parse") { REQUIRE(std::nullopt == parse_timestamp(text)); }
        }
    }
}

SCENARIO("timestamps count seconds from the Unix epoch", "[reference]") {
    GIVEN("the epoch and the earliest valid instant") {
        THEN("they parse to 0 and 946684800, and format back") {
            REQUIRE(0 == parse_timestamp("1970-01-01T00:00:00Z"));
            REQUIRE(earliest_valid_instant == parse_timestamp("2000-01-01T00:00:00"));
            REQUIRE("2000-01-01T00:00:00" == format_timestamp(earliest_valid_instant));
            REQUIRE("2098-12-31T23:59:59" == format_timestamp(instant("2099-01-01T00:00:00") - 1));
        }
    }
}

// --- Duration parse. ---------------------------------------------------------------------------

SCENARIO("a duration is digits only with a value from 1 to 2147483647", "[reference]") {
    GIVEN("texts at the edges") {
        THEN("1, 2147483647 and zero-padded 0120 parse") {
            REQUIRE(1 == parse_duration("1"));
            REQUIRE(2147483647 == parse_duration("2147483647"));
            REQUIRE(120 == parse_duration("0120"));
            REQUIRE(5 == parse_duration("0000000000000000000005"));
        }
        THEN("0 and 2147483648 are out of range") {
            REQUIRE(std::nullopt == parse_duration("0"));
            REQUIRE(std::nullopt == parse_duration("2147483648"));
            REQUIRE(std::nullopt == parse_duration("99999999999"));
        }
        THEN("signs, spaces, decimals, exponents and empty text are not digits") {
            for (const char* text : {"+5", "-5", " 5", "5 ", "12.5", "1e3", "abc", "", "5\n"}) {
                INFO(text);
                REQUIRE(std::nullopt == parse_duration(text));
            }
        }
    }
}

// --- Ground truth: deduplication and the analysis answers. -------------------------------------

SCENARIO("the duplicate in the later file survives, with its duration", "[reference]") {
    GIVEN("one complete event in two files with different durations") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("2024-08-01/events.json");
        truth.add_row(event("complete", "user_1", "ep_1", "2024-08-01T10:00:00", "50"));
        truth.begin_file("2024-08-02/events.json");
        truth.add_row(event("complete", "user_1", "ep_1", "2024-08-01T10:00:00", "80"));
        WHEN("the expected answers are computed") {
            const auto expected = truth.expected_json();
            THEN("one row remains and q2 uses the later duration") {
                REQUIRE(2 == expected["valid_rows"]);
                REQUIRE(1 == expected["cleansed_rows"]);
                REQUIRE(0.8 == expected["q2"][0]["avg_listen_through_rate"]);
            }
        }
    }
}

SCENARIO("within one file the later line of a duplicate survives", "[reference]") {
    GIVEN("one complete event twice in one file") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("2024-08-01/events.json");
        truth.add_row(event("complete", "user_1", "ep_1", "2024-08-01T10:00:00", "90"));
        truth.add_row(event("complete", "user_1", "ep_1", "2024-08-01T10:00:00", "30"));
        WHEN("the expected answers are computed") {
            const auto expected = truth.expected_json();
            THEN("q2 uses the second line's duration") {
                REQUIRE(0.3 == expected["q2"][0]["avg_listen_through_rate"]);
            }
        }
    }
}

SCENARIO("spellings of one business key are one event", "[reference]") {
    GIVEN("a play spelled four ways") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("a.json");
        truth.add_row(event("play", "user_1", "ep_1", "2024-08-01T08:00:00Z", "10"));
        truth.add_row(event(" Play", " user_1", "ep_1\t", "2024-08-01T10:00:00+02:00", "20"));
        truth.add_row(event("PLAY", "user_1\n", " ep_1", "2024-08-01T08:00:00+00:00", "30"));
        truth.add_row(event("play ", "user_1", "ep_1", "2024-08-01T02:30:00-05:30", "40"));
        WHEN("the expected answers are computed") {
            const auto expected = truth.expected_json();
            THEN("four rows are valid and one is cleansed") {
                REQUIRE(4 == expected["valid_rows"]);
                REQUIRE(1 == expected["cleansed_rows"]);
                REQUIRE(1 == expected["fact_rows"]);
            }
        }
    }
}

SCENARIO("q1 counts completions in the 7 UTC days ending on the latest event's date",
         "[reference]") {
    GIVEN("completions 7 days and 6 days before the latest event") {
        GroundTruth truth(two_users(), episodes(2), now);
        truth.begin_file("a.json");
        truth.add_row(
            event("complete", "user_1", "ep_1", "2024-08-03T23:59:59", "100"));  // as_of - 7
        truth.add_row(
            event("complete", "user_1", "ep_2", "2024-08-04T00:00:00", "100"));        // as_of - 6
        truth.add_row(event("pause", "user_2", "ep_1", "2024-08-09T23:30:00-02:00"));  // 08-10 UTC
        WHEN("the expected answers are computed") {
            const auto expected = truth.expected_json();
            THEN("the as-of date is the latest event's UTC date") {
                REQUIRE("2024-08-10" == expected["q1"]["as_of"]);
            }
            THEN("only the completion 6 days before counts") {
                REQUIRE(1 == expected["q1"]["rows"].size());
                REQUIRE("ep_2" == expected["q1"]["rows"][0]["episode_id"]);
            }
        }
    }
}

SCENARIO("q1 ranks by completions, then episode_id in byte order, and keeps 10", "[reference]") {
    GIVEN("12 episodes with one completion each and ep_12 with two") {
        GroundTruth truth(two_users(), episodes(12), now);
        truth.begin_file("a.json");
        for (int i = 1; i <= 12; ++i) {
            const std::string id = "ep_" + std::to_string(i);
            truth.add_row(event("complete", "user_1", id, "2024-08-01T10:00:00", "100"));
        }
        truth.add_row(event("complete", "user_2", "ep_12", "2024-08-01T10:00:00", "100"));
        WHEN("the expected answers are computed") {
            const auto rows = truth.expected_json()["q1"]["rows"];
            THEN("ranks 1 to 10 are ep_12, then ep_1, ep_10, ep_11, ep_2 ... ep_7") {
                std::vector<std::string> ids;
                for (const auto& row : rows) ids.push_back(row["episode_id"]);
                REQUIRE(std::vector<std::string>{"ep_12", "ep_1", "ep_10", "ep_11", "ep_2", "ep_3",
                                                 "ep_4", "ep_5", "ep_6", "ep_7"} == ids);
                REQUIRE(10 == rows.back()["rank"]);
                REQUIRE(2 == rows.front()["completions"]);
            }
        }
    }
}

SCENARIO("q2 averages the uncapped listen-through rate per country", "[reference]") {
    GIVEN("a German user completing at 150% and 50%, and an American user only playing") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("a.json");
        truth.add_row(event("complete", "user_1", "ep_1", "2024-08-01T10:00:00", "150"));
        truth.add_row(event("complete", "user_1", "ep_1", "2024-08-01T11:00:00", "50"));
        truth.add_row(event("play", "user_2", "ep_1", "2024-08-01T11:00:00", "50"));
        WHEN("the expected answers are computed") {
            const auto q2 = truth.expected_json()["q2"];
            THEN("DE has rate 1.0 over 2 completions and US is absent") {
                REQUIRE(1 == q2.size());
                REQUIRE("DE" == q2[0]["country"]);
                REQUIRE(1.0 == q2[0]["avg_listen_through_rate"]);
                REQUIRE(2 == q2[0]["completions"]);
            }
        }
    }
}

SCENARIO("q3 counts users who played 3 distinct episodes on one UTC day", "[reference]") {
    GIVEN("user_1 with 3 episodes on one UTC day, user_2 with 3 spread over two UTC days") {
        GroundTruth truth(two_users(), episodes(3), now);
        truth.begin_file("a.json");
        truth.add_row(event("play", "user_1", "ep_1", "2024-08-01T00:00:00", "10"));
        truth.add_row(event("complete", "user_1", "ep_2", "2024-08-01T12:00:00", "10"));
        truth.add_row(
            event("play", "user_1", "ep_3", "2024-08-02T01:00:00+02:00", "10"));  // 08-01 UTC
        truth.add_row(event("play", "user_2", "ep_1", "2024-08-01T10:00:00", "10"));
        truth.add_row(event("play", "user_2", "ep_2", "2024-08-01T10:00:00", "10"));
        truth.add_row(event("pause", "user_2", "ep_3", "2024-08-01T10:00:00"));  // not a listen
        truth.add_row(
            event("play", "user_2", "ep_3", "2024-08-01T23:00:00-02:00", "10"));  // 08-02 UTC
        WHEN("the expected answers are computed") {
            THEN("one user counts") { REQUIRE(1 == truth.expected_json()["q3"]["users"]); }
        }
    }
}

SCENARIO("every validation code is counted, zeros included", "[reference]") {
    GIVEN("one row with a null user_id") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("a.json");
        truth.add_row(event("play", "user_1", "ep_1", "2024-08-01T10:00:00", "10"));
        truth.add_row(RawEvent{"play", std::nullopt, "ep_1", "2024-08-01T10:00:00", "10"});
        WHEN("the expected answers are computed") {
            const auto expected = truth.expected_json();
            THEN("all 14 codes are present and only user_id_missing is 1") {
                REQUIRE(validation_code_count == expected["validation_codes"].size());
                for (const ValidationCode code : all_validation_codes) {
                    const std::string name(to_string(code));
                    INFO(name);
                    REQUIRE((code == ValidationCode::user_id_missing ? 1 : 0) ==
                            expected["validation_codes"][name]);
                }
                REQUIRE(1 == expected["invalid_rows"]);
                REQUIRE(2 == expected["files"]["a.json"]);
            }
        }
    }
}

SCENARIO("the assumed now spans from the latest instant to just before the first later one",
         "[reference]") {
    GIVEN("a valid row in 2024 and a far-future one") {
        GroundTruth truth(two_users(), episodes(1), instant("2098-12-31T23:59:59"));
        truth.begin_file("a.json");
        truth.add_row(event("play", "user_1", "ep_1", "2024-08-01T10:00:00", "10"));
        truth.add_row(event("play", "user_1", "ep_1", "2099-03-01T00:00:00", "10"));
        WHEN("the expected answers are computed") {
            const auto range = truth.expected_json()["now_range"];
            THEN("the range is the latest instant to the given now") {
                REQUIRE("2024-08-01T10:00:00" == range["from"]);
                REQUIRE("2098-12-31T23:59:59" == range["to"]);
            }
        }
    }
}

SCENARIO("files must arrive in name order", "[reference]") {
    GIVEN("a ground truth that has read 2024-08-02") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("2024-08-02/events.json");
        WHEN("an earlier file name follows") {
            THEN("it is refused") {
                REQUIRE_THROWS_AS(truth.begin_file("2024-08-01/events.json"), std::logic_error);
            }
        }
    }
}

// --- interaction_id: 124 bits, exact. ---------------------------------------------------------

SCENARIO("interaction_id is the first 31 hex digits of the key's md5, exact beyond 64 bits",
         "[reference][analytics]") {
    GIVEN(
        "the key user_1|ep_1|play|2024-08-01T08:00:00, whose md5 starts "
        "3ce9288902d5f72874c261bcef4c81b") {
        InteractionIdHasher hash;
        WHEN("its id is computed from the UTC instant and from the formatted timestamp") {
            const InteractionId from_instant = hash("user_1", "ep_1", EventType::play, 1722499200);
            const InteractionId from_text =
                hash("user_1", "ep_1", EventType::play, "2024-08-01T08:00:00");
            THEN("both are that hex number, printed exactly in decimal") {
                REQUIRE("5060269191665851007670766867968215067" == to_decimal(from_instant));
                REQUIRE("5060269191665851007670766867968215067" == to_decimal(from_text));
            }
        }
    }
}

SCENARIO("expected.json states the fact's smallest and largest id and a checksum of all",
         "[reference][analytics]") {
    GIVEN("two valid events and an invalid one") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("2024-08-01/events.json");
        truth.add_row(event("play", "user_1", "ep_1", "2024-08-01T10:00:00+02:00", "60"));
        truth.add_row(event("complete", "user_2", "ep_1", "2024-08-01T09:30:00Z", "120"));
        truth.add_row(event("complete", "user_9", "ep_1", "2024-08-01T09:30:00Z", "120"));
        WHEN("the expected answers are computed") {
            const auto ids = nlohmann::json::parse(truth.expected_json()["interaction_ids"].dump());
            THEN(
                "min and max are decimal strings, the checksum the sum of each id mod 1000000007") {
                REQUIRE(nlohmann::json{{"min", "5060269191665851007670766867968215067"},
                                       {"max", "19897437494111852416571084204693343461"},
                                       {"sum_mod_1000000007", 227225777 + 355509736}} == ids);
            }
        }
    }
}

SCENARIO("expected.json has no ids when no event is valid", "[reference][analytics]") {
    GIVEN("only an invalid event") {
        GroundTruth truth(two_users(), episodes(1), now);
        truth.begin_file("2024-08-01/events.json");
        truth.add_row(event("complete", "user_9", "ep_1", "2024-08-01T09:30:00Z", "120"));
        WHEN("the expected answers are computed") {
            const auto ids = nlohmann::json::parse(truth.expected_json()["interaction_ids"].dump());
            THEN("min and max are null and the checksum zero") {
                REQUIRE(nlohmann::json{
                            {"min", nullptr}, {"max", nullptr}, {"sum_mod_1000000007", 0}} == ids);
            }
        }
    }
}
