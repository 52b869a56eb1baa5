// End to end, differential: generated datasets loaded one day per run, then rebuilt with a full
// refresh; every figure of the generator's expected.json (computed in C++, independently of the
// SQL) must equal what the warehouse holds, each time.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "expected_figures.hpp"
#include "workspace.hpp"

using namespace podcast::integration;
using nlohmann::json;

namespace {

struct Dataset {
    std::uint64_t seed;
    double defect_rate;
    double duplicate_rate;
};

// The warehouse's figures in expected.json's shape.
json warehouse_figures(const Workspace& ws) {
    json figures;
    for (const auto& row :
         ws.query("select filename, count(*) from bronze.raw_events group by 1").rows) {
        figures["files"][*row[0]] = std::stoll(*row[1]);
    }
    figures["raw_rows"] = ws.count("select count(*) from bronze.raw_events");
    figures["valid_rows"] = ws.count(
        "select count(*) from bronze.raw_events_validated where len(validation_errors) = 0");
    figures["invalid_rows"] = ws.count(
        "select count(*) from bronze.raw_events_validated where len(validation_errors) > 0");
    json codes = json::object();
    for (const auto& row : ws.query("select code, count(*) from (select unnest(validation_errors) "
                                    "as code from bronze.raw_events_validated) group by code")
                               .rows) {
        codes[*row[0]] = std::stoll(*row[1]);
    }
    figures["validation_codes"] = codes;
    figures["cleansed_rows"] = ws.count("select count(*) from silver.cleansed_events");
    figures["fact_rows"] = ws.count("select count(*) from gold.fact_user_interactions");
    const auto ids = ws.query(interaction_id_figures_sql).rows.at(0);
    figures["interaction_ids"] = interaction_id_figures(ids.at(0), ids.at(1), ids.at(2));
    figures["q1_as_of"] =
        ws.scalar("select cast(max(timestamp) as date) from gold.fact_user_interactions");
    json q1 = json::array();
    for (const auto& row : ws.query("select rank, episode_id, podcast_id, title, completions from "
                                    "gold.q1_top_completed_episodes order by rank")
                               .rows) {
        q1.push_back({{"rank", std::stoll(*row[0])},
                      {"episode_id", *row[1]},
                      {"podcast_id", *row[2]},
                      {"title", *row[3]},
                      {"completions", std::stoll(*row[4])}});
    }
    figures["q1"] = q1;
    json q2 = json::array();
    for (const auto& row : ws.query("select country, avg_listen_through_rate, completions from "
                                    "gold.q2_listen_through_by_country order by country")
                               .rows) {
        q2.push_back({{"country", *row[0]},
                      {"avg_listen_through_rate", std::stod(*row[1])},
                      {"completions", std::stoll(*row[2])}});
    }
    figures["q2"] = q2;
    figures["q3_users"] = ws.count("select users from gold.q3_multi_episode_listeners");
    const auto sessions = ws.query(
        "select count(*), sum(events), sum(episodes), sum(listened_seconds), "
        "sum(date_diff('second', session_start, session_end)) from gold.user_sessions");
    figures["sessions"] = {{"gap_minutes", 30},
                           {"sessions", std::stoll(*sessions.rows.at(0).at(0))},
                           {"events", std::stoll(*sessions.rows.at(0).at(1))},
                           {"episodes", std::stoll(*sessions.rows.at(0).at(2))},
                           {"listened_seconds", std::stoll(*sessions.rows.at(0).at(3))},
                           {"duration_seconds", std::stoll(*sessions.rows.at(0).at(4))}};
    const auto q4 = ws.query(
        "select count(*), avg(avg_session_duration_seconds) from "
        "gold.q4_average_session_duration_per_user");
    figures["q4"] = {{"users", std::stoll(*q4.rows.at(0).at(0))},
                     {"mean_avg_session_duration_seconds", std::stod(*q4.rows.at(0).at(1))}};
    return figures;
}

struct Outcome {
    std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
    json expected;
    std::vector<int> day_exit_codes;
    json after_days;
    int refresh_exit_code = -1;
    json after_refresh;
};

Outcome run_dataset(const Dataset& dataset) {
    Outcome o;
    const fs::path generated = o.ws->root() / "generated";
    const auto generate = run_podcast_binary(
        {"generate", "--out", generated.string(), "--days", "4", "--events-per-day", "1500",
         "--users", "120", "--episodes", "40", "--seed", std::to_string(dataset.seed),
         "--defect-rate", std::to_string(dataset.defect_rate), "--duplicate-rate",
         std::to_string(dataset.duplicate_rate)});
    if (generate.exit_code != 0) {
        throw std::runtime_error("podcast generate failed: " + generate.output);
    }
    std::ifstream in(generated / "expected.json");
    o.expected = json::parse(in);
    fs::copy_file(generated / "reference/users.csv", o.ws->reference() / "users.csv",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(generated / "reference/episodes.csv", o.ws->reference() / "episodes.csv",
                  fs::copy_options::overwrite_existing);
    std::vector<fs::path> days;
    for (const auto& entry : fs::directory_iterator(generated / "events")) {
        days.push_back(entry.path());
    }
    std::sort(days.begin(), days.end());
    for (const auto& day : days) {
        const auto land = run_podcast_binary({"land", (day / "events.json").string(), "--data-dir",
                                              o.ws->loading().string(), "--warehouse",
                                              o.ws->warehouse().string()});
        if (land.exit_code != 0) {
            throw std::runtime_error("podcast land failed: " + land.output);
        }
        o.day_exit_codes.push_back(o.ws->run().exit_code);
    }
    o.after_days = warehouse_figures(*o.ws);
    o.refresh_exit_code = o.ws->run({"--full-refresh"}).exit_code;
    o.after_refresh = warehouse_figures(*o.ws);
    return o;
}

}  // namespace

// One scenario per dataset, so that ctest runs them in parallel; the pipeline runs once per
// scenario, not once per THEN.
#define DIFFERENTIAL_SCENARIO(SEED, DEFECT_RATE, DUPLICATE_RATE)                           \
    SCENARIO("Generated data (seed " #SEED ", defects " #DEFECT_RATE                       \
             ", duplicates " #DUPLICATE_RATE                                               \
             ") loaded day by day and refreshed matches the generator's truth",            \
             "[e2e]") {                                                                    \
        GIVEN("a generated dataset of four days") {                                        \
            const auto& outcome = once([] {                                                \
                return run_dataset(Dataset{SEED, DEFECT_RATE, DUPLICATE_RATE});            \
            });                                                                            \
            WHEN("each day is landed and run, then everything is rebuilt") {               \
                THEN("every run succeeds") {                                               \
                    REQUIRE(std::vector<int>(outcome.day_exit_codes.size(), 0) ==          \
                            outcome.day_exit_codes);                                       \
                    REQUIRE(0 == outcome.refresh_exit_code);                               \
                }                                                                          \
                THEN("the warehouse after the daily runs holds expected.json's figures") { \
                    require_expected_figures(outcome.expected, outcome.after_days);        \
                }                                                                          \
                THEN("the warehouse after the full refresh holds them too") {              \
                    require_expected_figures(outcome.expected, outcome.after_refresh);     \
                }                                                                          \
                THEN("the sessions after the daily runs are expected.json's") {            \
                    require_session_figures(outcome.expected, outcome.after_days);         \
                }                                                                          \
                THEN("the sessions after the full refresh are the same") {                 \
                    require_session_figures(outcome.expected, outcome.after_refresh);      \
                }                                                                          \
            }                                                                              \
        }                                                                                  \
    }

DIFFERENTIAL_SCENARIO(1, 0.05, 0.02)
DIFFERENTIAL_SCENARIO(7, 0.25, 0.10)
DIFFERENTIAL_SCENARIO(42, 0.0, 0.0)
