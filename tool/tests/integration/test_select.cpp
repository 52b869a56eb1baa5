// `podcast run --select`: a partial run builds what it selects (with its data tests), loads new
// files only when it selects the load, and is never taken for a complete run by the next one.
#include <catch2/catch.hpp>

#include <sstream>

#include "workspace.hpp"

using namespace podcast::integration;
using nlohmann::json;

namespace {

const std::string q3 = "podcast.gold.analysis.q3_multi_episode_listeners";

std::string play(const std::string& user, const std::string& episode, const std::string& at) {
    return event_line("play", user, episode, at, 60);
}

// The last final line of the runs log (not a "started" one).
json last_record(const Workspace& ws) {
    std::ifstream in(ws.warehouse().string() + ".runs.jsonl");
    json last;
    for (std::string line; std::getline(in, line);) {
        auto record = json::parse(line);
        if (record["outcome"] != "started") {
            last = std::move(record);
        }
    }
    return last;
}

std::vector<std::string> node_ids(const json& record) {
    std::vector<std::string> ids;
    for (const auto& [id, outcome] : record["nodes"].items()) {
        if (!id.starts_with("operation.")) {  // the on-run-start hooks run in every build
            ids.push_back(id);
        }
    }
    return ids;
}

}  // namespace

SCENARIO(
    "A partial run builds only its selection, loads nothing unless it selects the load, and "
    "is never taken for a complete run",
    "[run][select]") {
    GIVEN("a complete run over one day; then a new day landed and a user's country changed") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            CommandOutcome complete, partial, next;
            json partial_record;
            std::int64_t raw_after_partial = 0;
            std::string country_after_partial;
        };
        auto& state = once([] {
            State s;
            s.ws->drop("2024-08-01/events.json", play("user_1", "ep_1", "2024-08-01T08:00:00") +
                                                     play("user_1", "ep_2", "2024-08-01T09:00:00"));
            s.complete = s.ws->run();
            s.ws->drop("2024-08-02/events.json", play("user_2", "ep_1", "2024-08-02T08:00:00"));
            std::string users = default_users_csv;
            users.replace(users.find("user_1,2023-01-27,DE"), 20, "user_1,2023-01-27,NL");
            s.ws->write_reference(users, default_episodes_csv);
            s.partial = s.ws->run({"--select", q3, "--origin", "test"});
            s.partial_record = last_record(*s.ws);
            s.raw_after_partial = s.ws->count("select count(*) from bronze.raw_events");
            s.country_after_partial =
                s.ws->scalar("select country from silver.users where user_id = 'user_1'");
            s.next = s.ws->run();
            return s;
        });
        WHEN("a run selects gold.q3_multi_episode_listeners, then a run selects everything") {
            THEN("the partial run succeeds having built q3 alone") {
                INFO(state.partial.output);
                REQUIRE(0 == state.complete.exit_code);
                REQUIRE(0 == state.partial.exit_code);
                REQUIRE(std::vector<std::string>{"model.podcast.q3_multi_episode_listeners"} ==
                        node_ids(state.partial_record));
            }
            THEN("its line of the runs log records the selection and the origin") {
                REQUIRE(q3 == state.partial_record["select"]);
                REQUIRE("test" == state.partial_record["origin"]);
            }
            THEN("it did not load the new day, nor reload the reference data") {
                REQUIRE(2 == state.raw_after_partial);
                REQUIRE("DE" == state.country_after_partial);
            }
            THEN("the next complete run starts dbt, loads the day and the new reference data") {
                INFO(state.next.output);
                REQUIRE(0 == state.next.exit_code);
                REQUIRE_THAT(state.next.output, !Catch::Contains("Nothing new"));
                REQUIRE(3 == state.ws->count("select count(*) from bronze.raw_events"));
                REQUIRE("NL" == state.ws->scalar(
                                    "select country from silver.users where user_id = 'user_1'"));
                REQUIRE_FALSE(last_record(*state.ws).contains("select"));
            }
        }
    }
}

SCENARIO("A selection that matches no node fails with the usage code, naming it", "[run][select]") {
    GIVEN("a workspace with one day") {
        auto& state = once([] {
            struct State {
                std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
                CommandOutcome run;
            } s;
            s.ws->drop("2024-08-01/events.json", play("user_1", "ep_1", "2024-08-01T08:00:00"));
            s.run = s.ws->run({"--select", "gold.no_such_model"});
            return s;
        });
        THEN("the run exits 2 with dbt's reason on its last line") {
            REQUIRE(2 == state.run.exit_code);
            REQUIRE_THAT(state.run.output,
                         Catch::Contains("podcast: the selection (gold.no_such_model) matches no "
                                         "node of the project"));
        }
    }
}
