// Step 2, validation: every code of docs/data-contract.md, its near misses, the order of several
// codes, and a changed rule with a full refresh recomputing every row (docs/design.md).
#include <catch2/catch.hpp>

#include "workspace.hpp"

using namespace podcast::integration;
using nlohmann::json;

namespace {

struct Case {
    std::string name;
    json event_type, user_id, episode_id, timestamp, duration;
    std::string expected;  // the codes as DuckDB prints the list
};

// One row per case, in file order: the line number identifies the case.
const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"valid", "play", "user_1", "ep_1", "2024-08-01T08:00:00", 60, "[]"},
        {"user_id null", "play", nullptr, "ep_1", "2024-08-01T08:00:00", 60, "[user_id_missing]"},
        {"user_id blank", "play", " \t ", "ep_1", "2024-08-01T08:00:00", 60, "[user_id_blank]"},
        {"user_id empty", "play", "", "ep_1", "2024-08-01T08:00:00", 60, "[user_id_blank]"},
        {"user_id padded (near miss)", "play", "  user_1 ", "ep_1", "2024-08-01T08:00:01", 60,
         "[]"},
        {"episode_id null", "play", "user_1", nullptr, "2024-08-01T08:00:00", 60,
         "[episode_id_missing]"},
        {"episode_id blank", "play", "user_1", "  ", "2024-08-01T08:00:00", 60,
         "[episode_id_blank]"},
        {"episode_id padded (near miss)", "play", "user_1", "\tep_1", "2024-08-01T08:00:02", 60,
         "[]"},
        {"event_type null", nullptr, "user_1", "ep_1", "2024-08-01T08:00:00", 60,
         "[event_type_missing]"},
        {"event_type empty", "", "user_1", "ep_1", "2024-08-01T08:00:00", 60,
         "[event_type_invalid]"},
        {"event_type unknown", "stop", "user_1", "ep_1", "2024-08-01T08:00:00", nullptr,
         "[event_type_invalid]"},
        {"event_type case and spaces (near miss)", " COMPLETE ", "user_1", "ep_1",
         "2024-08-01T08:00:03", 60, "[]"},
        {"timestamp null", "play", "user_1", "ep_1", nullptr, 60, "[timestamp_missing]"},
        {"timestamp empty", "play", "user_1", "ep_1", "", 60, "[timestamp_malformed]"},
        {"timestamp words", "play", "user_1", "ep_1", "malformed-date", 60,
         "[timestamp_malformed]"},
        {"timestamp impossible date", "play", "user_1", "ep_1", "2024-02-30T10:00:00", 60,
         "[timestamp_malformed]"},
        {"timestamp leap day (near miss)", "play", "user_1", "ep_1", "2024-02-29T10:00:00", 60,
         "[]"},
        {"timestamp no seconds", "play", "user_1", "ep_1", "2024-08-01T08:00", 60,
         "[timestamp_malformed]"},
        {"timestamp fractional seconds", "play", "user_1", "ep_1", "2024-08-01T08:00:00.250", 60,
         "[timestamp_malformed]"},
        {"timestamp with a space", "play", "user_1", "ep_1", "2024-08-01 08:00:00", 60,
         "[timestamp_malformed]"},
        {"timestamp offset (near miss)", "play", "user_1", "ep_1", "2024-08-01T10:00:04+02:00", 60,
         "[]"},
        {"timestamp Z (near miss)", "play", "user_1", "ep_1", "2024-08-01T08:00:05Z", 60, "[]"},
        {"timestamp before 2000", "play", "user_1", "ep_1", "1999-12-31T23:59:59", 60,
         "[timestamp_out_of_range]"},
        {"timestamp 2000 via offset", "play", "user_1", "ep_1", "2000-01-01T00:30:00+01:00", 60,
         "[timestamp_out_of_range]"},
        {"timestamp first instant of 2000 (near miss)", "play", "user_1", "ep_1",
         "2000-01-01T00:00:00Z", 60, "[]"},
        {"timestamp after now", "play", "user_1", "ep_1", "2030-01-01T00:00:01", 60,
         "[timestamp_out_of_range]"},
        {"timestamp equal to now (near miss)", "play", "user_1", "ep_1", "2030-01-01T00:00:00", 60,
         "[]"},
        {"play without duration", "play", "user_1", "ep_1", "2024-08-01T09:00:00", nullptr,
         "[duration_missing]"},
        {"complete without duration", "complete", "user_1", "ep_1", "2024-08-01T09:00:00", nullptr,
         "[duration_missing]"},
        {"duration zero", "play", "user_1", "ep_1", "2024-08-01T09:00:01", 0, "[duration_invalid]"},
        {"duration negative", "play", "user_1", "ep_1", "2024-08-01T09:00:02", -5,
         "[duration_invalid]"},
        {"duration fractional", "complete", "user_1", "ep_1", "2024-08-01T09:00:03", 12.5,
         "[duration_invalid]"},
        {"duration text", "complete", "user_1", "ep_1", "2024-08-01T09:00:04", "abc",
         "[duration_invalid]"},
        {"duration beyond INTEGER", "complete", "user_1", "ep_1", "2024-08-01T09:00:05",
         99999999999LL, "[duration_invalid]"},
        {"duration INTEGER max (near miss)", "complete", "user_1", "ep_2", "2024-08-01T09:00:06",
         2147483647LL, "[]"},
        {"duration as a JSON string (near miss)", "play", "user_1", "ep_2", "2024-08-01T09:00:07",
         "120", "[]"},
        {"pause with duration", "pause", "user_1", "ep_1", "2024-08-01T09:00:08", 30,
         "[duration_unexpected]"},
        {"seek with empty duration", "seek", "user_1", "ep_1", "2024-08-01T09:00:09", "",
         "[duration_unexpected]"},
        {"seek without duration (near miss)", "seek", "user_1", "ep_1", "2024-08-01T09:00:10",
         nullptr, "[]"},
        {"invalid type skips duration rules", "stop", "user_1", "ep_1", "2024-08-01T09:00:11", 30,
         "[event_type_invalid]"},
        {"unknown user", "play", "user_99", "ep_1", "2024-08-01T09:00:12", 60, "[unknown_user_id]"},
        {"unknown episode", "play", "user_1", "ep_99", "2024-08-01T09:00:13", 60,
         "[unknown_episode_id]"},
        {"id case matters", "play", "USER_1", "EP_1", "2024-08-01T09:00:14", 60,
         "[unknown_user_id, unknown_episode_id]"},
        {"several codes, in order", "", " ", nullptr, "2024-13-01T00:00:00", 5,
         "[user_id_blank, episode_id_missing, event_type_invalid, timestamp_malformed]"},
        {"several codes with references", "complete", "user_99", "ep_99", "1990-01-01T00:00:00",
         nullptr,
         "[timestamp_out_of_range, duration_missing, unknown_user_id, unknown_episode_id]"},
        {"every null", nullptr, nullptr, nullptr, nullptr, nullptr,
         "[user_id_missing, episode_id_missing, event_type_missing, timestamp_missing]"},
    };
    return all;
}

std::string cases_file() {
    std::string text;
    for (const auto& c : cases()) {
        text += event_line(c.event_type, c.user_id, c.episode_id, c.timestamp, c.duration);
    }
    return text;
}

}  // namespace

SCENARIO("Each validation code is raised by its rule, and not by a near miss", "[validate]") {
    GIVEN("one file with a row per rule and per near miss") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-01/events.json", cases_file());
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            const auto rows = rows_as_text(ws->query(
                "select cast(validation_errors as varchar) from bronze.raw_events_validated "
                "order by line_number"));
            THEN("every row carries exactly its expected codes, in the documented order") {
                REQUIRE(cases().size() == rows.size());
                for (std::size_t i = 0; i < cases().size(); ++i) {
                    INFO("case: " << cases()[i].name);
                    CHECK(cases()[i].expected == rows[i]);
                }
            }
            THEN("only the valid rows reach silver") {
                std::int64_t valid = 0;
                for (const auto& c : cases()) {
                    valid += c.expected == "[]" ? 1 : 0;
                }
                REQUIRE(valid == ws->count("select count(*) from silver.cleansed_events"));
            }
        }
    }
}

SCENARIO("A changed rule and a full refresh recompute validation for every row", "[validate]") {
    GIVEN(
        "rows validated with 'now' pinned at noon on their day, so later rows are in the future") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            std::int64_t future_before = 0;
            std::int64_t cleansed_before = 0;
            CommandOutcome refresh;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json",
                       event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 60) +
                           event_line("play", "user_2", "ep_1", "2024-08-01T18:00:00", 60));
            (void)s.ws->run({"--var", "now=2024-08-01 12:00:00"});
            s.future_before = s.ws->count(
                "select count(*) from bronze.raw_events_validated where "
                "list_contains(validation_errors, 'timestamp_out_of_range')");
            s.cleansed_before = s.ws->count("select count(*) from silver.cleansed_events");
            s.refresh = s.ws->run({"--full-refresh"});
            return s;
        });
        WHEN("the rule changes ('now' moves on) and the pipeline runs with a full refresh") {
            THEN("before, the later row was out of range") {
                REQUIRE(1 == state.future_before);
                REQUIRE(1 == state.cleansed_before);
            }
            THEN("after, every row is recomputed and valid") {
                REQUIRE(0 == state.refresh.exit_code);
                REQUIRE(0 == state.ws->count("select count(*) from bronze.raw_events_validated "
                                             "where len(validation_errors) > 0"));
                REQUIRE(2 == state.ws->count("select count(*) from silver.cleansed_events"));
            }
        }
    }
}
