// The orchestrator (Dagster, orchestrate/): its definitions driven in-process over generated days
// dropped one by one into the staging directory, against plain `podcast run` on the same files;
// and its web UI started on a free loopback port, fetched over HTTP and stopped. Both need the
// orchestrator's environment .venv-dagster (`make venv-dagster`, which `make test` runs first):
// without it they fail, they do not skip.
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

struct OrchestratedDays {
    std::unique_ptr<Workspace> orchestrated = std::make_unique<Workspace>();
    std::unique_ptr<Workspace> plain = std::make_unique<Workspace>();
    std::vector<std::string> days;  // relative names, in drop order
    CommandOutcome check;
    json drops;  // the driver's summary: one entry per drop
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

    // Each day dropped in turn, then the first one again.
    std::vector<std::string> arguments{"-m", "orchestrate.check", "--var",
                                       "now=" + std::string(pinned_now)};
    for (const auto& day : {o.days[0], o.days[1], o.days[2], o.days[0]}) {
        arguments.insert(arguments.end(),
                         {"--drop", (generated / "events" / day).string() + "=" + day});
    }
    const podcast::ProcessSpec spec{dagster_python(), arguments, podcast::project_root(),
                                    orchestrator_environment(*o.orchestrated)};
    auto status = podcast::run_process(spec, [&](std::string_view line) {
        o.check.output.append(line);
        o.check.output.push_back('\n');
        if (line.starts_with("{\"drops\"")) {
            o.drops = json::parse(line)["drops"];
        }
    });
    if (!status) {
        throw std::runtime_error("could not start " + dagster_python().string() + ": " +
                                 status.error().message);
    }
    o.check.exit_code = *status;

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
        R"({"query": "{ workspaceOrError { ... on Workspace { locationEntries { )"
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
    "The orchestrator's sensor requests one run per new staging file, and its runs build "
    "what podcast run builds",
    "[orchestrate][e2e]") {
    require_dagster_environment();
    GIVEN(
        "three generated days dropped one by one into the staging directory, then the first "
        "again; after each drop one sensor tick and the runs it requests, in-process") {
        const auto& o = once([] { return orchestrate_days(); });
        INFO(tail(o.check.output));
        REQUIRE(0 == o.check.exit_code);
        REQUIRE(4 == o.drops.size());

        THEN("each new file requested exactly one run, keyed by its relative name") {
            for (std::size_t i = 0; i < 3; ++i) {
                REQUIRE(o.days[i] == o.drops[i]["file"]);
                REQUIRE(1 == o.drops[i]["runs"].size());
                REQUIRE(o.days[i] == o.drops[i]["runs"][0]["run_key"]);
            }
        }
        THEN("the file dropped again requested no run") {
            REQUIRE(o.days[0] == o.drops[3]["file"]);
            REQUIRE(json::array() == o.drops[3]["runs"]);
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
        THEN("the job, the daily schedule and the staging sensor are loaded and running") {
            INFO(o.automation);
            REQUIRE(o.repository.is_object());
            REQUIRE(o.repository["jobs"].dump().find(R"("podcast_pipeline")") != std::string::npos);
            const json schedule = {{"name", "daily_pipeline"},
                                   {"cronSchedule", "0 2 * * *"},
                                   {"scheduleState", {{"status", "RUNNING"}}}};
            REQUIRE(json::array({schedule}) == o.repository["schedules"]);
            const json sensor = {{"name", "staging_sensor"},
                                 {"sensorState", {{"status", "RUNNING"}}}};
            REQUIRE(json::array({sensor}) == o.repository["sensors"]);
        }
        THEN("SIGTERM stops it, with every process it started, and frees the port") {
            REQUIRE(o.stopped_on_sigterm);
            REQUIRE(o.group_gone);
            REQUIRE(o.port_closed);
        }
    }
}
