// The Snowflake target (`podcast run --target prod`), proven without an account: the fakesnow
// emulator serves the Snowflake protocol on a free loopback port, dbt-snowflake runs the whole
// pipeline against it, and the warehouse must hold the generator's expected.json figures and
// the very interaction_ids of a DuckDB run of the same files (docs/snowflake.md).
//
// Self-contained on purpose: the C++ standard library, nlohmann_json, Catch2, OpenSSL (the
// documented id formula) and POSIX only (with the integration tests' shared project root,
// pinned "now" and temporary directory).
// The emulator runs from .venv-fakesnow (make venv-fakesnow), the Snowflake figures are read
// with warehouse/snowflake/query.py, the DuckDB ones with `podcast query`.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../temp_dir.hpp"
#include "expected_figures.hpp"
#include "interaction_id.hpp"
#include "project.hpp"
#include "workspace.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using podcast::integration::nonzero;
using podcast::integration::once;
using podcast::integration::pinned_now;
using podcast::integration::project_root;
using podcast::integration::require_expected_figures;
using podcast::testing::TempDir;
using Environment = std::map<std::string, std::string>;

// Settings of the emulated account: the emulator accepts any, and none is a secret.
Environment snowflake_environment(int port, const std::string& database = "PODCAST") {
    return {{"SNOWFLAKE_ACCOUNT", "fakesnow"},     {"SNOWFLAKE_USER", "fake"},
            {"SNOWFLAKE_PASSWORD", "snow"},        {"SNOWFLAKE_ROLE", "podcast_pipeline"},
            {"SNOWFLAKE_WAREHOUSE", "podcast_wh"}, {"SNOWFLAKE_DATABASE", database},
            {"SNOWFLAKE_HOST", "127.0.0.1"},       {"SNOWFLAKE_PORT", std::to_string(port)},
            {"SNOWFLAKE_PROTOCOL", "http"}};
}

// This process's environment with `overrides` set, as execve wants it.
std::vector<std::string> environment_with(const Environment& overrides) {
    std::vector<std::string> entries;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        if (!overrides.contains(text.substr(0, text.find('=')))) {
            entries.push_back(text);
        }
    }
    for (const auto& [name, value] : overrides) {
        entries.push_back(name + "=" + value);
    }
    return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& texts) {
    std::vector<char*> pointers;
    for (auto& text : texts) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

// Where a child's stderr goes: into the captured output, or appended to a log file.
enum class Stderr { captured, to_log };

struct ChildSpec {
    std::vector<std::string> arguments;  // the program first, no shell
    Environment environment;
    Stderr stderr_to = Stderr::captured;
    fs::path log;       // for Stderr::to_log
    fs::path input;     // stdin, when not empty
    int stdin_fd = -1;  // or this descriptor as stdin
};

// Forks and execs; the child's stdout is the returned pipe's read end.
std::pair<pid_t, int> spawn(const ChildSpec& spec) {
    int out[2];
    if (::pipe(out) != 0) {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    std::vector<std::string> arguments = spec.arguments;
    std::vector<std::string> environment = environment_with(spec.environment);
    std::vector<char*> argv = pointers_to(arguments);
    std::vector<char*> envp = pointers_to(environment);
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        if (spec.stderr_to == Stderr::captured) {
            ::dup2(out[1], STDERR_FILENO);
        } else {
            const int log = ::open(spec.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            ::dup2(log, STDERR_FILENO);
        }
        if (!spec.input.empty()) {
            const int input = ::open(spec.input.c_str(), O_RDONLY);
            ::dup2(input, STDIN_FILENO);
        } else if (spec.stdin_fd >= 0) {
            ::dup2(spec.stdin_fd, STDIN_FILENO);
        }
        ::close(out[0]);
        ::close(out[1]);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out[1]);
    return {pid, out[0]};
}

struct Outcome {
    int exit_code = -1;
    std::string output;
};

Outcome run(const ChildSpec& spec) {
    const auto [pid, out] = spawn(spec);
    Outcome outcome;
    char buffer[65536];
    ssize_t n = 0;
    while ((n = ::read(out, buffer, sizeof buffer)) != 0) {
        if (n > 0) {
            outcome.output.append(buffer, static_cast<std::size_t>(n));
        } else if (errno != EINTR) {
            break;
        }
    }
    ::close(out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return outcome;
}

Outcome run_or_throw(const ChildSpec& spec, const std::string& what) {
    Outcome outcome = run(spec);
    if (outcome.exit_code != 0) {
        throw std::runtime_error(what + " exited with " + std::to_string(outcome.exit_code) +
                                 ":\n" + outcome.output);
    }
    return outcome;
}

// The emulator, serving while this object lives: started with .venv-fakesnow's Python, it
// prints "port N" once it accepts connections; SIGTERM stops it, and so does the end of its
// stdin, a pipe whose other end only this process holds (closed even if the test crashes).
// What the emulator does besides serving (warehouse/snowflake/emulator.py's options).
struct EmulatorOptions {
    fs::path statement_log;     // every statement it receives, one JSON object a line
    fs::path external_storage;  // the cloud storage its external stages list and read
};

class Emulator {
public:
    explicit Emulator(const fs::path& log, const EmulatorOptions& options = {}) {
        const fs::path python = project_root() / ".venv-fakesnow/bin/python";
        if (!fs::exists(python)) {
            throw std::runtime_error(python.string() +
                                     " not found: create it with 'make venv-fakesnow'");
        }
        // The emulator keeps its internal stages under TMPDIR: inside the workspace, removed with
        // it.
        const fs::path scratch = log.parent_path() / "emulator-tmp";
        fs::create_directories(scratch);
        int watch[2];
        if (::pipe2(watch, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
        }
        watch_ = watch[1];
        std::vector<std::string> arguments{
            python.string(), (project_root() / "warehouse/snowflake/emulator.py").string(),
            "--watch-stdin"};
        if (!options.statement_log.empty()) {
            arguments.insert(arguments.end(), {"--statement-log", options.statement_log.string()});
        }
        if (!options.external_storage.empty()) {
            arguments.insert(arguments.end(),
                             {"--external-storage", options.external_storage.string()});
        }
        ChildSpec spec{arguments,
                       {{"SNOWFLAKE_DATABASE", "PODCAST"}, {"TMPDIR", scratch.string()}},
                       Stderr::to_log,
                       log,
                       {},
                       watch[0]};
        std::tie(pid_, out_) = spawn(spec);
        ::close(watch[0]);
        std::string text;
        pollfd ready{out_, POLLIN, 0};
        while (text.find('\n') == std::string::npos && ::poll(&ready, 1, 120000) == 1) {
            char buffer[256];
            const ssize_t n = ::read(out_, buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            text.append(buffer, static_cast<std::size_t>(n));
        }
        if (text.rfind("port ", 0) != 0) {
            stop();
            throw std::runtime_error("the emulator did not start (see " + log.string() + ")");
        }
        port_ = std::stoi(text.substr(5));
    }
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;
    ~Emulator() { stop(); }

    [[nodiscard]] int port() const { return port_; }

private:
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::close(watch_);
            ::waitpid(pid_, nullptr, 0);
            ::close(out_);
            pid_ = -1;
        }
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int watch_ = -1;  // the write end of the emulator's stdin
    int port_ = 0;
};

// expected.json's shape, from rows of text values (NULL as null).
using Rows = std::vector<std::vector<std::optional<std::string>>>;

const std::map<std::string, std::string> common_queries = {
    {"files",
     "select filename, count(*) from bronze.raw_events group by filename order by filename"},
    {"raw_rows", "select count(*) from bronze.raw_events"},
    {"cleansed_rows", "select count(*) from silver.cleansed_events"},
    {"fact_rows", "select count(*) from gold.fact_user_interactions"},
    {"q1",
     "select rank, episode_id, podcast_id, title, completions "
     "from gold.q1_top_completed_episodes order by rank"},
    {"q2",
     "select country, avg_listen_through_rate, completions "
     "from gold.q2_listen_through_by_country order by country"},
    {"q3", "select users from gold.q3_multi_episode_listeners"},
    {"id_figures", podcast::integration::interaction_id_figures_sql},
    {"record",
     "select filename, row_count, byte_count, sha256 from bronze.loaded_files order by filename"},
    {"lines",
     "select filename, line_number, user_id, episode_id, timestamp from bronze.raw_events "
     "order by filename, line_number"},
};

std::map<std::string, std::string> snowflake_queries() {
    auto queries = common_queries;
    queries["valid_rows"] =
        "select count(*) from bronze.raw_events_validated where array_size(validation_errors) = 0";
    queries["codes"] =
        "select codes.value::varchar, count(*) from bronze.raw_events_validated, "
        "lateral flatten(input => validation_errors) as codes group by 1 order by 1";
    queries["q1_as_of"] =
        "select to_varchar(max(timestamp)::date, 'YYYY-MM-DD') from gold.fact_user_interactions";
    queries["ids"] =
        "select to_varchar(interaction_id), user_id, episode_id, event_type, "
        "to_varchar(cast(timestamp as timestamp_ntz), 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        "from gold.fact_user_interactions order by 1";
    return queries;
}

std::map<std::string, std::string> duckdb_queries() {
    auto queries = common_queries;
    queries["valid_rows"] =
        "select count(*) from bronze.raw_events_validated where len(validation_errors) = 0";
    queries["codes"] =
        "select code, count(*) from (select unnest(validation_errors) as code "
        "from bronze.raw_events_validated) group by 1 order by 1";
    queries["q1_as_of"] =
        "select strftime(max(timestamp), '%Y-%m-%d') from gold.fact_user_interactions";
    queries["ids"] =
        "select cast(interaction_id as varchar), user_id, episode_id, cast(event_type as varchar), "
        "strftime(timestamp, '%Y-%m-%dT%H:%M:%S') from gold.fact_user_interactions order by 1";
    return queries;
}

std::optional<std::string> text_of(const nlohmann::ordered_json& value) {
    if (value.is_null()) return std::nullopt;
    if (value.is_string()) return value.get<std::string>();
    return value.dump();
}

std::int64_t integer(const std::optional<std::string>& text) { return std::stoll(text.value()); }

// Each row as its values joined by '|', NULL as "NULL".
std::vector<std::string> joined_rows(const Rows& rows) {
    std::vector<std::string> joined;
    for (const auto& row : rows) {
        std::string text;
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) text += '|';
            text += row[i].value_or("NULL");
        }
        joined.push_back(text);
    }
    return joined;
}

// The figures of one warehouse in expected.json's shape, plus the fact's keys, the load record
// and each raw line's file and line number.
json figures_of(const std::map<std::string, Rows>& rows) {
    json figures;
    figures["files"] = json::object();
    for (const auto& row : rows.at("files")) figures["files"][*row[0]] = integer(row[1]);
    for (const char* name : {"raw_rows", "valid_rows", "cleansed_rows", "fact_rows"}) {
        figures[name] = integer(rows.at(name).at(0).at(0));
    }
    const auto& ids = rows.at("id_figures").at(0);
    figures["interaction_ids"] =
        podcast::integration::interaction_id_figures(ids.at(0), ids.at(1), ids.at(2));
    figures["invalid_rows"] =
        figures["raw_rows"].get<std::int64_t>() - figures["valid_rows"].get<std::int64_t>();
    figures["validation_codes"] = json::object();
    for (const auto& row : rows.at("codes")) figures["validation_codes"][*row[0]] = integer(row[1]);
    figures["q1_as_of"] = rows.at("q1_as_of").at(0).at(0).value();
    figures["q1"] = json::array();
    for (const auto& row : rows.at("q1")) {
        figures["q1"].push_back({{"rank", integer(row[0])},
                                 {"episode_id", *row[1]},
                                 {"podcast_id", *row[2]},
                                 {"title", *row[3]},
                                 {"completions", integer(row[4])}});
    }
    figures["q2"] = json::array();
    for (const auto& row : rows.at("q2")) {
        figures["q2"].push_back({{"country", *row[0]},
                                 {"avg_listen_through_rate", std::stod(row[1].value())},
                                 {"completions", integer(row[2])}});
    }
    figures["q3_users"] = integer(rows.at("q3").at(0).at(0));
    figures["record"] = joined_rows(rows.at("record"));
    figures["lines"] = joined_rows(rows.at("lines"));
    figures["ids"] = json::array();
    for (const auto& row : rows.at("ids")) {
        figures["ids"].push_back(*row[0] + "|" + *row[1] + "|" + *row[2] + "|" + *row[3] + "|" +
                                 *row[4]);
    }
    return figures;
}

struct Outcomes {
    json expected;
    json duckdb;
    json snowflake;
    json snowflake_after_first_day;
    json snowflake_after_rerun;
};

Outcome podcast(std::vector<std::string> arguments, const Environment& environment = {}) {
    arguments.insert(arguments.begin(), PODCAST_BINARY);
    return run_or_throw({arguments, environment, Stderr::captured, {}, {}},
                        "podcast " + arguments.at(1));
}

std::map<std::string, Rows> duckdb_rows(const fs::path& warehouse) {
    std::map<std::string, Rows> all;
    for (const auto& [name, sql] : duckdb_queries()) {
        // Ordered: each object's keys are the query's columns, in order.
        const auto answer = nlohmann::ordered_json::parse(
            podcast({"query", "--format", "json", "--warehouse", warehouse.string(), sql}).output);
        Rows rows;
        for (const auto& object : answer) {
            std::vector<std::optional<std::string>> row;
            for (const auto& [column, value] : object.items()) row.push_back(text_of(value));
            rows.push_back(std::move(row));
        }
        all[name] = std::move(rows);
    }
    return all;
}

std::map<std::string, Rows> snowflake_rows(
    const fs::path& workspace, int port, const std::string& database = "PODCAST",
    const std::map<std::string, std::string>& queries = snowflake_queries()) {
    const fs::path queries_file = workspace / "snowflake-queries.json";
    std::ofstream(queries_file) << json(queries).dump();
    const Outcome answer = run_or_throw(
        {{(project_root() / ".venv/bin/python").string(),
          (project_root() / "warehouse/snowflake/query.py").string(), queries_file.string()},
         snowflake_environment(port, database),
         Stderr::to_log,
         workspace / "query.log",
         {}},
        "warehouse/snowflake/query.py");
    const json answers = json::parse(answer.output);
    std::map<std::string, Rows> all;
    for (const auto& [name, rows] : answers.items()) {
        Rows table;
        for (const auto& row : rows) {
            std::vector<std::optional<std::string>> values;
            for (const auto& value : row) values.push_back(text_of(value));
            table.push_back(std::move(values));
        }
        all[name] = std::move(table);
    }
    return all;
}

// Builds everything once: a generated dataset run on DuckDB, then on the emulator in two runs
// (the first day, then the rest), then once more with no new file.
Outcomes build_outcomes() {
    const TempDir workspace("podcast-snowflake");
    const fs::path generated = workspace.path() / "generated";
    const fs::path loading = workspace.path() / "loading";
    podcast({"generate", "--out", generated.string(), "--days", "3", "--events-per-day", "700",
             "--users", "80", "--episodes", "30", "--seed", "11", "--defect-rate", "0.12",
             "--duplicate-rate", "0.05"});
    const fs::path duckdb_warehouse = workspace.path() / "duckdb/warehouse.duckdb";
    // Its own warehouse's load record, not the default one a `make run` leaves in the checkout.
    podcast({"land", (generated / "events").string(), "--data-dir", loading.string(), "--warehouse",
             duckdb_warehouse.string()});
    Outcomes outcomes;
    outcomes.expected = json::parse(std::ifstream(generated / "expected.json"));

    std::vector<std::string> event_files;
    for (const auto& [name, rows] : outcomes.expected["files"].items()) event_files.push_back(name);
    std::sort(event_files.begin(), event_files.end());

    const std::vector<std::string> common{"--reference-dir", (generated / "reference").string(),
                                          "--data-dir",      loading.string(),
                                          "--var",           "now=" + std::string(pinned_now)};
    auto run_arguments = [&](std::vector<std::string> extra) {
        std::vector<std::string> arguments{"run"};
        arguments.insert(arguments.end(), common.begin(), common.end());
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        return arguments;
    };

    podcast(run_arguments({"--warehouse", duckdb_warehouse.string()}));
    outcomes.duckdb = figures_of(duckdb_rows(duckdb_warehouse));

    Emulator emulator(workspace.path() / "emulator.log");
    const Environment snowflake = snowflake_environment(emulator.port());
    // `podcast run --target prod` keeps its lock and run log beside this path; no DuckDB file.
    const fs::path prod_state = workspace.path() / "prod/warehouse.duckdb";
    auto prod_run = [&](const std::vector<std::string>& files) {
        return podcast(run_arguments({"--target", "prod", "--warehouse", prod_state.string(),
                                      "--var", "snowflake_emulator=true", "--var",
                                      "event_files=" + json(files).dump()}),
                       snowflake);
    };
    prod_run({event_files.front()});
    outcomes.snowflake_after_first_day =
        figures_of(snowflake_rows(workspace.path(), emulator.port()));
    prod_run(event_files);
    outcomes.snowflake = figures_of(snowflake_rows(workspace.path(), emulator.port()));
    prod_run(event_files);
    outcomes.snowflake_after_rerun = figures_of(snowflake_rows(workspace.path(), emulator.port()));
    return outcomes;
}

// Hostile but valid inputs for the id: offsets that move the UTC day (and a leap day), ids in
// Unicode (also written as JSON \u escapes), with quotes, commas and backslashes, padding.
// Every line is valid; the reference data holds the ids exactly (CSV quoting for quotes).
const char* tricky_users_csv =
    "user_id,signup_date,country\n"
    "ünïcødé_用户,2023-01-01,DE\n"
    "\"o'brien \"\"quoted\"\"\",2023-01-01,IE\n"
    "back\\slash\\n,2023-01-01,FR\n"
    "user_plain,2023-01-01,US\n";

const char* tricky_episodes_csv =
    "episode_id,podcast_id,title,release_date,duration_seconds\n"
    "ep_🎧,p1,\"Title, with a comma\",2023-01-01,600\n"
    "ep\\tab,p1,T2,2023-01-01,600\n"
    "\"ep \"\"q\"\"\",p1,T3,2023-01-01,600\n";

const char* tricky_events =
    R"({"event_type":"complete","user_id":"\u00fcn\u00efc\u00f8d\u00e9_\u7528\u6237","episode_id":"ep_\ud83c\udfa7","timestamp":"2024-08-01T23:30:00-02:00","duration":300})"
    "\n"
    R"({"event_type":" Play ","user_id":" o'brien \"quoted\" ","episode_id":"ep\\tab","timestamp":"2024-08-01T00:15:00+01:00","duration":"120"})"
    "\n"
    R"({"event_type":"pause","user_id":"back\\slash\\n","episode_id":"ep \"q\"","timestamp":"2024-08-01T12:00:00Z","duration":null})"
    "\n"
    R"({"event_type":"seek","user_id":"user_plain","episode_id":"ep_\ud83c\udfa7","timestamp":"2024-08-01T12:00:00+05:45","duration":null})"
    "\n"
    R"({"event_type":"play","user_id":"\u00fcn\u00efc\u00f8d\u00e9_\u7528\u6237","episode_id":"ep\\tab","timestamp":"2024-02-29T23:59:59-00:30","duration":1})"
    "\n";

// The business keys the tricky lines normalise to (UTC), each as "user|episode|type|ts".
const std::vector<std::string> tricky_keys = {
    "ünïcødé_用户|ep_🎧|complete|2024-08-02T01:30:00",
    "o'brien \"quoted\"|ep\\tab|play|2024-07-31T23:15:00",
    "back\\slash\\n|ep \"q\"|pause|2024-08-01T12:00:00",
    "user_plain|ep_🎧|seek|2024-08-01T06:15:00",
    "ünïcødé_用户|ep\\tab|play|2024-03-01T00:29:59",
};

struct TrickyOutcomes {
    std::vector<std::string> duckdb_ids;  // "id|user|episode|type|ts", ordered by id text
    std::vector<std::string> snowflake_ids;
};

std::vector<std::string> id_rows(const Rows& rows) {
    std::vector<std::string> ids;
    for (const auto& row : rows) {
        ids.push_back(*row[0] + "|" + *row[1] + "|" + *row[2] + "|" + *row[3] + "|" + *row[4]);
    }
    return ids;
}

// The tricky files run on DuckDB, then on the emulator in a database of their own.
TrickyOutcomes build_tricky_outcomes() {
    const TempDir workspace("podcast-snowflake-tricky");
    const fs::path reference = workspace.path() / "reference";
    const fs::path loading = workspace.path() / "loading";
    fs::create_directories(reference);
    fs::create_directories(loading / "2024-08-01");
    std::ofstream(reference / "users.csv") << tricky_users_csv;
    std::ofstream(reference / "episodes.csv") << tricky_episodes_csv;
    std::ofstream(loading / "2024-08-01/events.json") << tricky_events;
    const std::vector<std::string> common{"run",
                                          "--reference-dir",
                                          reference.string(),
                                          "--data-dir",
                                          loading.string(),
                                          "--var",
                                          "now=" + std::string(pinned_now)};

    TrickyOutcomes outcomes;
    auto duckdb = common;
    const fs::path duckdb_warehouse = workspace.path() / "duckdb/warehouse.duckdb";
    duckdb.insert(duckdb.end(), {"--warehouse", duckdb_warehouse.string()});
    podcast(duckdb);
    const auto ids_query = duckdb_queries().at("ids");
    const auto answer = nlohmann::ordered_json::parse(
        podcast({"query", "--format", "json", "--warehouse", duckdb_warehouse.string(), ids_query})
            .output);
    Rows duckdb_rows;
    for (const auto& object : answer) {
        std::vector<std::optional<std::string>> row;
        for (const auto& [column, value] : object.items()) row.push_back(text_of(value));
        duckdb_rows.push_back(std::move(row));
    }
    outcomes.duckdb_ids = id_rows(duckdb_rows);

    Emulator emulator(workspace.path() / "emulator.log");
    (void)snowflake_rows(workspace.path(), emulator.port(), "PODCAST",
                         {{"create", "create database if not exists TRICKY"}});
    auto prod = common;
    prod.insert(
        prod.end(),
        {"--target", "prod", "--warehouse", (workspace.path() / "prod/warehouse.duckdb").string(),
         "--var", "snowflake_emulator=true", "--var",
         "event_files=" + json(std::vector<std::string>{"2024-08-01/events.json"}).dump()});
    podcast(prod, snowflake_environment(emulator.port(), "TRICKY"));
    outcomes.snowflake_ids = id_rows(snowflake_rows(workspace.path(), emulator.port(), "TRICKY",
                                                    {{"ids", snowflake_queries().at("ids")}})
                                         .at("ids"));
    return outcomes;
}

// Files of the load step's edge cases: the reference data they need, and events of one user.
const char* plain_users_csv = "user_id,signup_date,country\nu1,2023-01-01,DE\nu2,2023-01-01,FR\n";
const char* plain_episodes_csv =
    "episode_id,podcast_id,title,release_date,duration_seconds\ne1,p1,T,2023-01-01,600\n";

std::string plain_events(const std::string& user, int first_hour, int count) {
    std::string text;
    for (int hour = first_hour; hour < first_hour + count; ++hour) {
        text += R"({"event_type":"play","user_id":")" + user +
                R"(","episode_id":"e1","timestamp":"2024-08-01T)" + (hour < 10 ? "0" : "") +
                std::to_string(hour) + R"(:00:00Z","duration":10})" + "\n";
    }
    return text;
}

struct StagingOutcomes {
    Rows rows_after_alike;  // filename, rows in raw_events, after the two names ending alike
    int withdrawn_run_exit = -1;
    std::string withdrawn_run_output;
    Rows rows_after_withdrawn;  // filename, rows in raw_events, after the run past a withdrawn file
    Rows record_after_withdrawn;  // filename in the load record
};

// On the emulator, in a database of its own: `backfill/2024-08-01/events.json` loaded first, then
// `2024-08-01/events.json`; then a file left on the stage by a run that failed its contract and
// since withdrawn from the loading directory, and a run of a further new file.
StagingOutcomes build_staging_outcomes() {
    const TempDir workspace("podcast-snowflake-staging");
    const fs::path reference = workspace.path() / "reference";
    const fs::path loading = workspace.path() / "loading";
    const fs::path withdrawn = workspace.path() / "withdrawn/2024-08-02/events.json";
    fs::create_directories(reference);
    fs::create_directories(loading / "backfill/2024-08-01");
    fs::create_directories(loading / "2024-08-01");
    fs::create_directories(loading / "2024-08-03");
    fs::create_directories(withdrawn.parent_path());
    std::ofstream(reference / "users.csv") << plain_users_csv;
    std::ofstream(reference / "episodes.csv") << plain_episodes_csv;
    std::ofstream(loading / "backfill/2024-08-01/events.json") << plain_events("u1", 1, 3);
    std::ofstream(loading / "2024-08-01/events.json") << plain_events("u2", 4, 2);
    std::ofstream(withdrawn) << R"({"event_type":"play","user_id":"u1"})"
                                "\n";

    Emulator emulator(workspace.path() / "emulator.log");
    const std::string database = "STAGING";
    (void)snowflake_rows(workspace.path(), emulator.port(), "PODCAST",
                         {{"create", "create database if not exists " + database}});
    auto prod_run = [&](const std::vector<std::string>& files) {
        return run(
            {{PODCAST_BINARY, "run", "--reference-dir", reference.string(), "--data-dir",
              loading.string(), "--var", "now=" + std::string(pinned_now), "--target", "prod",
              "--warehouse", (workspace.path() / "prod/warehouse.duckdb").string(), "--var",
              "snowflake_emulator=true", "--var", "event_files=" + json(files).dump()},
             snowflake_environment(emulator.port(), database),
             Stderr::captured,
             {},
             {}});
    };
    const std::string rows_query =
        "select filename, count(*) from bronze.raw_events group by filename order by filename";
    StagingOutcomes outcomes;
    if (prod_run({"backfill/2024-08-01/events.json"}).exit_code != 0 ||
        prod_run({"2024-08-01/events.json", "backfill/2024-08-01/events.json"}).exit_code != 0) {
        throw std::runtime_error("a run of the two names ending alike failed");
    }
    outcomes.rows_after_alike =
        snowflake_rows(workspace.path(), emulator.port(), database, {{"rows", rows_query}})
            .at("rows");

    // The stage keeps what a failed run PUT; the loading directory no longer holds it.
    (void)snowflake_rows(
        workspace.path(), emulator.port(), database,
        {{"put", "put 'file://" + withdrawn.string() + "' @" + database +
                     ".bronze.event_files/2024-08-02/ auto_compress = false overwrite = true"}});
    std::ofstream(loading / "2024-08-03/events.json") << plain_events("u2", 10, 4);
    const Outcome after = prod_run(
        {"2024-08-01/events.json", "2024-08-03/events.json", "backfill/2024-08-01/events.json"});
    outcomes.withdrawn_run_exit = after.exit_code;
    outcomes.withdrawn_run_output = after.output;
    const auto read_back =
        snowflake_rows(workspace.path(), emulator.port(), database,
                       {{"rows", rows_query},
                        {"record", "select filename from bronze.loaded_files order by filename"}});
    outcomes.rows_after_withdrawn = read_back.at("rows");
    outcomes.record_after_withdrawn = read_back.at("record");
    return outcomes;
}

// The statements the emulator received, in order (its --statement-log).
std::vector<std::string> statements_in(const fs::path& log) {
    std::vector<std::string> statements;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) statements.push_back(json::parse(line).at("sql").get<std::string>());
    }
    return statements;
}

// A statement's first word, lower-case: "put", "remove", "copy", "select", ...
std::string verb_of(const std::string& statement) {
    const auto start = statement.find_first_not_of(" \t\r\n(");
    std::string verb;
    for (std::size_t i = start;
         i < statement.size() && std::isalpha(static_cast<unsigned char>(statement[i])); ++i) {
        verb += static_cast<char>(std::tolower(static_cast<unsigned char>(statement[i])));
    }
    return verb;
}

std::vector<std::string> verbs_of(const std::vector<std::string>& statements) {
    std::vector<std::string> verbs;
    for (const auto& statement : statements) verbs.push_back(verb_of(statement));
    return verbs;
}

bool contains(const std::vector<std::string>& texts, const std::string& text) {
    return std::find(texts.begin(), texts.end(), text) != texts.end();
}

// A `podcast run --target prod` against the emulator, with extra arguments.
Outcome prod_run(const fs::path& workspace, int port, const std::string& database,
                 const fs::path& reference, const fs::path& loading,
                 const std::vector<std::string>& extra) {
    std::vector<std::string> arguments{
        PODCAST_BINARY,    "run",
        "--reference-dir", reference.string(),
        "--data-dir",      loading.string(),
        "--var",           "now=" + std::string(pinned_now),
        "--target",        "prod",
        "--warehouse",     (workspace / "prod/warehouse.duckdb").string(),
        "--var",           "snowflake_emulator=true"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return run({arguments, snowflake_environment(port, database), Stderr::captured, {}, {}});
}

// dbt itself on the prod target against the emulator (dbt's files inside the workspace), with
// `extra` environment variables.
Outcome prod_dbt(const fs::path& workspace, int port, const std::string& database,
                 std::vector<std::string> arguments, const Environment& extra = {}) {
    const std::string project = (project_root() / "warehouse").string();
    arguments.insert(arguments.begin(), (project_root() / ".venv/bin/dbt").string());
    arguments.insert(arguments.end(),
                     {"--target", "prod", "--project-dir", project, "--profiles-dir", project});
    Environment environment = snowflake_environment(port, database);
    environment["DBT_TARGET_PATH"] = (workspace / "dbt/target").string();
    environment["DBT_LOG_PATH"] = (workspace / "dbt/logs").string();
    environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false";
    environment.insert(extra.begin(), extra.end());
    return run({arguments, environment, Stderr::captured, {}, {}});
}

// A file of play events with blank lines among them: an empty one, a CRLF one of spaces, a tab,
// and two at the end. Its event lines (hours first_hour to first_hour + 3) are its physical lines
// 1, 3, 6 and 7.
std::string events_with_blank_lines(const std::string& user, int first_hour) {
    return plain_events(user, first_hour, 1) + "\n" + plain_events(user, first_hour + 1, 1) +
           "  \r\n\t\n" + plain_events(user, first_hour + 2, 2) + "\n\n";
}

struct LineOutcomes {
    Rows duckdb_lines;  // filename, line_number, user_id, timestamp of every raw line
    Rows snowflake_lines;
    Rows duckdb_record;  // filename, row_count, byte_count, sha256
    Rows snowflake_record;
};

// A file with blank lines and one without, run on DuckDB and on the emulator.
LineOutcomes build_line_outcomes() {
    const TempDir workspace("podcast-snowflake-lines");
    const fs::path reference = workspace.path() / "reference";
    const fs::path loading = workspace.path() / "loading";
    fs::create_directories(reference);
    fs::create_directories(loading / "2024-08-01");
    fs::create_directories(loading / "2024-08-02");
    std::ofstream(reference / "users.csv") << plain_users_csv;
    std::ofstream(reference / "episodes.csv") << plain_episodes_csv;
    std::ofstream(loading / "2024-08-01/events.json") << plain_events("u1", 1, 3);
    std::ofstream(loading / "2024-08-02/events.json") << events_with_blank_lines("u2", 1);
    const std::map<std::string, std::string> queries = {
        {"lines",
         "select filename, line_number, user_id, timestamp from bronze.raw_events "
         "order by filename, line_number"},
        {"record", common_queries.at("record")}};

    LineOutcomes outcomes;
    const fs::path duckdb_warehouse = workspace.path() / "duckdb/warehouse.duckdb";
    podcast({"run", "--reference-dir", reference.string(), "--data-dir", loading.string(), "--var",
             "now=" + std::string(pinned_now), "--warehouse", duckdb_warehouse.string()});
    for (const auto& [name, sql] : queries) {
        const auto answer = nlohmann::ordered_json::parse(
            podcast({"query", "--format", "json", "--warehouse", duckdb_warehouse.string(), sql})
                .output);
        Rows rows;
        for (const auto& object : answer) {
            std::vector<std::optional<std::string>> row;
            for (const auto& [column, value] : object.items()) row.push_back(text_of(value));
            rows.push_back(std::move(row));
        }
        (name == "lines" ? outcomes.duckdb_lines : outcomes.duckdb_record) = std::move(rows);
    }

    Emulator emulator(workspace.path() / "emulator.log");
    (void)snowflake_rows(workspace.path(), emulator.port(), "PODCAST",
                         {{"create", "create database if not exists LINES"}});
    const Outcome loaded =
        prod_run(workspace.path(), emulator.port(), "LINES", reference, loading, {});
    if (loaded.exit_code != 0) {
        throw std::runtime_error("the prod run failed:\n" + loaded.output);
    }
    auto read_back = snowflake_rows(workspace.path(), emulator.port(), "LINES", queries);
    outcomes.snowflake_lines = std::move(read_back.at("lines"));
    outcomes.snowflake_record = std::move(read_back.at("record"));
    return outcomes;
}

// The external stage of the tests: its URL, and where the emulator keeps its bucket.
constexpr const char* external_stage = "EXTERNAL.landing.event_files";
constexpr const char* external_url = "s3://podcast-landing/events/";
// A name with regex metacharacters, and one that the name's pattern would match if its '+' were
// left unescaped.
constexpr const char* metacharacter_name = "2024-08-01/a+(b)$.json";
constexpr const char* decoy_name = "2024-08-01/aa(b)$.json";

struct ExternalOutcomes {
    std::vector<Outcome> runs;            // the two that load
    Outcome violating_run;                // then one with a file that breaks the load contract
    std::vector<std::string> statements;  // every statement the emulator received
    Rows rows;                            // filename, rows in raw_events
    Rows record;                          // filename, row_count, byte_count, sha256
    Rows named_lines;  // line_number, timestamp of the metacharacter name's lines
    std::map<std::string, std::uintmax_t> sizes;  // the bucket's files, by relative name
};

// An external stage (s3://podcast-landing/events/, served by the emulator from a local
// directory) and an empty loading directory: a first run finds 2024-08-01/events.json and the
// decoy on the stage, a second run the metacharacter name, written to the bucket since, and a
// third a file that breaks the load contract. The warehouse is read after the third.
ExternalOutcomes build_external_outcomes() {
    const TempDir workspace("podcast-snowflake-external");
    const fs::path reference = workspace.path() / "reference";
    const fs::path loading = workspace.path() / "loading";
    const fs::path storage = workspace.path() / "storage";
    const fs::path bucket = storage / "podcast-landing/events";
    fs::create_directories(reference);
    fs::create_directories(loading);
    fs::create_directories(bucket / "2024-08-01");
    std::ofstream(reference / "users.csv") << plain_users_csv;
    std::ofstream(reference / "episodes.csv") << plain_episodes_csv;
    std::ofstream(bucket / "2024-08-01/events.json") << plain_events("u1", 1, 3);
    std::ofstream(bucket / decoy_name) << plain_events("u2", 4, 2);

    const fs::path log = workspace.path() / "statements.jsonl";
    Emulator emulator(workspace.path() / "emulator.log", {log, storage});
    // What an administrator creates once (setup.sql): the stage on the bucket.
    (void)snowflake_rows(workspace.path(), emulator.port(), "PODCAST",
                         {{"1", "create database if not exists EXTERNAL"},
                          {"2", "create schema if not exists EXTERNAL.landing"},
                          {"3", std::string("create stage if not exists ") + external_stage +
                                    " url = '" + external_url + "'"}});
    const std::vector<std::string> stage_var{"--var",
                                             std::string("snowflake_stage=") + external_stage};
    ExternalOutcomes outcomes;
    outcomes.runs.push_back(
        prod_run(workspace.path(), emulator.port(), "EXTERNAL", reference, loading, stage_var));
    std::ofstream(bucket / metacharacter_name) << events_with_blank_lines("u2", 10);
    outcomes.runs.push_back(
        prod_run(workspace.path(), emulator.port(), "EXTERNAL", reference, loading, stage_var));
    // Physical line 3, after a blank line, has no duration key: only the load's own check sees it.
    fs::create_directories(bucket / "2024-08-02");
    std::ofstream(bucket / "2024-08-02/events.json")
        << plain_events("u1", 20, 1) << "\n"
        << R"({"event_type":"play","user_id":"u1","episode_id":"e1","timestamp":"2024-08-01T21:00:00Z"})"
        << "\n";
    outcomes.violating_run =
        prod_run(workspace.path(), emulator.port(), "EXTERNAL", reference, loading, stage_var);

    const auto read_back = snowflake_rows(
        workspace.path(), emulator.port(), "EXTERNAL",
        {{"rows",
          "select filename, count(*) from bronze.raw_events group by filename order by filename"},
         {"record", common_queries.at("record")},
         {"named",
          std::string("select line_number, timestamp from bronze.raw_events where filename = '") +
              metacharacter_name + "' order by line_number"}});
    outcomes.rows = read_back.at("rows");
    outcomes.record = read_back.at("record");
    outcomes.named_lines = read_back.at("named");
    outcomes.statements = statements_in(log);
    for (const char* name : {"2024-08-01/events.json", decoy_name, metacharacter_name}) {
        outcomes.sizes[name] = fs::file_size(bucket / name);
    }
    return outcomes;
}

struct RefusedNameOutcomes {
    Outcome run;
    std::size_t statements_before = 0;  // what the emulator had received before the run
    std::size_t statements_after = 0;
};

// The metacharacter name in the loading directory, for the internal stage.
RefusedNameOutcomes build_refused_name_outcomes() {
    const TempDir workspace("podcast-snowflake-refused-name");
    const fs::path reference = workspace.path() / "reference";
    const fs::path loading = workspace.path() / "loading";
    fs::create_directories(reference);
    fs::create_directories(loading / "2024-08-01");
    std::ofstream(reference / "users.csv") << plain_users_csv;
    std::ofstream(reference / "episodes.csv") << plain_episodes_csv;
    std::ofstream(loading / "2024-08-01/events.json") << plain_events("u1", 1, 3);
    std::ofstream(loading / metacharacter_name) << plain_events("u2", 4, 2);
    const fs::path log = workspace.path() / "statements.jsonl";
    Emulator emulator(workspace.path() / "emulator.log", {log, {}});
    RefusedNameOutcomes outcomes;
    outcomes.statements_before = statements_in(log).size();
    outcomes.run = prod_run(workspace.path(), emulator.port(), "PODCAST", reference, loading, {});
    outcomes.statements_after = statements_in(log).size();
    return outcomes;
}

struct MiscountOutcomes {
    Outcome build;
    Rows recorded;  // count(*) of the load record after it
};

// dbt by hand, as `podcast run` calls it, with a load manifest that counts 5 event lines for a
// file that holds 3: the staged copy is not what was checked.
MiscountOutcomes build_miscount_outcomes() {
    const TempDir workspace("podcast-snowflake-miscount");
    const fs::path loading = workspace.path() / "loading";
    fs::create_directories(loading / "2024-08-01");
    std::ofstream(loading / "2024-08-01/events.json") << plain_events("u1", 1, 3);
    const std::string size = std::to_string(fs::file_size(loading / "2024-08-01/events.json"));
    const fs::path manifest = workspace.path() / "load_manifest.csv";
    std::ofstream(manifest) << "filename,row_count,byte_count,sha256,read_path\n"
                            << "2024-08-01/events.json,5," << size << "," << std::string(64, 'a')
                            << ",\"" << (loading / "2024-08-01/events.json").string() << "\"\n";
    const fs::path log = workspace.path() / "statements.jsonl";
    Emulator emulator(workspace.path() / "emulator.log", {log, {}});
    MiscountOutcomes outcomes;
    outcomes.build = prod_dbt(
        workspace.path(), emulator.port(), "PODCAST",
        {"build", "--select", "raw_events", "--exclude-resource-type", "unit_test", "--vars",
         R"({"snowflake_emulator": true, "event_files": ["2024-08-01/events.json"]})"},
        {{"PODCAST_DATA_DIR", loading.string()}, {"PODCAST_LOAD_MANIFEST", manifest.string()}});
    outcomes.recorded = snowflake_rows(workspace.path(), emulator.port(), "PODCAST",
                                       {{"recorded", "select count(*) from bronze.loaded_files"}})
                            .at("recorded");
    return outcomes;
}

struct FileFormatOutcomes {
    Outcome first;   // create_snowflake_load_objects over an old definition
    Outcome second;  // and again
    Rows shown;  // SHOW FILE FORMATS of bronze.event_lines after the first (comment 6th, options
                 // 8th)
    std::vector<std::string> first_statements;
    std::vector<std::string> second_statements;
};

// bronze.event_lines created by hand with other options (an older definition), then the load's
// objects created twice with `dbt run-operation create_snowflake_load_objects`.
FileFormatOutcomes build_file_format_outcomes() {
    const TempDir workspace("podcast-snowflake-formats");
    const fs::path log = workspace.path() / "statements.jsonl";
    Emulator emulator(workspace.path() / "emulator.log", {log, {}});
    (void)snowflake_rows(
        workspace.path(), emulator.port(), "PODCAST",
        {{"1", "create database if not exists FORMATS"},
         {"2", "create schema if not exists FORMATS.bronze"},
         {"3", "create file format FORMATS.bronze.event_lines type = csv field_delimiter = ','"}});
    const std::vector<std::string> operation{"run-operation", "create_snowflake_load_objects",
                                             "--vars", R"({"snowflake_emulator": true})"};
    FileFormatOutcomes outcomes;
    std::size_t mark = statements_in(log).size();
    outcomes.first = prod_dbt(workspace.path(), emulator.port(), "FORMATS", operation);
    auto statements = statements_in(log);
    outcomes.first_statements.assign(statements.begin() + static_cast<std::ptrdiff_t>(mark),
                                     statements.end());
    outcomes.shown =
        snowflake_rows(workspace.path(), emulator.port(), "FORMATS",
                       {{"shown", "show file formats like 'EVENT_LINES' in schema FORMATS.bronze"}})
            .at("shown");
    mark = statements_in(log).size();
    outcomes.second = prod_dbt(workspace.path(), emulator.port(), "FORMATS", operation);
    statements = statements_in(log);
    outcomes.second_statements.assign(statements.begin() + static_cast<std::ptrdiff_t>(mark),
                                      statements.end());
    return outcomes;
}

struct CompileOutcomes {
    std::vector<Outcome> commands;        // dbt compile, dbt docs generate
    std::vector<std::string> statements;  // what they sent
};

// `dbt compile` and `dbt docs generate` on the prod target, against a database nothing was built
// in.
CompileOutcomes build_compile_outcomes() {
    const TempDir workspace("podcast-snowflake-compile");
    const fs::path log = workspace.path() / "statements.jsonl";
    Emulator emulator(workspace.path() / "emulator.log", {log, {}});
    (void)snowflake_rows(workspace.path(), emulator.port(), "PODCAST",
                         {{"1", "create database if not exists COMPILED"}});
    const std::string vars =
        R"({"snowflake_emulator": true, "event_files": ["2024-08-01/events.json"]})";
    CompileOutcomes outcomes;
    const std::size_t mark = statements_in(log).size();
    outcomes.commands.push_back(
        prod_dbt(workspace.path(), emulator.port(), "COMPILED", {"compile", "--vars", vars}));
    outcomes.commands.push_back(prod_dbt(workspace.path(), emulator.port(), "COMPILED",
                                         {"docs", "generate", "--vars", vars}));
    const auto statements = statements_in(log);
    outcomes.statements.assign(statements.begin() + static_cast<std::ptrdiff_t>(mark),
                               statements.end());
    return outcomes;
}

// Statement verbs that change an account: objects, files on a stage, or rows.
const std::vector<std::string> writing_verbs = {"alter",  "copy",     "create", "delete", "drop",
                                                "grant",  "insert",   "merge",  "put",    "remove",
                                                "revoke", "truncate", "update"};

}  // namespace

SCENARIO(
    "interaction_ids of offsets, Unicode, quotes and backslashes are the documented formula on "
    "DuckDB and on the Snowflake emulator alike",
    "[edge][snowflake][analytics]") {
    GIVEN("an event file of such lines and reference data holding those ids, run on both targets") {
        const TrickyOutcomes& o = once([] { return build_tricky_outcomes(); });
        WHEN("the fact tables are read back") {
            THEN("the emulator's ids, with their business keys, equal DuckDB's") {
                REQUIRE(o.duckdb_ids == o.snowflake_ids);
            }
            THEN("every line reached the fact, normalised to its UTC business key") {
                std::vector<std::string> keys;
                for (const auto& row : o.snowflake_ids)
                    keys.push_back(row.substr(row.find('|') + 1));
                std::vector<std::string> expected = tricky_keys;
                std::sort(keys.begin(), keys.end());
                std::sort(expected.begin(), expected.end());
                REQUIRE(expected == keys);
            }
            THEN("each id is the first 31 hex digits of the md5 of its key, read as an integer") {
                for (const auto& row : o.snowflake_ids) {
                    std::vector<std::string> parts;
                    std::size_t start = 0;
                    for (std::size_t bar = row.find('|'); bar != std::string::npos;
                         bar = row.find('|', start)) {
                        parts.push_back(row.substr(start, bar - start));
                        start = bar + 1;
                    }
                    parts.push_back(row.substr(start));
                    REQUIRE(5 == parts.size());
                    REQUIRE(podcast::integration::expected_interaction_id(
                                parts[1], parts[2], parts[3], parts[4]) == parts[0]);
                }
            }
        }
    }
}

SCENARIO("The pipeline on the Snowflake emulator computes the figures of the DuckDB run",
         "[snowflake][e2e]") {
    GIVEN("a generated dataset run on DuckDB, then on the emulator one day and then the rest") {
        const Outcomes& o = once([] { return build_outcomes(); });
        WHEN("the Snowflake warehouse is read back") {
            THEN("the first run loaded the first day's file only, the second the others") {
                const auto first = o.expected["files"].begin();
                REQUIRE(json{{first.key(), first.value()}} == o.snowflake_after_first_day["files"]);
            }
            THEN("it holds expected.json's figures") {
                require_expected_figures(o.expected, o.snowflake);
            }
            THEN("the DuckDB run holds them too") {
                require_expected_figures(o.expected, o.duckdb);
            }
            THEN("every interaction_id, with its business key, equals the DuckDB one") {
                REQUIRE(o.duckdb["ids"].size() == o.expected["fact_rows"].get<std::size_t>());
                REQUIRE(o.duckdb["ids"] == o.snowflake["ids"]);
            }
            THEN("a run with no new file changes nothing") {
                REQUIRE(o.snowflake == o.snowflake_after_rerun);
            }
            THEN(
                "the load record holds each file's rows, size and SHA-256 as the DuckDB record "
                "does") {
                REQUIRE(o.expected["files"].size() == o.snowflake["record"].size());
                for (const auto& entry : o.snowflake["record"]) {
                    INFO(entry);
                    REQUIRE(entry.get<std::string>().find("NULL") == std::string::npos);
                }
                REQUIRE(o.duckdb["record"] == o.snowflake["record"]);
            }
            THEN("every raw line has the file and line number it has on DuckDB") {
                REQUIRE(o.expected["raw_rows"].get<std::size_t>() == o.snowflake["lines"].size());
                REQUIRE(o.duckdb["lines"] == o.snowflake["lines"]);
            }
        }
    }
}

SCENARIO("Two event files whose names end alike are each loaded once on the Snowflake emulator",
         "[edge][snowflake][load]") {
    GIVEN("backfill/2024-08-01/events.json loaded by one run, 2024-08-01/events.json by the next") {
        const StagingOutcomes& o = once([] { return build_staging_outcomes(); });
        WHEN("raw_events is read back") {
            THEN("each file holds its own lines, none of the other's") {
                REQUIRE(std::vector<std::string>{"2024-08-01/events.json|2",
                                                 "backfill/2024-08-01/events.json|3"} ==
                        joined_rows(o.rows_after_alike));
            }
        }
    }
}

SCENARIO(
    "A file left on the Snowflake stage and withdrawn from the loading directory does not block "
    "the next run",
    "[edge][snowflake][load]") {
    GIVEN(
        "a staged file that failed the contract, no longer in the loading directory, and a new "
        "file") {
        const StagingOutcomes& o = once([] { return build_staging_outcomes(); });
        WHEN("the next run starts") {
            THEN("it succeeds") {
                INFO(o.withdrawn_run_output);
                REQUIRE(0 == o.withdrawn_run_exit);
            }
            THEN("it loads the new file and not the withdrawn one") {
                REQUIRE(std::vector<std::string>{"2024-08-01/events.json|2",
                                                 "2024-08-03/events.json|4",
                                                 "backfill/2024-08-01/events.json|3"} ==
                        joined_rows(o.rows_after_withdrawn));
                REQUIRE(std::vector<std::string>{"2024-08-01/events.json", "2024-08-03/events.json",
                                                 "backfill/2024-08-01/events.json"} ==
                        joined_rows(o.record_after_withdrawn));
            }
        }
    }
}

SCENARIO(
    "Line numbers count a file's non-blank lines alike on DuckDB and on the Snowflake emulator",
    "[edge][snowflake][load]") {
    GIVEN(
        "a file with blank lines (empty, spaces with CRLF, a tab, two at the end) and one without, "
        "run on both targets") {
        const LineOutcomes& o = once([] { return build_line_outcomes(); });
        WHEN("raw_events and the load record are read back") {
            THEN("every line has the file and line number it has on DuckDB") {
                REQUIRE(joined_rows(o.duckdb_lines) == joined_rows(o.snowflake_lines));
            }
            THEN("the file with blank lines numbers its event lines 1 to 4, in file order") {
                REQUIRE(
                    std::vector<std::string>{"2024-08-01/events.json|1|u1|2024-08-01T01:00:00Z",
                                             "2024-08-01/events.json|2|u1|2024-08-01T02:00:00Z",
                                             "2024-08-01/events.json|3|u1|2024-08-01T03:00:00Z",
                                             "2024-08-02/events.json|1|u2|2024-08-01T01:00:00Z",
                                             "2024-08-02/events.json|2|u2|2024-08-01T02:00:00Z",
                                             "2024-08-02/events.json|3|u2|2024-08-01T03:00:00Z",
                                             "2024-08-02/events.json|4|u2|2024-08-01T04:00:00Z"} ==
                    joined_rows(o.snowflake_lines));
            }
            THEN("the record holds each file's event lines, size and SHA-256 as on DuckDB") {
                REQUIRE(2 == o.snowflake_record.size());
                REQUIRE(joined_rows(o.duckdb_record) == joined_rows(o.snowflake_record));
                for (const auto& row : o.snowflake_record) REQUIRE(row.at(3).has_value());
            }
        }
    }
}

SCENARIO(
    "An external stage's files are loaded from its listing, and no PUT or REMOVE is sent to it",
    "[edge][snowflake][load]") {
    GIVEN(
        "an external stage on a bucket holding two files, a third written before the second run, "
        "and an empty loading directory") {
        const ExternalOutcomes& o = once([] { return build_external_outcomes(); });
        WHEN("two runs with snowflake_stage set to it have run") {
            THEN("both succeed") {
                for (const auto& run : o.runs) {
                    INFO(run.output);
                    REQUIRE(0 == run.exit_code);
                }
            }
            THEN("each listed file is loaded once, with its own lines") {
                REQUIRE(
                    std::vector<std::string>{"2024-08-01/a+(b)$.json|4", "2024-08-01/aa(b)$.json|2",
                                             "2024-08-01/events.json|3"} == joined_rows(o.rows));
            }
            THEN("the files were found by listing the stage") {
                REQUIRE(contains(verbs_of(o.statements), "list"));
                bool listed = false;
                for (const auto& statement : o.statements) {
                    listed =
                        listed || statement.rfind(std::string("list @") + external_stage, 0) == 0;
                }
                REQUIRE(listed);
            }
            THEN("no PUT and no REMOVE was sent") {
                REQUIRE(!o.statements.empty());
                REQUIRE_FALSE(contains(verbs_of(o.statements), "put"));
                REQUIRE_FALSE(contains(verbs_of(o.statements), "remove"));
            }
            THEN("the record holds each file's lines and its size on the stage, and no digest") {
                std::vector<std::string> expected;
                for (const auto& [name, rows] :
                     std::map<std::string, int>{{"2024-08-01/a+(b)$.json", 4},
                                                {"2024-08-01/aa(b)$.json", 2},
                                                {"2024-08-01/events.json", 3}}) {
                    expected.push_back(name + "|" + std::to_string(rows) + "|" +
                                       std::to_string(o.sizes.at(name)) + "|NULL");
                }
                REQUIRE(expected == joined_rows(o.record));
            }
        }
    }
}

SCENARIO("A name with +, ( and $ on an external stage is loaded exactly",
         "[edge][snowflake][load]") {
    GIVEN(
        "2024-08-01/a+(b)$.json written to the external stage's bucket after "
        "2024-08-01/aa(b)$.json "
        "was loaded") {
        const ExternalOutcomes& o = once([] { return build_external_outcomes(); });
        WHEN("the next run has loaded it") {
            THEN(
                "raw_events holds its event lines under its exact name, numbered among its "
                "non-blank lines") {
                REQUIRE(std::vector<std::string>{"1|2024-08-01T10:00:00Z", "2|2024-08-01T11:00:00Z",
                                                 "3|2024-08-01T12:00:00Z",
                                                 "4|2024-08-01T13:00:00Z"} ==
                        joined_rows(o.named_lines));
            }
            THEN("the file its pattern would match with '+' unescaped kept its own two lines") {
                REQUIRE(contains(joined_rows(o.rows), "2024-08-01/aa(b)$.json|2"));
            }
        }
    }
}

SCENARIO(
    "A name with +, ( and $ in the loading directory is refused on the internal stage before "
    "anything reaches Snowflake",
    "[edge][snowflake][load]") {
    GIVEN("2024-08-01/a+(b)$.json beside a plain file in the loading directory") {
        const RefusedNameOutcomes& o = once([] { return build_refused_name_outcomes(); });
        WHEN("a prod run starts") {
            THEN("it is refused, naming the file and the allowed characters") {
                INFO(o.run.output);
                REQUIRE(5 == o.run.exit_code);
                REQUIRE(o.run.output.find("'2024-08-01/a+(b)$.json'") != std::string::npos);
                REQUIRE(o.run.output.find("allowed: A-Z a-z 0-9 . _ - and /") != std::string::npos);
            }
            THEN("the emulator received no statement from it") {
                REQUIRE(o.statements_before == o.statements_after);
            }
        }
    }
}

SCENARIO(
    "A Snowflake file format whose options changed is replaced, and an unchanged one is left alone",
    "[snowflake][load]") {
    GIVEN("bronze.event_lines created earlier with other options") {
        const FileFormatOutcomes& o = once([] { return build_file_format_outcomes(); });
        WHEN("the load's objects are created, then created again") {
            THEN("both succeed") {
                INFO(o.first.output << o.second.output);
                REQUIRE(0 == o.first.exit_code);
                REQUIRE(0 == o.second.exit_code);
            }
            THEN(
                "the first replaces the old definition with the load's options, their digest in "
                "its comment") {
                REQUIRE(1 == o.shown.size());
                const auto options = json::parse(o.shown.at(0).at(7).value());
                REQUIRE(json(false) == options.at("SKIP_BLANK_LINES"));
                REQUIRE(json(false) == options.at("EMPTY_FIELD_AS_NULL"));
                REQUIRE(o.shown.at(0).at(6).value().rfind("podcast file format, options md5 ", 0) ==
                        0);
                std::size_t replaced = 0;
                for (const auto& statement : o.first_statements) {
                    replaced +=
                        statement.rfind("create or replace file format FORMATS.bronze.event_lines ",
                                        0) == 0;
                }
                REQUIRE(1 == replaced);
            }
            THEN("the second looks at each file format and creates or replaces none") {
                std::size_t shown = 0;
                for (const auto& statement : o.second_statements) {
                    INFO(statement);
                    REQUIRE_FALSE((verb_of(statement) == "create" &&
                                   statement.find(" file format ") != std::string::npos));
                    shown += statement.rfind("show file formats like ", 0) == 0;
                }
                REQUIRE(2 == shown);
            }
        }
    }
}

SCENARIO("dbt compile and docs generate on the prod target change nothing in Snowflake",
         "[snowflake]") {
    GIVEN("a database nothing was built in") {
        const CompileOutcomes& o = once([] { return build_compile_outcomes(); });
        WHEN("dbt compile and dbt docs generate run against it") {
            THEN("both succeed") {
                for (const auto& command : o.commands) {
                    INFO(command.output);
                    REQUIRE(0 == command.exit_code);
                }
            }
            THEN("they send statements that only read: no object, staged file or row is written") {
                REQUIRE_FALSE(o.statements.empty());
                for (const auto& statement : o.statements) {
                    INFO(statement);
                    REQUIRE_FALSE(contains(writing_verbs, verb_of(statement)));
                }
            }
        }
    }
}

SCENARIO(
    "A line of an external stage's file that breaks the load contract fails the run, naming "
    "file, physical line and key, and loads nothing",
    "[edge][snowflake][load]") {
    GIVEN(
        "a file written to the external stage's bucket whose third line, after a blank one, has no "
        "duration key") {
        const ExternalOutcomes& o = once([] { return build_external_outcomes(); });
        WHEN("the next run reaches the load") {
            THEN("it is refused with the violation, verbatim, and the refused exit code") {
                INFO(o.violating_run.output);
                REQUIRE(5 == o.violating_run.exit_code);
                REQUIRE(
                    o.violating_run.output.find(
                        "load contract violated: file 2024-08-02/events.json, line 3: missing key "
                        "\"duration\"") != std::string::npos);
            }
            THEN("nothing of it is loaded or recorded") {
                REQUIRE(3 == o.rows.size());
                REQUIRE(3 == o.record.size());
            }
        }
    }
}

SCENARIO(
    "A staged file whose event lines are not as many as podcast run counted is refused before "
    "anything loads",
    "[edge][snowflake][load]") {
    GIVEN("a load manifest counting 5 event lines for a file of 3") {
        const MiscountOutcomes& o = once([] { return build_miscount_outcomes(); });
        WHEN("the load step runs on the emulator") {
            THEN("it fails naming the file and both counts") {
                INFO(o.build.output);
                REQUIRE(0 != o.build.exit_code);
                REQUIRE(o.build.output.find(
                            "load refused: file 2024-08-01/events.json has 3 event lines "
                            "on the stage but 5 in the loading directory") != std::string::npos);
            }
            THEN("the record holds nothing") {
                REQUIRE(joined_rows(o.recorded) == std::vector<std::string>{"0"});
            }
        }
    }
}
