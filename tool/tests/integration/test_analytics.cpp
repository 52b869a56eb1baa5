// Step 4, analytics: the incremental fact equals a full refresh, interaction_id follows the
// documented formula, referential integrity, and the three questions on hand-made data.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "interaction_id.hpp"
#include "workspace.hpp"

using namespace podcast::integration;

namespace {

std::string day_of_events(int day) {
    std::string text;
    for (int i = 0; i < 12; ++i) {
        char timestamp[32];
        std::snprintf(timestamp, sizeof timestamp, "2024-08-%02dT%02d:00:00", day, 6 + i);
        const char* type = i % 3 == 0 ? "complete" : (i % 3 == 1 ? "play" : "pause");
        const nlohmann::json duration =
            i % 3 == 2 ? nlohmann::json(nullptr) : nlohmann::json(100 * (i + 1));
        text += event_line(type, "user_" + std::to_string(i % 5 + 1),
                           "ep_" + std::to_string((i + day) % 4 + 1), timestamp, duration);
    }
    // A duplicate of the previous day's first event, with another duration.
    if (day > 1) {
        char timestamp[32];
        std::snprintf(timestamp, sizeof timestamp, "2024-08-%02dT06:00:00", day - 1);
        text += event_line("complete", "user_1", "ep_" + std::to_string((day - 1) % 4 + 1),
                           timestamp, 999);
    }
    // Late events of the first day, every 30 minutes from 06:30 to 10:30: they join user_1's
    // sessions of 06:00 and 11:00 into one.
    if (day == 3) {
        for (int half_hours = 1; half_hours <= 9; ++half_hours) {
            char timestamp[32];
            std::snprintf(timestamp, sizeof timestamp, "2024-08-01T%02d:%02d:00",
                          6 + half_hours / 2, half_hours % 2 * 30);
            text += event_line("pause", "user_1", "ep_1", timestamp, nullptr);
        }
    }
    return text;
}

const std::string q1_rows = "select * from gold.q1_top_completed_episodes order by all";
const std::string daily_activity_rows = "select * from gold.daily_activity order by all";

const std::string fact_rows =
    "select interaction_id, user_id, episode_id, cast(event_type as varchar), timestamp, duration "
    "from gold.fact_user_interactions order by interaction_id";

}  // namespace

SCENARIO("The incremental fact table equals a full refresh", "[analytics]") {
    GIVEN(
        "three days landed and run one at a time, duplicates across days and late events "
        "joining two older sessions included") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            std::vector<std::string> incremental_fact;
            std::vector<std::string> incremental_cleansed;
            std::vector<std::string> incremental_sessions;
            std::vector<std::string> unchanged_fact;
            CommandOutcome nothing_new;
            std::map<std::string, std::string> day_three_nodes;  // run_results of day 3's run
            std::vector<std::string> incremental_q1;
            std::vector<std::string> incremental_daily_activity;
        };
        auto& state = once([] {
            State s;
            for (int day = 1; day <= 3; ++day) {
                char name[40];
                std::snprintf(name, sizeof name, "2024-08-%02d/events.json", day);
                s.ws->drop(name, day_of_events(day));
                (void)s.ws->run();
            }
            s.day_three_nodes = s.ws->last_dbt_nodes();
            s.incremental_q1 = rows_as_text(s.ws->query(q1_rows));
            s.incremental_daily_activity = rows_as_text(s.ws->query(daily_activity_rows));
            s.incremental_fact = rows_as_text(s.ws->query(fact_rows));
            s.incremental_cleansed = rows_as_text(
                s.ws->query("select * exclude (load_at) from silver.cleansed_events order by all"));
            s.incremental_sessions =
                rows_as_text(s.ws->query("select * from gold.user_sessions order by all"));
            s.nothing_new = s.ws->run();
            s.unchanged_fact = rows_as_text(s.ws->query(fact_rows));
            (void)s.ws->run({"--full-refresh"});
            return s;
        });
        WHEN("days 2 and 3 ran on day 1's project, vars and reference data") {
            const auto& nodes = state.day_three_nodes;
            THEN("the tables were built again, the views and dimensions left as they were") {
                REQUIRE(nodes.at("model.podcast.fact_user_interactions") == "success");
                REQUIRE(nodes.at("model.podcast.user_sessions") == "success");
                REQUIRE_FALSE(nodes.contains("model.podcast.q1_top_completed_episodes"));
                REQUIRE_FALSE(nodes.contains("model.podcast.layers_caught_up"));
                REQUIRE_FALSE(nodes.contains("model.podcast.dim_users"));
                REQUIRE_FALSE(nodes.contains("seed.podcast.users"));
            }
            THEN("every view's tests ran on the new data, and the fact's relationships") {
                const auto ran = [&](std::string_view prefix) {
                    return std::ranges::count_if(nodes, [&](const auto& node) {
                        return node.first.starts_with(prefix) && node.second == "pass";
                    });
                };
                REQUIRE(ran("test.podcast.expression_is_true_q1_top_completed_episodes_") == 1);
                REQUIRE(ran("test.podcast.expression_is_true_layers_caught_up_caught_up") == 1);
                REQUIRE(ran("test.podcast.unique_q4_average_session_duration_per_user_") == 1);
                REQUIRE(ran("test.podcast.relationships_fact_user_interactions_") == 2);
            }
        }
        WHEN("the same files are rebuilt with a full refresh") {
            THEN("the fact table holds the same rows and interaction_ids") {
                REQUIRE(state.incremental_fact == rows_as_text(state.ws->query(fact_rows)));
            }
            THEN("silver holds the same survivors") {
                REQUIRE(
                    state.incremental_cleansed ==
                    rows_as_text(state.ws->query(
                        "select * exclude (load_at) from silver.cleansed_events order by all")));
            }
            THEN("the sessions rebuilt run by run are the sessions of the whole history") {
                REQUIRE(
                    state.incremental_sessions ==
                    rows_as_text(state.ws->query("select * from gold.user_sessions order by all")));
            }
            THEN("a run with nothing new changed nothing, without starting dbt") {
                REQUIRE(0 == state.nothing_new.exit_code);
                REQUIRE_THAT(state.nothing_new.output, Catch::Contains("Nothing new"));
                REQUIRE(state.incremental_fact == state.unchanged_fact);
            }
            THEN("the views read the same answers") {
                REQUIRE(state.incremental_q1 == rows_as_text(state.ws->query(q1_rows)));
                REQUIRE(state.incremental_daily_activity ==
                        rows_as_text(state.ws->query(daily_activity_rows)));
            }
            THEN("the duplicate across days kept the later file's duration") {
                REQUIRE(2 == state.ws->count("select count(*) from gold.fact_user_interactions "
                                             "where duration = 999"));
            }
        }
    }
}

namespace {

// Every compiled model under `target`, by its path below the models folder, with its SQL.
std::map<std::string, std::string> compiled_models(const fs::path& target) {
    const fs::path models = target / "compiled" / "podcast" / "models";
    std::map<std::string, std::string> compiled;
    std::error_code error;
    for (fs::recursive_directory_iterator it(models, error), end; !error && it != end;
         it.increment(error)) {
        if (it->is_regular_file()) {
            std::ifstream in(it->path());
            compiled[it->path().lexically_relative(models).string()] =
                std::string(std::istreambuf_iterator<char>(in), {});
        }
    }
    return compiled;
}

}  // namespace

SCENARIO("No view's SQL holds a run's value, so a run may leave the views in place",
         "[analytics]") {
    GIVEN("a warehouse built once, and the views compiled by two runs' values") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome first;
            CommandOutcome second;
            std::map<std::string, std::string> first_views;
            std::map<std::string, std::string> second_views;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json", day_of_events(1));
            (void)s.ws->run();
            const fs::path first = s.ws->root() / "compile-first";
            const fs::path second = s.ws->root() / "compile-second";
            s.first = s.ws->compile_views(first, "2024-09-01 10:00:00.000001", "");
            s.second = s.ws->compile_views(second, "2024-09-02 11:30:00.250000",
                                           "2024-09-01 10:00:00.000001");
            s.first_views = compiled_models(first);
            s.second_views = compiled_models(second);
            return s;
        });
        WHEN("two invocations at other times, load times and tested-since times compile them") {
            THEN("every view compiles to the same SQL (the selectors.yml rule holds)") {
                INFO(state.first.output);
                INFO(state.second.output);
                REQUIRE(0 == state.first.exit_code);
                REQUIRE(0 == state.second.exit_code);
                REQUIRE(state.first_views.size() >= 15);
                REQUIRE(state.first_views.contains("gold/analysis/q1_top_completed_episodes.sql"));
                REQUIRE(state.first_views.contains("gold/monitoring/layers_caught_up.sql"));
                REQUIRE(state.first_views == state.second_views);
            }
        }
    }
}

SCENARIO("interaction_id is the documented md5 formula and unique", "[analytics]") {
    GIVEN("events with offsets and padding that normalise to known keys") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                event_line("Play", " user_1", "ep_1", "2024-08-01T10:00:00+02:00", 60) +
                    event_line("seek", "user_2", "ep_3", "2024-08-01T23:15:07Z", nullptr));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("each id equals the first 31 hex digits of the md5 of the UTC business key") {
                REQUIRE(expected_interaction_id("user_1", "ep_1", "play", "2024-08-01T08:00:00") ==
                        ws->scalar("select interaction_id from gold.fact_user_interactions "
                                   "where user_id = 'user_1'"));
                REQUIRE(expected_interaction_id("user_2", "ep_3", "seek", "2024-08-01T23:15:07") ==
                        ws->scalar("select interaction_id from gold.fact_user_interactions "
                                   "where user_id = 'user_2'"));
            }
            THEN("ids are positive HUGEINTs below 2^124") {
                REQUIRE(0 == ws->count("select count(*) from gold.fact_user_interactions where "
                                       "interaction_id <= 0 or interaction_id >= "
                                       "21267647932558653966460912964485513216"));
                REQUIRE("HUGEINT" == ws->scalar("select data_type from information_schema.columns "
                                                "where table_name = 'fact_user_interactions' and "
                                                "column_name = 'interaction_id'"));
            }
        }
    }
}

SCENARIO("Every fact row refers to a known user and episode", "[analytics]") {
    GIVEN("events for known and unknown users and episodes") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-01/events.json",
                            event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 60) +
                                event_line("play", "user_77", "ep_1", "2024-08-01T08:00:00", 60) +
                                event_line("play", "user_1", "ep_77", "2024-08-01T08:00:00", 60));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("the fact joins fully to both dimensions") {
                REQUIRE(1 == ws->count("select count(*) from gold.fact_user_interactions"));
                REQUIRE(0 == ws->count("select count(*) from gold.fact_user_interactions f "
                                       "left join gold.dim_users u using (user_id) "
                                       "left join gold.dim_episodes e using (episode_id) "
                                       "where u.user_id is null or e.episode_id is null"));
            }
        }
    }
}

SCENARIO("A null in any never-null column of an event table fails that table's one null test",
         "[analytics]") {
    GIVEN("a day run, then nulls planted in the event tables as a faulty model would leave them") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome day_two;
            std::map<std::string, std::string> day_two_nodes;
            // Per event table, the run of its null test alone and dbt's results of it.
            std::map<std::string, std::pair<CommandOutcome, nlohmann::json>> tests_alone;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json",
                       event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 60) +
                           event_line("pause", "user_2", "ep_2", "2024-08-01T09:00:00", nullptr) +
                           event_line("complete", "user_3", "ep_3", "2024-08-01T10:00:00", 90));
            if (const auto first = s.ws->run(); first.exit_code != 0) {
                throw std::runtime_error("the first day failed: " + first.output);
            }
            s.ws->execute("update bronze.raw_events set line_number = null where line_number = 1");
            s.ws->execute(
                "update silver.cleansed_events set user_id = null where user_id = 'user_2'");
            s.ws->execute(
                "update silver.cleansed_events set timestamp = null "
                "where user_id = 'user_3'");
            s.ws->execute(
                "update gold.fact_user_interactions set load_at = null "
                "where user_id = 'user_1'");
            s.ws->execute(
                "update gold.user_sessions set session_end = null "
                "where user_id = 'user_3'");
            s.ws->drop("2024-08-02/events.json",
                       event_line("play", "user_4", "ep_3", "2024-08-02T08:00:00", 30));
            s.day_two = s.ws->run();
            s.day_two_nodes = s.ws->last_dbt_nodes();
            // One run per table: a failed test makes dbt skip the tests downstream of it.
            for (const char* table :
                 {"raw_events", "cleansed_events", "fact_user_interactions", "user_sessions"}) {
                auto outcome =
                    s.ws->run({"--select", std::string("test_name:not_null_columns,") + table});
                s.tests_alone[table] = {std::move(outcome), s.ws->last_dbt_results()};
            }
            return s;
        });
        WHEN("the next day runs") {
            THEN("it fails on the raw table's null test, before building on the bad rows") {
                INFO(state.day_two.output);
                REQUIRE(0 != state.day_two.exit_code);
                std::vector<std::string> failed;
                for (const auto& [id, status] : state.day_two_nodes) {
                    if (status == "fail") {
                        failed.push_back(id);
                    }
                }
                REQUIRE(1 == failed.size());
                REQUIRE(failed.front().starts_with("test.podcast.not_null_columns_raw_events_"));
                REQUIRE("skipped" == state.day_two_nodes.at("model.podcast.cleansed_events"));
            }
        }
        WHEN("each table's null test runs alone") {
            THEN("it fails with its table's count of nulls, every column counted") {
                const std::map<std::string, std::int64_t> expected{{"raw_events", 1},
                                                                   {"cleansed_events", 2},
                                                                   {"fact_user_interactions", 1},
                                                                   {"user_sessions", 1}};
                for (const auto& [table, nulls] : expected) {
                    const auto& [outcome, results] = state.tests_alone.at(table);
                    INFO(table << ": " << outcome.output);
                    REQUIRE(0 != outcome.exit_code);
                    std::vector<nlohmann::json> tests;  // the run's hooks aside
                    for (const auto& result : results.at("results")) {
                        if (result.at("unique_id").get<std::string>().starts_with("test.")) {
                            tests.push_back(result);
                        }
                    }
                    REQUIRE(1 == tests.size());
                    REQUIRE(tests.front()
                                .at("unique_id")
                                .get<std::string>()
                                .starts_with("test.podcast.not_null_columns_" + table + "_"));
                    REQUIRE("fail" == tests.front().at("status"));
                    REQUIRE(nulls == tests.front().at("failures").get<std::int64_t>());
                }
            }
        }
    }
}

namespace {

std::string q1_events() {
    std::string text;
    auto complete = [&](const std::string& episode, const std::string& timestamp, int user) {
        text += event_line("complete", "user_" + std::to_string(user), episode, timestamp, 600);
    };
    // Window for as-of 2024-08-10: 2024-08-04T00:00:00 to 2024-08-10T23:59:59.
    complete("ep_1", "2024-08-03T23:59:59", 1);  // the second before the window
    complete("ep_2", "2024-08-04T00:00:00", 1);  // the window's first second
    complete("ep_2", "2024-08-10T23:59:59", 2);  // the window's last second
    complete("ep_3", "2024-08-11T00:00:00", 1);  // the second after
    complete("ep_3", "2024-08-05T12:00:00", 3);
    complete("ep_3", "2024-08-06T01:30:00+02:00", 4);  // 2024-08-05T23:30 UTC
    complete("ep_4", "2024-08-07T12:00:00", 5);
    complete("ep_4", "2024-08-08T12:00:00", 5);
    text += event_line("play", "user_1", "ep_1", "2024-08-09T12:00:00", 100);  // not a completion
    return text;
}

}  // namespace

SCENARIO("q1 ranks the most completed episodes of the 7 days ending on the as-of date",
         "[analytics]") {
    GIVEN("completions on, just inside and just outside the window's edges") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-11/events.json", q1_events());
            (void)workspace->run({"--var", "as_of=2024-08-10"});
            return workspace;
        });
        const std::string q1 =
            "select rank, episode_id, podcast_id, title, completions "
            "from gold.q1_top_completed_episodes order by rank";
        WHEN("the as-of var is 2024-08-10") {
            THEN("both edges count, the seconds outside do not, and ties rank by episode_id") {
                REQUIRE(std::vector<std::string>{
                            "1|ep_2|podcast_1|Episode 2|2", "2|ep_3|podcast_2|Episode 3|2",
                            "3|ep_4|podcast_3|Episode 4|2"} == rows_as_text(ws->query(q1)));
            }
        }
        WHEN("podcast report asks for another as-of date") {
            const auto report =
                run_podcast_binary({"report", "--as-of", "2024-08-04", "--format", "json",
                                    "--warehouse", ws->warehouse().string()});
            THEN("the window moves with it") {
                REQUIRE(0 == report.exit_code);
                const auto answer = nlohmann::json::parse(report.output);
                REQUIRE(answer.dump().find(R"("episode_id":"ep_1")") != std::string::npos);
            }
        }
    }
}

SCENARIO("q1 has exactly 10 rows when more than 10 episodes had completions", "[analytics]") {
    GIVEN("12 episodes completed on one day") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            std::string episodes = "episode_id,podcast_id,title,release_date,duration_seconds\n";
            std::string events;
            for (int e = 1; e <= 12; ++e) {
                episodes += "ep_" + std::to_string(e) + ",podcast_1,Episode " + std::to_string(e) +
                            ",2024-01-01,600\n";
                for (int c = 0; c < (e % 4) + 1; ++c) {
                    char timestamp[32];
                    std::snprintf(timestamp, sizeof timestamp, "2024-08-01T%02d:%02d:00", c, e);
                    events +=
                        event_line("complete", "user_1", "ep_" + std::to_string(e), timestamp, 300);
                }
            }
            workspace->write_reference(default_users_csv, episodes);
            workspace->drop("2024-08-01/events.json", events);
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs with the default as-of date") {
            THEN("the top 10 by completions, then episode_id, are listed") {
                REQUIRE(std::vector<std::string>{"1|ep_11|4", "2|ep_3|4", "3|ep_7|4", "4|ep_10|3",
                                                 "5|ep_2|3", "6|ep_6|3", "7|ep_1|2", "8|ep_5|2",
                                                 "9|ep_9|2", "10|ep_12|1"} ==
                        rows_as_text(ws->query("select rank, episode_id, completions from "
                                               "gold.q1_top_completed_episodes order by rank")));
            }
        }
    }
}

SCENARIO("q2 averages duration over episode length per country, uncapped", "[analytics]") {
    GIVEN("completions by users of three countries, one beyond the episode's length") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                // DE: user_1 and user_3; ep_1 is 3600 s, ep_2 1800 s.
                event_line("complete", "user_1", "ep_1", "2024-08-01T08:00:00", 1800) +
                    event_line("complete", "user_3", "ep_2", "2024-08-01T08:00:00", 1800) +
                    // FR: user_2, 1.5 times ep_4's 1200 s.
                    event_line("complete", "user_2", "ep_4", "2024-08-01T08:00:00", 1800) +
                    // GB: user_4, a play only (no completion).
                    event_line("play", "user_4", "ep_1", "2024-08-01T08:00:00", 100) +
                    // US: user_5, 7200 of 7200.
                    event_line("complete", "user_5", "ep_3", "2024-08-01T08:00:00", 7200));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("each country with completions has its mean rate and count") {
                REQUIRE(std::vector<std::string>{"DE|0.75|2", "FR|1.5|1", "US|1.0|1"} ==
                        rows_as_text(
                            ws->query("select country, avg_listen_through_rate, completions from "
                                      "gold.q2_listen_through_by_country order by country")));
            }
        }
    }
}

SCENARIO("q3 counts users with 3 or more episodes listened on one UTC day", "[analytics]") {
    GIVEN("users listening to 2, 3 and 3-across-midnight episodes") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop(
                "2024-08-01/events.json",
                // user_1: 3 episodes on one day, one of them through a complete only.
                event_line("play", "user_1", "ep_1", "2024-08-01T08:00:00", 60) +
                    event_line("play", "user_1", "ep_2", "2024-08-01T09:00:00", 60) +
                    event_line("complete", "user_1", "ep_3", "2024-08-01T10:00:00", 60) +
                    // user_2: 3 episodes, but the third on the next UTC day (via an offset).
                    event_line("play", "user_2", "ep_1", "2024-08-01T08:00:00", 60) +
                    event_line("play", "user_2", "ep_2", "2024-08-01T09:00:00", 60) +
                    event_line("play", "user_2", "ep_3", "2024-08-01T23:30:00-01:00", 60) +
                    // user_3: 2 episodes played, a third only paused and sought.
                    event_line("play", "user_3", "ep_1", "2024-08-01T08:00:00", 60) +
                    event_line("play", "user_3", "ep_2", "2024-08-01T09:00:00", 60) +
                    event_line("pause", "user_3", "ep_3", "2024-08-01T10:00:00", nullptr) +
                    event_line("seek", "user_3", "ep_4", "2024-08-01T10:00:00", nullptr) +
                    // user_4: the same episode three times.
                    event_line("play", "user_4", "ep_1", "2024-08-01T08:00:00", 60) +
                    event_line("play", "user_4", "ep_1", "2024-08-01T09:00:00", 60) +
                    event_line("play", "user_4", "ep_1", "2024-08-01T10:00:00", 60));
            (void)workspace->run();
            return workspace;
        });
        WHEN("the pipeline runs") {
            THEN("only user_1 counts") {
                REQUIRE(1 == ws->count("select users from gold.q3_multi_episode_listeners"));
            }
        }
        WHEN("the listen event types include pause and seek") {
            const auto run =
                ws->run({"--var", R"(listen_event_types=["play","complete","pause","seek"])"});
            THEN("user_3 counts too") {
                REQUIRE(0 == run.exit_code);
                REQUIRE(2 == ws->count("select users from gold.q3_multi_episode_listeners"));
            }
        }
    }
}
