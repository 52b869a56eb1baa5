// The orchestrator (Dagster, orchestrate/): its definitions driven in-process over generated days
// dropped one by one into the staging directory, against plain `podcast run` on the same files,
// then one gold asset materialized alone; a run made outside Dagster reported by its sensor; and
// its web UI started on a free loopback port, fetched over HTTP (a materialization launched there
// too) and stopped. All need the orchestrator's environment .venv-dagster (`make venv-dagster`,
// which `make test` runs first): without it they fail, they do not skip.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "podcast/paths.hpp"
#include "workspace.hpp"

extern char** environ;

using namespace podcast::integration;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

fs::path dagster_python() { return podcast::project_root() / ".venv-dagster" / "bin" / "python"; }

void require_dagster_environment() {
    INFO(dagster_python().string()
         << " not found: create the orchestrator's environment with `make venv-dagster`");
    REQUIRE(fs::is_regular_file(dagster_python()));
}

// The environment the orchestrator reads its paths from, pointed at a workspace.
std::vector<std::pair<std::string, std::string>> orchestrator_environment(const Workspace& ws) {
    return {{"PODCAST_BINARY", PODCAST_BINARY},
            {"PODCAST_STAGING_DIR", ws.staging().string()},
            {"PODCAST_DATA_DIR", ws.loading().string()},
            {"PODCAST_REFERENCE_DIR", ws.reference().string()},
            {"PODCAST_WAREHOUSE", ws.warehouse().string()},
            {"DAGSTER_HOME", (ws.root() / "dagster").string()}};
}

// The last `lines` lines of a process's output, to show beside a failed expectation.
std::string tail(const std::string& output, std::size_t lines = 40) {
    std::size_t start = output.size();
    for (std::size_t seen = 0; start > 0 && seen <= lines; --start) {
        seen += output[start - 1] == '\n' ? 1 : 0;
    }
    return output.substr(start);
}

// ---- in-process: sensor and job over three days --------------------------------------------

// `python -m orchestrate.check ARGUMENTS...` on a workspace: its output, and its JSON summary's
// steps (one entry per step).
struct Driven {
    CommandOutcome check;
    json steps;
};

Driven drive(const Workspace& ws, const std::vector<std::string>& arguments) {
    std::vector<std::string> all{"-m", "orchestrate.check"};
    all.insert(all.end(), arguments.begin(), arguments.end());
    const podcast::ProcessSpec spec{dagster_python(), all, podcast::project_root(),
                                    orchestrator_environment(ws)};
    Driven driven;
    auto status = podcast::run_process(spec, [&](std::string_view line) {
        driven.check.output.append(line);
        driven.check.output.push_back('\n');
        if (line.starts_with("{\"steps\"")) {
            driven.steps = json::parse(line)["steps"];
        }
    });
    if (!status) {
        throw std::runtime_error("could not start " + dagster_python().string() + ": " +
                                 status.error().message);
    }
    driven.check.exit_code = *status;
    return driven;
}

// dbt's run_results.json of the last run on a warehouse.
json last_run_results(const Workspace& ws) {
    std::ifstream in(ws.warehouse().string() + ".dbt/target/run_results.json");
    return json::parse(in, nullptr, false);
}

// The asset the in-process test materializes alone, and the dbt nodes that build and test it.
const std::string one_gold_asset = "gold/q4_average_session_duration_per_user";
const std::vector<std::string> one_gold_asset_nodes{
    "model.podcast.q4_average_session_duration_per_user",
    "test.podcast.not_null_q4_average_session_duration_per_user_user_id",
    "test.podcast.unique_q4_average_session_duration_per_user_user_id"};

struct OrchestratedDays {
    std::unique_ptr<Workspace> orchestrated = std::make_unique<Workspace>();
    std::unique_ptr<Workspace> plain = std::make_unique<Workspace>();
    std::vector<std::string> days;  // relative names, in drop order
    CommandOutcome check;
    json drops;        // the driver's summary of each drop
    json refused;      // ... of dropping other content under a name landed before
    json materialize;  // ... of materializing one gold asset afterwards
    json tick;         // ... of a tick of the sensor on runs made outside Dagster, at the end
    json materialize_results;  // dbt's run_results.json of that materialization
    CommandOutcome plain_run;
};

OrchestratedDays orchestrate_days() {
    OrchestratedDays o;
    const fs::path generated = o.orchestrated->root() / "generated";
    const auto generate = run_podcast_binary(
        {"generate", "--out", generated.string(), "--days", "3", "--events-per-day", "600",
         "--users", "80", "--episodes", "25", "--seed", "11", "--duplicate-rate", "0.05"});
    if (generate.exit_code != 0) {
        throw std::runtime_error("podcast generate failed: " + generate.output);
    }
    for (const Workspace* ws : {o.orchestrated.get(), o.plain.get()}) {
        for (const char* name : {"users.csv", "episodes.csv"}) {
            fs::copy_file(generated / "reference" / name, ws->reference() / name,
                          fs::copy_options::overwrite_existing);
        }
    }
    for (const auto& entry : fs::directory_iterator(generated / "events")) {
        o.days.push_back(entry.path().filename().string() + "/events.json");
    }
    std::sort(o.days.begin(), o.days.end());

    // Each day dropped in turn, then the first one again; then one gold asset materialized, as
    // "Materialize" on it in the UI; then a tick of the sensor on runs made outside Dagster.
    std::vector<std::string> arguments{"--var", "now=" + std::string(pinned_now)};
    for (const auto& day : {o.days[0], o.days[1], o.days[2], o.days[0]}) {
        arguments.insert(arguments.end(),
                         {"--drop", (generated / "events" / day).string() + "=" + day});
    }
    arguments.insert(arguments.end(),
                     {"--drop", (generated / "events" / o.days[2]).string() + "=" + o.days[1],
                      "--materialize", one_gold_asset, "--tick", "outside_runs_sensor"});
    auto driven = drive(*o.orchestrated, arguments);
    o.check = std::move(driven.check);
    if (driven.steps.size() == 7) {
        o.drops = json(driven.steps.begin(), driven.steps.begin() + 4);
        o.refused = driven.steps[4];
        o.materialize = driven.steps[5];
        o.tick = driven.steps[6];
    }
    o.materialize_results = last_run_results(*o.orchestrated);

    // The same files through plain podcast land and podcast run, in another workspace.
    for (const auto& day : o.days) {
        fs::create_directories((o.plain->staging() / day).parent_path());
        fs::copy_file(generated / "events" / day, o.plain->staging() / day);
    }
    const auto land = o.plain->land();
    if (land.exit_code != 0) {
        throw std::runtime_error("podcast land failed: " + land.output);
    }
    o.plain_run = o.plain->run();
    return o;
}

// Every row but load_at (a run's own clock), in a fixed order.
std::vector<std::string> rows_of(const Workspace& ws, const std::string& table) {
    return rows_as_text(ws.query("select * exclude (load_at) from " + table + " order by all"));
}

// "row N: expected ... / actual ..." for the first row where two row lists differ; empty if none.
std::string first_difference(const std::vector<std::string>& expected,
                             const std::vector<std::string>& actual) {
    for (std::size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
        const std::string want = i < expected.size() ? expected[i] : "(none)";
        const std::string got = i < actual.size() ? actual[i] : "(none)";
        if (want != got) {
            return "row " + std::to_string(i + 1) + ": expected " + want + " / actual " + got;
        }
    }
    return {};
}

// ---- the web UI -----------------------------------------------------------------------------

struct HttpResponse {
    int status = 0;
    std::string body;
};

int connect_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One HTTP/1.0 request to 127.0.0.1:port; nullopt if nothing answered.
std::optional<HttpResponse> http_request(int port, const std::string& method,
                                         const std::string& path, const std::string& body = {}) {
    const int fd = connect_loopback(port);
    if (fd < 0) {
        return std::nullopt;
    }
    std::string request = method + " " + path +
                          " HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nConnection: close\r\n";
    if (!body.empty()) {
        request +=
            "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n";
    }
    request += "\r\n" + body;
    std::string response;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
        char buffer[8192];
        for (ssize_t count; (count = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
            response.append(buffer, static_cast<std::size_t>(count));
        }
    }
    ::close(fd);
    const auto header_end = response.find("\r\n\r\n");
    if (!response.starts_with("HTTP/") || header_end == std::string::npos) {
        return std::nullopt;
    }
    HttpResponse parsed;
    parsed.status = std::atoi(response.c_str() + response.find(' ') + 1);
    parsed.body = response.substr(header_end + 4);
    return parsed;
}

// A port the kernel just handed out on the loopback address, free again once returned.
int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// orchestrate/serve PORT (what `make orchestrate` runs) in its own process group, output to a
// log file. SIGINT and SIGTERM are reset to their defaults in the child: a background child of a
// shell would otherwise inherit an ignored SIGINT, which `dagster dev` maps SIGTERM onto.
pid_t start_serve(const Workspace& ws, int port, const fs::path& log) {
    std::map<std::string, std::string> variables;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        if (const auto equals = text.find('='); equals != std::string::npos) {
            variables[text.substr(0, equals)] = text.substr(equals + 1);
        }
    }
    for (const auto& [name, value] : orchestrator_environment(ws)) {
        variables[name] = value;
    }
    std::vector<std::string> environment_text;
    for (const auto& [name, value] : variables) {
        environment_text.push_back(name + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& text : environment_text) {
        envp.push_back(text.data());
    }
    envp.push_back(nullptr);
    const std::string script = (podcast::project_root() / "orchestrate" / "serve").string();
    std::string port_text = std::to_string(port);
    std::vector<char*> argv{const_cast<char*>(script.c_str()), port_text.data(), nullptr};

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attributes;
    ::posix_spawnattr_init(&attributes);
    sigset_t defaults;
    ::sigemptyset(&defaults);
    ::sigaddset(&defaults, SIGINT);
    ::sigaddset(&defaults, SIGTERM);
    ::posix_spawnattr_setsigdefault(&attributes, &defaults);
    ::posix_spawnattr_setpgroup(&attributes, 0);
    ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    const int error =
        ::posix_spawn(&pid, script.c_str(), &actions, &attributes, argv.data(), envp.data());
    ::posix_spawnattr_destroy(&attributes);
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        throw std::runtime_error("could not start " + script + ": " + std::strerror(error));
    }
    return pid;
}

bool exited_within(pid_t pid, Clock::duration limit) {
    for (const auto deadline = Clock::now() + limit; Clock::now() < deadline;
         std::this_thread::sleep_for(200ms)) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            return true;
        }
    }
    return false;
}

bool group_is_gone(pid_t group) { return ::kill(-group, 0) != 0 && errno == ESRCH; }

struct ServedUi {
    std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
    int port = 0;
    std::optional<HttpResponse> page;
    std::string assets;      // the GraphQL answer listing the asset keys
    std::string automation;  // the GraphQL answer listing jobs, schedules and sensors
    json repository;         // the repository in that answer
    std::string launch;      // the GraphQL answer to launching a materialization of one asset
    json run;                // that run once it ended (status, tags), or as last seen
    bool stopped_on_sigterm = false;
    bool group_gone = false;
    bool port_closed = false;
    std::string log;
};

ServedUi serve_ui() {
    ServedUi o;
    o.port = free_loopback_port();
    const fs::path log = o.ws->root() / "serve.log";
    const pid_t pid = start_serve(*o.ws, o.port, log);
    const auto deadline = Clock::now() + 240s;
    while (Clock::now() < deadline && !(o.page && o.page->status == 200)) {
        std::this_thread::sleep_for(500ms);
        o.page = http_request(o.port, "GET", "/");
    }
    const std::string query = R"({"query": "{ assetNodes { assetKey { path } } }"})";
    while (Clock::now() < deadline && o.assets.find("cleansed_events") == std::string::npos) {
        if (auto answer = http_request(o.port, "POST", "/graphql", query)) {
            o.assets = answer->body;
        }
        std::this_thread::sleep_for(500ms);
    }
    const std::string automation =
        R"({"query": "{ workspaceOrError { ... on Workspace { locationEntries { name )"
        R"(locationOrLoadError { ... on RepositoryLocation { repositories { jobs { name } )"
        R"(schedules { name cronSchedule scheduleState { status } } )"
        R"(sensors { name sensorState { status } } } } } } } } }"})";
    if (auto answer = http_request(o.port, "POST", "/graphql", automation)) {
        o.automation = answer->body;
        const auto parsed = json::parse(answer->body, nullptr, false);
        const json::json_pointer path(
            "/data/workspaceOrError/locationEntries/0/"
            "locationOrLoadError/repositories/0");
        if (!parsed.is_discarded() && parsed.contains(path)) {
            o.repository = parsed[path];
        }
    }
    // "Materialize" on one asset in the asset graph: a run of Dagster's implicit asset job, which
    // has no tags of its own. The landed files' asset: `podcast land` on an empty staging
    // directory, quick and harmless.
    const std::string launch =
        R"({"query": "mutation($p: ExecutionParams!) { launchPipelineExecution(executionParams: )"
        R"($p) { __typename ... on LaunchRunSuccess { run { runId } } } }", "variables": {"p": )"
        R"({"selector": {"repositoryLocationName": "orchestrate.definitions", )"
        R"("repositoryName": "__repository__", "pipelineName": "__ASSET_JOB", )"
        R"("assetSelection": [{"path": ["loading", "event_files"]}]}, "mode": "default", )"
        R"("runConfigData": {}}}})";
    std::string run_id;
    if (auto answer = http_request(o.port, "POST", "/graphql", launch)) {
        o.launch = answer->body;
        const auto parsed = json::parse(answer->body, nullptr, false);
        const json::json_pointer id("/data/launchPipelineExecution/run/runId");
        if (!parsed.is_discarded() && parsed.contains(id)) {
            run_id = parsed[id];
        }
    }
    const std::string run_query = R"({"query": "{ runOrError(runId: \")" + run_id +
                                  R"(\") { ... on Run { status tags { key value } } } }"})";
    for (bool ended = run_id.empty(); !ended && Clock::now() < deadline;) {
        std::this_thread::sleep_for(1s);
        if (auto answer = http_request(o.port, "POST", "/graphql", run_query)) {
            const auto parsed = json::parse(answer->body, nullptr, false);
            const json::json_pointer run("/data/runOrError");
            if (!parsed.is_discarded() && parsed.contains(run)) {
                o.run = parsed[run];
                const std::string status = o.run.value("status", "");
                ended = status == "SUCCESS" || status == "FAILURE" || status == "CANCELED";
            }
        }
    }
    ::kill(pid, SIGTERM);
    o.stopped_on_sigterm = exited_within(pid, 60s);
    for (const auto limit = Clock::now() + 30s; !group_is_gone(pid) && Clock::now() < limit;) {
        std::this_thread::sleep_for(200ms);
    }
    o.group_gone = group_is_gone(pid);
    if (!o.group_gone || !o.stopped_on_sigterm) {
        ::kill(-pid, SIGKILL);  // only what this test started: its own process group
        ::waitpid(pid, nullptr, 0);
    }
    o.port_closed = connect_loopback(o.port) < 0;
    std::ifstream in(log);
    o.log.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return o;
}

}  // namespace

SCENARIO(
    "The orchestrator's sensor requests one run per new staging file, its runs build what podcast "
    "run builds, and one asset materialized alone builds that node and its tests only",
    "[orchestrate][e2e]") {
    require_dagster_environment();
    GIVEN(
        "three generated days dropped one by one into the staging directory, then the first "
        "again; after each drop one sensor tick and the runs it requests, in-process; then one "
        "gold asset materialized; then a tick of the sensor on runs made outside Dagster") {
        const auto& o = once([] { return orchestrate_days(); });
        INFO(tail(o.check.output));
        REQUIRE(0 == o.check.exit_code);
        REQUIRE(4 == o.drops.size());

        THEN("each new file requested exactly one run, keyed by its relative name") {
            for (std::size_t i = 0; i < 3; ++i) {
                REQUIRE(o.days[i] == o.drops[i]["drop"]);
                REQUIRE(1 == o.drops[i]["runs"].size());
                REQUIRE(o.days[i] == o.drops[i]["runs"][0]["run_key"]);
            }
        }
        THEN("the file dropped again requested no run") {
            REQUIRE(o.days[0] == o.drops[3]["drop"]);
            REQUIRE(json::array() == o.drops[3]["runs"]);
        }
        THEN(
            "other content under a landed name requests no run; the tick says land would refuse "
            "it, and why") {
            REQUIRE(json::array() == o.refused["runs"]);
            REQUIRE_THAT(o.refused["skip_reason"].get<std::string>(),
                         Catch::Contains("podcast land would refuse") &&
                             Catch::Contains(o.days[1] + " was already landed with different "
                                                         "content"));
        }
        THEN("every requested run succeeded") {
            for (std::size_t i = 0; i < 3; ++i) {
                REQUIRE(true == o.drops[i]["runs"][0]["success"]);
            }
        }
        THEN("silver.cleansed_events holds the rows plain podcast run builds from the same files") {
            INFO(tail(o.plain_run.output));
            REQUIRE(0 == o.plain_run.exit_code);
            const auto expected = rows_of(*o.plain, "silver.cleansed_events");
            REQUIRE_FALSE(expected.empty());
            REQUIRE(std::string{} ==
                    first_difference(expected, rows_of(*o.orchestrated, "silver.cleansed_events")));
        }
        THEN("gold.fact_user_interactions holds the rows plain podcast run builds") {
            REQUIRE(0 == o.plain_run.exit_code);
            const auto expected = rows_of(*o.plain, "gold.fact_user_interactions");
            REQUIRE_FALSE(expected.empty());
            REQUIRE(std::string{} ==
                    first_difference(expected,
                                     rows_of(*o.orchestrated, "gold.fact_user_interactions")));
        }
        THEN("materializing " + one_gold_asset + " succeeds, materializing it and its checks") {
            INFO(o.materialize.dump());
            REQUIRE(true == o.materialize["success"]);
            REQUIRE(json::array({one_gold_asset}) == o.materialize["materialized"]);
            REQUIRE(2 == o.materialize["checks"].size());
        }
        THEN("dbt's results of that run hold only the node and its tests") {
            REQUIRE(o.materialize_results.is_object());
            std::vector<std::string> nodes;
            for (const auto& result : o.materialize_results["results"]) {
                const std::string id = result["unique_id"];
                if (id.starts_with("test.")) {
                    nodes.push_back(id.substr(0, id.rfind('.')));  // less dbt's hash suffix
                } else if (!id.starts_with("operation.")) {  // the on-run-start hooks: every build
                    nodes.push_back(id);
                }
            }
            std::sort(nodes.begin(), nodes.end());
            REQUIRE(one_gold_asset_nodes == nodes);
        }
        THEN("no other asset's materialization count moved; the one asset's rose by one") {
            const json& before = o.materialize["counts_before"];
            const json& after = o.materialize["counts_after"];
            REQUIRE(before.size() == after.size());
            for (const auto& [key, count] : before.items()) {
                INFO(key);
                REQUIRE(count.get<int>() + (key == one_gold_asset ? 1 : 0) == after[key]);
            }
            REQUIRE(0 < before[one_gold_asset].get<int>());
        }
        THEN("the sensor on runs made outside Dagster reports none of Dagster's own") {
            REQUIRE(json::array() == o.tick["materialized"]);
            REQUIRE(json::array() == o.tick["checks"]);
        }
    }
}

namespace {

struct OutsideRun {
    std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
    CommandOutcome land, run;
    Driven driven;
};

// Two generated days landed and run by plain `podcast land` and `podcast run --origin cron`, then
// two ticks of the sensor on runs made outside Dagster.
OutsideRun run_outside_dagster() {
    OutsideRun o;
    const fs::path generated = o.ws->root() / "generated";
    const auto generate = run_podcast_binary({"generate", "--out", generated.string(), "--days",
                                              "2", "--events-per-day", "300", "--users", "60",
                                              "--episodes", "20", "--seed", "5"});
    if (generate.exit_code != 0) {
        throw std::runtime_error("podcast generate failed: " + generate.output);
    }
    for (const char* name : {"users.csv", "episodes.csv"}) {
        fs::copy_file(generated / "reference" / name, o.ws->reference() / name,
                      fs::copy_options::overwrite_existing);
    }
    fs::copy(generated / "events", o.ws->staging(), fs::copy_options::recursive);
    o.land = o.ws->land();
    o.run = o.ws->run({"--origin", "cron"});
    o.driven = drive(*o.ws, {"--tick", "outside_runs_sensor", "--tick", "outside_runs_sensor"});
    return o;
}

}  // namespace

SCENARIO("A run made outside Dagster is reported in its catalog by the runs-log sensor, once",
         "[orchestrate]") {
    require_dagster_environment();
    GIVEN("podcast land and podcast run --origin cron, then two ticks of the sensor") {
        const auto& o = once([] { return run_outside_dagster(); });
        INFO(tail(o.run.output) << tail(o.driven.check.output));
        REQUIRE(0 == o.land.exit_code);
        REQUIRE(0 == o.run.exit_code);
        REQUIRE(0 == o.driven.check.exit_code);
        REQUIRE(2 == o.driven.steps.size());
        const json& first = o.driven.steps[0];
        const json& second = o.driven.steps[1];

        THEN("the first tick reports a materialization of every model and seed, and no other") {
            // Every asset of a dbt model or seed, as Dagster defines them: not `podcast land`'s
            // files, nor the dbt sources upstream of the models (silver.retention_record).
            REQUIRE_FALSE(first["buildable"].empty());
            REQUIRE(first["buildable"] == first["materialized"]);
            for (const auto& [key, count] : first["counts"].items()) {
                const bool buildable =
                    std::ranges::find(first["buildable"], json(key)) != first["buildable"].end();
                if (!buildable) {  // everything else: never materialized by the run
                    REQUIRE(0 == count);
                }
            }
        }
        THEN("it reports a passed check for every check Dagster knows (the run ran every test)") {
            REQUIRE(first["checks_defined"] == first["checks"].size());
            for (const auto& check : first["checks"]) {
                REQUIRE_THAT(check.get<std::string>(), Catch::EndsWith(":pass"));
            }
        }
        THEN("the second tick reports nothing: each run is reported once") {
            REQUIRE(json::array() == second["materialized"]);
            REQUIRE(json::array() == second["checks"]);
            for (const auto& [key, count] : second["counts"].items()) {
                INFO(key);
                const bool buildable =
                    std::ranges::find(second["buildable"], json(key)) != second["buildable"].end();
                REQUIRE((buildable ? 1 : 0) == count);
            }
        }
    }
}

SCENARIO(
    "The orchestrator's web UI serves its page on a loopback port with the pipeline loaded, "
    "and stops",
    "[orchestrate]") {
    require_dagster_environment();
    GIVEN("orchestrate/serve (make orchestrate) started on a free loopback port") {
        const auto& o = once([] { return serve_ui(); });
        INFO("port " << o.port << "; orchestrate/serve output:\n" << tail(o.log));

        THEN("GET / answers 200 with Dagster's page") {
            REQUIRE(o.page.has_value());
            REQUIRE(200 == o.page->status);
            REQUIRE(o.page->body.find("<title") != std::string::npos);
            REQUIRE(o.page->body.find("Dagster") != std::string::npos);
        }
        THEN("its API lists the landed files and a model of every layer as assets") {
            for (const char* key : {R"(["loading","event_files"])", R"(["silver","users"])",
                                    R"(["bronze","raw_events"])", R"(["silver","cleansed_events"])",
                                    R"(["gold","fact_user_interactions"])",
                                    R"(["gold","q3_multi_episode_listeners"])"}) {
                INFO(key << " in " << o.assets);
                REQUIRE(o.assets.find(key) != std::string::npos);
            }
        }
        THEN("the job, the daily schedule and both sensors are loaded and running") {
            INFO(o.automation);
            REQUIRE(o.repository.is_object());
            REQUIRE(o.repository["jobs"].dump().find(R"("podcast_pipeline")") != std::string::npos);
            const json schedule = {{"name", "daily_pipeline"},
                                   {"cronSchedule", "0 2 * * *"},
                                   {"scheduleState", {{"status", "RUNNING"}}}};
            REQUIRE(json::array({schedule}) == o.repository["schedules"]);
            json sensors = json::array();
            for (const char* name : {"outside_runs_sensor", "staging_sensor"}) {
                sensors.push_back({{"name", name}, {"sensorState", {{"status", "RUNNING"}}}});
            }
            REQUIRE(sensors == o.repository["sensors"]);
        }
        THEN(
            "a materialization launched from the asset graph carries the warehouse tag, and "
            "succeeds") {
            INFO(o.launch << "\n" << o.run.dump());
            REQUIRE("SUCCESS" == o.run.value("status", ""));
            const json tag = {{"key", "podcast/warehouse"},
                              {"value", fs::absolute(o.ws->warehouse()).string()}};
            REQUIRE(std::ranges::find(o.run["tags"], tag) != o.run["tags"].end());
        }
        THEN("SIGTERM stops it, with every process it started, and frees the port") {
            REQUIRE(o.stopped_on_sigterm);
            REQUIRE(o.group_gone);
            REQUIRE(o.port_closed);
        }
    }
}

SCENARIO("The orchestrator's exit codes are podcast's one list", "[orchestrate]") {
    require_dagster_environment();
    const auto printed = run_capturing(podcast::ProcessSpec{
        dagster_python(),
        {"-c",
         "import json; from orchestrate.resources import ExitCode; "
         "print(json.dumps({code.name.lower(): code.value for code in ExitCode}))"},
        podcast::project_root(),
        {}});
    INFO(printed.output);
    REQUIRE(0 == printed.exit_code);
    json expected = json::object();
    for (const auto& [code, name, meaning] : podcast::exit_code_meanings) {
        expected[name] = static_cast<int>(code);
    }
    REQUIRE(expected == json::parse(printed.output));
}
