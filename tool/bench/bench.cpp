// podcast_bench: throughput, incremental cost and memory of the pipeline, measured in one run
// beside the two floors (DuckDB reading the same NDJSON files, and materialising them), so that
// the headline figures are ratios taken on the same machine at the same time.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "podcast/database.hpp"
#include "podcast/generate.hpp"
#include "podcast/paths.hpp"
#include "podcast/run_record.hpp"
#include "podcast/table.hpp"

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& message) {
    std::cerr << "podcast_bench: " << message << '\n';
    std::exit(1);
}

template <class T>
T value_or_die(podcast::Result<T> result) {
    if (!result) {
        die(result.error().message);
    }
    return std::move(*result);
}

struct Measured {
    int exit_code = -1;
    double seconds = 0;
    double peak_rss_mib = 0;  // the largest resident set of the process and its descendants
};

// Runs build/podcast with the arguments, its output appended to log. The run happens in a
// forked child that reports RUSAGE_CHILDREN after waiting, so the peak memory of dbt (a
// grandchild) is measured for this run alone.
Measured run_podcast(const std::vector<std::string>& arguments, const fs::path& log) {
    int report[2];
    if (::pipe(report) != 0) {
        die("pipe failed");
    }
    const auto start = Clock::now();
    const pid_t child = ::fork();
    if (child < 0) {
        die("fork failed");
    }
    if (child == 0) {
        ::close(report[0]);
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                ::dup2(fd, STDOUT_FILENO);
                ::dup2(fd, STDERR_FILENO);
            }
            std::vector<char*> argv;
            std::string binary = PODCAST_BINARY;
            argv.push_back(binary.data());
            std::vector<std::string> copies = arguments;
            for (auto& argument : copies) {
                argv.push_back(argument.data());
            }
            argv.push_back(nullptr);
            ::execv(binary.c_str(), argv.data());
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        rusage usage{};
        ::getrusage(RUSAGE_CHILDREN, &usage);
        const long values[2] = {WIFEXITED(status) ? WEXITSTATUS(status) : 128, usage.ru_maxrss};
        (void)!::write(report[1], values, sizeof values);
        ::_exit(0);
    }
    ::close(report[1]);
    long values[2] = {-1, 0};
    (void)!::read(report[0], values, sizeof values);
    ::close(report[0]);
    ::waitpid(child, nullptr, 0);
    return Measured{static_cast<int>(values[0]), seconds_since(start),
                    static_cast<double>(values[1]) / 1024.0};
}

std::string sql_list(const std::vector<fs::path>& files) {
    std::string list = "[";
    for (std::size_t i = 0; i < files.size(); ++i) {
        list += (i ? ", '" : "'") + files[i].string() + "'";
    }
    return list + "]";
}

const char* five_text_columns =
    "columns = {event_type: 'VARCHAR', user_id: 'VARCHAR', episode_id: 'VARCHAR', "
    "timestamp: 'VARCHAR', duration: 'VARCHAR'}";

// Parse floor: read the files into five text columns and aggregate every column.
double parse_floor(const std::vector<fs::path>& files) {
    auto database = value_or_die(podcast::Database::open(":memory:", podcast::AccessMode::read_write));
    auto connection = value_or_die(podcast::Connection::connect(database));
    const auto start = Clock::now();
    value_or_die(connection.query(
        "select count(*), max(length(event_type)), max(length(user_id)), "
        "max(length(episode_id)), max(length(timestamp)), max(length(duration)) from read_json(" +
        sql_list(files) + ", format = 'newline_delimited', " + five_text_columns + ")"));
    return seconds_since(start);
}

// Load floor: the same read materialised as a table in a file database.
double load_floor(const std::vector<fs::path>& files, const fs::path& database_file) {
    fs::remove(database_file);
    auto database =
        value_or_die(podcast::Database::open(database_file, podcast::AccessMode::read_write));
    auto connection = value_or_die(podcast::Connection::connect(database));
    const auto start = Clock::now();
    value_or_die(connection.query(
        "create table events as select * from read_json(" + sql_list(files) +
        ", format = 'newline_delimited', " + five_text_columns + ", filename = true)"));
    value_or_die(connection.query("checkpoint"));
    const double seconds = seconds_since(start);
    return seconds;
}

// Links the given day directories' events.json into a loading directory.
void link_days(const std::vector<fs::path>& days, const fs::path& loading) {
    for (const auto& day : days) {
        const fs::path target = loading / day.filename() / "events.json";
        fs::create_directories(target.parent_path());
        if (!fs::exists(target)) {
            fs::create_hard_link(day / "events.json", target);
        }
    }
}

struct Workspace {
    fs::path warehouse;
    fs::path loading;
    fs::path reference;
    fs::path log;

    [[nodiscard]] std::vector<std::string> run_arguments(bool full_refresh) const {
        std::vector<std::string> arguments = {"run",           "--warehouse",
                                              warehouse.string(), "--data-dir",
                                              loading.string(),  "--reference-dir",
                                              reference.string()};
        if (full_refresh) {
            arguments.emplace_back("--full-refresh");
        }
        return arguments;
    }
};

Workspace fresh_workspace(const fs::path& directory, const fs::path& reference) {
    fs::remove_all(directory);
    fs::create_directories(directory / "loading");
    return Workspace{directory / "warehouse.duckdb", directory / "loading", reference,
                     directory / "podcast.log"};
}

Measured run_or_die(const Workspace& ws, bool full_refresh, const std::string& what) {
    std::cout << "  " << what << "..." << std::flush;
    const Measured measured = run_podcast(ws.run_arguments(full_refresh), ws.log);
    std::cout << " " << measured.seconds << " s\n";
    if (measured.exit_code != 0) {
        die(what + " failed (exit " + std::to_string(measured.exit_code) + "); see " +
            ws.log.string());
    }
    return measured;
}

ordered_json bench_size(std::int64_t events, const fs::path& work, int days) {
    std::cout << "== " << events << " events over " << days << " days\n";
    const fs::path root = work / std::to_string(events);
    const fs::path generated = root / "generated";
    fs::remove_all(root);

    podcast::GenerateOptions options;
    options.out = generated;
    options.days = days + 1;  // day days+1 is the incremental day
    options.events_per_day = (events + days - 1) / days;
    options.users = static_cast<int>(std::max<std::int64_t>(2000, events / 500));
    options.episodes = static_cast<int>(std::max<std::int64_t>(300, events / 20000));
    std::cout << "  generate..." << std::flush;
    const auto generated_summary = value_or_die(podcast::generate(options));
    std::cout << " " << generated_summary.seconds << " s\n";

    std::vector<fs::path> all_days;
    for (const auto& entry : fs::directory_iterator(generated / "events")) {
        all_days.push_back(entry.path());
    }
    std::sort(all_days.begin(), all_days.end());
    const std::vector<fs::path> history(all_days.begin(), all_days.begin() + days);
    std::vector<fs::path> history_files;
    std::uintmax_t bytes = 0;
    for (const auto& day : history) {
        history_files.push_back(day / "events.json");
        bytes += fs::file_size(day / "events.json");
    }

    std::cout << "  parse floor..." << std::flush;
    const double parse = parse_floor(history_files);
    std::cout << " " << parse << " s\n  load floor..." << std::flush;
    const double load = load_floor(history_files, root / "floor.duckdb");
    std::cout << " " << load << " s\n";
    fs::remove(root / "floor.duckdb");

    // The full pipeline on the history, then nothing new, then one more day.
    const Workspace big = fresh_workspace(root / "history", generated / "reference");
    link_days(history, big.loading);
    const Measured full = run_or_die(big, true, "full pipeline (--full-refresh)");
    const ordered_json full_record = podcast::last_run_record(big.warehouse);
    const Measured nothing_new = run_or_die(big, false, "run with nothing new");
    link_days({all_days[static_cast<std::size_t>(days)]}, big.loading);
    const Measured day_last = run_or_die(big, false, "incremental day " + std::to_string(days + 1));

    // Day 2 on top of day 1, the same amount of new data on a small history.
    const Workspace small = fresh_workspace(root / "small", generated / "reference");
    link_days({all_days[0]}, small.loading);
    (void)run_or_die(small, false, "day 1 alone");
    link_days({all_days[1]}, small.loading);
    const Measured day_two = run_or_die(small, false, "incremental day 2");

    // The history's lines (days vary around events_per_day), from the generator's expected.json.
    std::int64_t pipeline_events = 0;
    {
        std::ifstream in(generated / "expected.json");
        const auto files = nlohmann::json::parse(in)["files"];
        for (const auto& day : history) {
            pipeline_events += files.value(day.filename().string() + "/events.json", std::int64_t{0});
        }
    }
    ordered_json figures = {
        {"events", pipeline_events},
        {"days", days},
        {"bytes", bytes},
        {"generate_seconds", generated_summary.seconds},
        {"generate_events", generated_summary.events},
        {"generate_events_per_second",
         static_cast<double>(generated_summary.events) / generated_summary.seconds},
        {"parse_floor_seconds", parse},
        {"load_floor_seconds", load},
        {"pipeline_seconds", full.seconds},
        {"pipeline_steps_seconds", full_record.is_object()
                                       ? full_record.value("seconds", ordered_json::object())
                                       : ordered_json::object()},
        {"pipeline_events_per_second", static_cast<double>(pipeline_events) / full.seconds},
        {"pipeline_peak_rss_mib", full.peak_rss_mib},
        {"pipeline_over_load_floor", full.seconds / load},
        {"nothing_new_seconds", nothing_new.seconds},
        {"incremental_last_day_seconds", day_last.seconds},
        {"incremental_day_two_seconds", day_two.seconds},
        {"incremental_last_day_over_day_two", day_last.seconds / day_two.seconds},
        {"incremental_peak_rss_mib", day_last.peak_rss_mib},
    };
    return figures;
}

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

void print_summary(const ordered_json& results) {
    podcast::Table table;
    table.columns = {{"figure", podcast::ColumnKind::text}};
    for (const auto& size : results["sizes"]) {
        table.columns.push_back(
            {std::to_string(size["events"].get<std::int64_t>()) + " events", podcast::ColumnKind::real});
    }
    table.columns.push_back({"target", podcast::ColumnKind::text});
    auto add = [&](const std::string& name, const char* key, int decimals, const std::string& target) {
        std::vector<podcast::Cell> row{name};
        for (const auto& size : results["sizes"]) {
            row.emplace_back(fixed(size[key].get<double>(), decimals));
        }
        row.emplace_back(target);
        table.rows.push_back(std::move(row));
    };
    add("generate, events/s", "generate_events_per_second", 0, ">= 1,000,000");
    add("parse floor, s", "parse_floor_seconds", 2, "");
    add("load floor, s", "load_floor_seconds", 2, "");
    add("full pipeline, s", "pipeline_seconds", 2, "");
    add("full pipeline / load floor", "pipeline_over_load_floor", 2, "<= 6 at 10M");
    add("full pipeline, events/s", "pipeline_events_per_second", 0, "");
    add("full pipeline peak RSS, MiB", "pipeline_peak_rss_mib", 0, "< 4096 at 10M");
    add("nothing new, s", "nothing_new_seconds", 2, "< 5");
    add("incremental last day, s", "incremental_last_day_seconds", 2, "");
    add("incremental day 2, s", "incremental_day_two_seconds", 2, "");
    add("last day / day 2", "incremental_last_day_over_day_two", 2, "<= 1.5");
    std::cout << '\n';
    podcast::print_text_table(table, std::cout);

    for (const auto& size : results["sizes"]) {
        std::cout << "\nFull pipeline steps at " << size["events"] << " events (s):\n";
        for (const auto& [step, seconds] : size["pipeline_steps_seconds"].items()) {
            std::cout << "  " << step << ": " << fixed(seconds.get<double>(), 2) << '\n';
        }
    }
}

std::string machine_description() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    std::string model;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    }
    return model + ", " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) + " cores, " +
           fixed(static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                     static_cast<double>(::sysconf(_SC_PAGE_SIZE)) / (1024.0 * 1024 * 1024),
                 1) +
           " GiB";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Benchmarks of the podcast pipeline: generation, the DuckDB floors, the full "
                 "pipeline, incremental runs and a run with nothing new, side by side"};
    std::vector<std::int64_t> sizes = {1'000'000, 10'000'000};
    int days = 30;
    fs::path work = podcast::project_root() / "bench-results" / "work";
    fs::path out = podcast::project_root() / "bench-results" / "bench.json";
    app.add_option("--sizes", sizes, "Event counts to measure (over --days days each)")
        ->delimiter(',');
    app.add_option("--days", days, "Days of history per dataset")->check(CLI::Range(2, 365));
    app.add_option("--work-dir", work, "Where datasets and warehouses are written");
    app.add_option("--out", out, "The JSON file of figures");
    CLI11_PARSE(app, argc, argv);

    ordered_json results = {{"machine", machine_description()},
                            {"duckdb_memory_limit",
                             std::getenv("PODCAST_DUCKDB_MEMORY_LIMIT")
                                 ? std::getenv("PODCAST_DUCKDB_MEMORY_LIMIT")
                                 : "4GB (default)"},
                            {"sizes", ordered_json::array()}};
    for (const auto events : sizes) {
        results["sizes"].push_back(bench_size(events, work, days));
    }
    fs::create_directories(out.parent_path());
    std::ofstream(out) << results.dump(2) << '\n';
    print_summary(results);
    std::cout << "\nFigures written to " << out.string() << '\n';
    return 0;
}
