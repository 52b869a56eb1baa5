#pragma once
// The integration tests' world: a private workspace (reference data, staging directory, loading
// directory, warehouse) in which the real `podcast` binary, and so the real dbt, runs; and
// read-only queries on the resulting warehouse through DuckDB's C API.
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../temp_dir.hpp"
#include "podcast/database.hpp"
#include "podcast/process.hpp"
#include "podcast/table.hpp"
#include "project.hpp"

namespace podcast::integration {

namespace fs = std::filesystem;

struct CommandOutcome {
    int exit_code = -1;
    std::string output;  // stdout and stderr, joined
};

// Runs a process to its end, capturing its output.
inline CommandOutcome run_capturing(const ProcessSpec& spec) {
    CommandOutcome outcome;
    auto status = run_process(spec, [&](std::string_view line) {
        outcome.output.append(line);
        outcome.output.push_back('\n');
    });
    if (!status) {
        throw std::runtime_error("could not start " + spec.executable.string() + ": " +
                                 status.error().message);
    }
    outcome.exit_code = *status;
    return outcome;
}

// Runs build/podcast with the arguments, capturing its output.
inline CommandOutcome run_podcast_binary(const std::vector<std::string>& arguments) {
    return run_capturing(ProcessSpec{PODCAST_BINARY, arguments, fs::current_path(), {}});
}

// One JSON line with the five keys; a nullopt value is written as JSON null.
inline std::string event_line(const nlohmann::json& event_type, const nlohmann::json& user_id,
                              const nlohmann::json& episode_id, const nlohmann::json& timestamp,
                              const nlohmann::json& duration) {
    nlohmann::ordered_json line;
    line["event_type"] = event_type;
    line["user_id"] = user_id;
    line["episode_id"] = episode_id;
    line["timestamp"] = timestamp;
    line["duration"] = duration;
    return line.dump() + "\n";
}

inline const std::string default_users_csv =
    "user_id,signup_date,country\n"
    "user_1,2023-01-27,DE\n"
    "user_2,2023-02-14,FR\n"
    "user_3,2023-07-28,DE\n"
    "user_4,2023-02-25,GB\n"
    "user_5,2024-01-03,US\n";

inline const std::string default_episodes_csv =
    "episode_id,podcast_id,title,release_date,duration_seconds\n"
    "ep_1,podcast_1,Episode 1,2023-07-17,3600\n"
    "ep_2,podcast_1,Episode 2,2023-03-11,1800\n"
    "ep_3,podcast_2,Episode 3,2023-06-28,7200\n"
    "ep_4,podcast_3,Episode 4,2023-06-05,1200\n";

class Workspace {
public:
    Workspace() {
        fs::create_directories(staging());
        fs::create_directories(loading());
        write_reference(default_users_csv, default_episodes_csv);
    }

    [[nodiscard]] const fs::path& root() const { return root_.path(); }
    [[nodiscard]] fs::path reference() const { return root_ / "reference"; }
    [[nodiscard]] fs::path staging() const { return root_ / "staging"; }
    [[nodiscard]] fs::path loading() const { return root_ / "loading"; }
    [[nodiscard]] fs::path warehouse() const { return root_ / "warehouse.duckdb"; }

    void write_reference(const std::string& users_csv, const std::string& episodes_csv) const {
        write(reference() / "users.csv", users_csv);
        write(reference() / "episodes.csv", episodes_csv);
    }

    // A complete file in the staging directory, as a producer leaves it.
    void stage(const fs::path& relative, const std::string& content) const {
        write(staging() / relative, content);
    }

    // A file put straight into the loading directory (for tests not about landing).
    void drop(const fs::path& relative, const std::string& content) const {
        write(loading() / relative, content);
    }

    [[nodiscard]] CommandOutcome land() const {
        return run_podcast_binary({"land", staging().string(), "--data-dir", loading().string(),
                                   "--warehouse", warehouse().string()});
    }

    // podcast run on this workspace, "now" pinned, with any extra arguments.
    [[nodiscard]] CommandOutcome run(std::vector<std::string> extra = {}) const {
        std::vector<std::string> arguments{"run",
                                           "--reference-dir",
                                           reference().string(),
                                           "--data-dir",
                                           loading().string(),
                                           "--warehouse",
                                           warehouse().string(),
                                           "--var",
                                           "now=" + std::string(pinned_now)};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        return run_podcast_binary(arguments);
    }

    // Only the load model, through the pinned dbt itself: what a run killed right after its load
    // step leaves behind (bronze.raw_events committed, nothing downstream).
    [[nodiscard]] CommandOutcome load_only() const {
        return pinned_dbt({"run", "--select", "raw_events"}, root_ / "load-only-target", {});
    }

    // `dbt compile` of the views, through the pinned dbt itself, into `target`, with the values a
    // run sets anew each time (load time, tested-since time, load manifest) as given.
    [[nodiscard]] CommandOutcome compile_views(const fs::path& target, const std::string& load_at,
                                               const std::string& tested_since) const {
        return pinned_dbt(
            {"compile", "--select", "config.materialized:view", "--indirect-selection", "empty"},
            target,
            {{"PODCAST_SEED_DIR", reference().string()},
             {"PODCAST_LOAD_AT", load_at},
             {"PODCAST_TESTED_SINCE", tested_since},
             {"PODCAST_LOAD_MANIFEST", (target / "load_manifest.csv").string()}});
    }

    // A read-only query on the warehouse; throws on failure (a test bug, not a finding).
    [[nodiscard]] Table query(const std::string& sql) const {
        return with_connection(AccessMode::read_only, [&](Connection& connection) {
            auto result = connection.query(sql);
            if (!result) {
                throw std::runtime_error(result.error().message + " in: " + sql);
            }
            return result->to_table();
        });
    }

    // A statement that writes to the warehouse (a test tampering with it, as a bug would); throws
    // on failure.
    void execute(const std::string& sql) const {
        with_connection(AccessMode::read_write, [&](Connection& connection) {
            if (auto result = connection.query(sql); !result) {
                throw std::runtime_error(result.error().message + " in: " + sql);
            }
        });
    }

    // The dbt-compiled SQL of the last run's data test whose file name starts with `prefix` (dbt
    // shortens long test names and adds a hash).
    [[nodiscard]] std::string compiled_test_sql(const std::string& prefix) const {
        const fs::path compiled = fs::path(warehouse().string() + ".dbt") / "target" / "compiled";
        std::error_code error;
        for (fs::recursive_directory_iterator it(compiled, error), end; !error && it != end;
             it.increment(error)) {
            if (it->path().filename().string().starts_with(prefix)) {
                std::ifstream in(it->path());
                return std::string(std::istreambuf_iterator<char>(in), {});
            }
        }
        throw std::runtime_error("no compiled test " + prefix + " under " + compiled.string());
    }

    // The last run's dbt results (run_results.json).
    [[nodiscard]] nlohmann::json last_dbt_results() const {
        std::ifstream in(fs::path(warehouse().string() + ".dbt") / "target" / "run_results.json");
        return nlohmann::json::parse(in);
    }

    // Each node the last run's dbt ran (run_results.json), by unique_id, with its status.
    [[nodiscard]] std::map<std::string, std::string> last_dbt_nodes() const {
        const nlohmann::json results = last_dbt_results();  // outlives the loop below
        std::map<std::string, std::string> nodes;
        for (const auto& result : results.at("results")) {
            nodes[result.at("unique_id").get<std::string>()] =
                result.at("status").get<std::string>();
        }
        return nodes;
    }

    // dbt's JSON log of every run on this warehouse so far ("" before the first).
    [[nodiscard]] std::string dbt_log() const {
        std::ifstream in(fs::path(warehouse().string() + ".dbt") / "logs" / "dbt.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    // The single value of a one-row, one-column query, as text ("NULL" for null).
    [[nodiscard]] std::string scalar(const std::string& sql) const {
        const Table table = query(sql);
        if (table.rows.size() != 1 || table.rows.front().size() != 1) {
            throw std::runtime_error("not a scalar query: " + sql);
        }
        return table.rows.front().front().value_or("NULL");
    }

    [[nodiscard]] std::int64_t count(const std::string& sql) const {
        return std::stoll(scalar(sql));
    }

    // False too when there is no warehouse yet (a run refused before dbt started creates none).
    [[nodiscard]] bool table_exists(const std::string& schema, const std::string& name) const {
        return fs::exists(warehouse()) &&
               count("select count(*) from information_schema.tables where table_schema = '" +
                     schema + "' and table_name = '" + name + "'") == 1;
    }

private:
    // The pinned dbt on the project and this workspace's warehouse and loading directory, with
    // `target` as its target folder (its log under it) and `environment` added.
    [[nodiscard]] CommandOutcome pinned_dbt(
        std::vector<std::string> arguments, const fs::path& target,
        std::vector<std::pair<std::string, std::string>> environment) const {
        const fs::path project = project_root() / "warehouse";
        arguments.insert(arguments.end(),
                         {"--project-dir", project.string(), "--profiles-dir", project.string()});
        environment.insert(environment.end(), {{"PODCAST_WAREHOUSE", warehouse().string()},
                                               {"PODCAST_DATA_DIR", loading().string()},
                                               {"DBT_TARGET_PATH", target.string()},
                                               {"DBT_LOG_PATH", (target / "logs").string()},
                                               {"DBT_SEND_ANONYMOUS_USAGE_STATS", "false"}});
        return run_capturing(ProcessSpec{project_root() / ".venv/bin/dbt", std::move(arguments),
                                         project, std::move(environment)});
    }

    // Opens the warehouse in the given mode for one use of a connection; throws on failure.
    template <class Use>
    std::invoke_result_t<Use, Connection&> with_connection(AccessMode mode, Use&& use) const {
        auto database = Database::open(warehouse(), mode);
        if (!database) {
            throw std::runtime_error(database.error().message);
        }
        auto connection = Connection::connect(*database);
        if (!connection) {
            throw std::runtime_error(connection.error().message);
        }
        return use(*connection);
    }

    static void write(const fs::path& path, const std::string& content) {
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        out << content;
        if (!out) {
            throw std::runtime_error("could not write " + path.string());
        }
    }

    podcast::testing::TempDir root_{"podcast-integration"};
};

// Run once per scenario: the one idiom of these tests.
//
// Catch2 runs a SCENARIO from its start once for every THEN leaf, each time taking one new path
// through its GIVEN, WHEN and THEN sections, so whatever a GIVEN or WHEN does is done again for
// every THEN below it. A scenario therefore builds its workspace and runs its commands (land,
// run, report, ...) inside a captureless lambda given to once(), first thing in its GIVEN, and
// keeps every outcome its THENs read in the value the lambda returns:
//
//     GIVEN("a day loaded, then loaded again") {
//         const auto& state = once([] {
//             State s;  // e.g. std::unique_ptr<Workspace> ws; CommandOutcome second;
//             s.ws->drop("2024-08-01/events.json", events);
//             (void)s.ws->run();
//             s.second = s.ws->run();
//             return s;
//         });
//         THEN("the second run succeeds") { REQUIRE(0 == state.second.exit_code); }
//         THEN("the rows are loaded once") { REQUIRE(25 == state.ws->count(rows)); }
//     }
//
// The lambda runs on the first pass only; later passes get the same value. Every lambda
// expression has a type of its own, so every call site keeps its own value for the life of the
// test process: two scenarios never share state, also when one process runs them all (ctest runs
// each scenario in a process of its own). A plain function is refused here for that reason
// (all its call sites would share one value): wrap it, `once([] { return build(); })`.
// A WHEN may still act (a query, a run with other vars) when that is cheap or it has one THEN:
// its action is repeated for each THEN below it.
template <class Build>
requires std::is_empty_v<Build> && std::is_invocable_v<Build>
auto& once(Build build) {
    static auto value = build();
    return value;
}

// Every row of a table as "a|b|c" lines, NULL as "NULL": a compact form to compare tables.
inline std::vector<std::string> rows_as_text(const Table& table) {
    std::vector<std::string> lines;
    for (const auto& row : table.rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) {
                line += '|';
            }
            line += row[i].value_or("NULL");
        }
        lines.push_back(line);
    }
    return lines;
}

}  // namespace podcast::integration
