// podcast_bench: the targets of the performance issue measured in one run, each figure printed
// beside its target. The full refresh is measured in DuckDB load floors (DuckDB materialising the
// same NDJSON files, timed on the same machine at the same time), the last day's run as a share of
// the full refresh, a run with nothing new in seconds, peak memory in MiB, and dbt's fixed cost
// per invocation (start-up and parse, no node) apart from the per-row work. Figures only: the
// bench fails when a run fails or computes a wrong result, never because of a time.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
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

constexpr std::int64_t target_size = 10'000'000;  // the size the targets are set at

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

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// The 1-, 5- and 15-minute load averages: how busy the machine was around a measurement.
std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

struct Measured {
    int exit_code = -1;
    double seconds = 0;
    double peak_rss_mib = 0;  // the largest resident set of the process or any descendant
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
    auto database =
        value_or_die(podcast::Database::open(":memory:", podcast::AccessMode::read_write));
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
    value_or_die(connection.query("create table events as select * from read_json(" +
                                  sql_list(files) + ", format = 'newline_delimited', " +
                                  five_text_columns + ", filename = true)"));
    value_or_die(connection.query("checkpoint"));
    return seconds_since(start);
}

std::string duckdb_version() {
    auto database =
        value_or_die(podcast::Database::open(":memory:", podcast::AccessMode::read_write));
    auto connection = value_or_die(podcast::Connection::connect(database));
    auto result = value_or_die(connection.query("select version()"));
    return result.value(0, 0).value_or("?");
}

// ---- Datasets -----------------------------------------------------------------------------------

// One generated dataset per size, kept in the work directory and reused by later benches while
// its options are the same (generating 10M events takes minutes).
struct Dataset {
    fs::path generated;
    std::vector<fs::path> days;  // every day's directory, in order: history, then the last day
    double generate_seconds = 0;
    std::int64_t generate_events = 0;
    bool reused = false;
};

Dataset dataset_for(std::int64_t events, int days, const fs::path& root, bool regenerate) {
    podcast::GenerateOptions options;
    options.out = root / "generated";
    options.days = days + 1;  // the last day is the incremental day
    options.events_per_day = (events + days - 1) / days;
    options.users = static_cast<int>(std::max<std::int64_t>(2000, events / 500));
    options.episodes = static_cast<int>(std::max<std::int64_t>(300, events / 20000));
    const ordered_json wanted = {{"days", options.days},
                                 {"events_per_day", options.events_per_day},
                                 {"users", options.users},
                                 {"episodes", options.episodes},
                                 {"seed", options.seed}};
    const fs::path stamp = root / "dataset.json";

    Dataset dataset;
    dataset.generated = options.out;
    ordered_json kept;
    if (std::ifstream in(stamp); in && !regenerate) {
        kept = ordered_json::parse(in, nullptr, false);
    }
    if (kept.is_object() && kept.value("options", ordered_json()) == wanted &&
        fs::exists(options.out / "expected.json")) {
        std::cout << "  generate: kept dataset reused (" << options.out.string() << ")\n";
        dataset.generate_seconds = kept.value("generate_seconds", 0.0);
        dataset.generate_events = kept.value("generate_events", std::int64_t{0});
        dataset.reused = true;
    } else {
        fs::remove_all(root);
        std::cout << "  generate..." << std::flush;
        const auto summary = value_or_die(podcast::generate(options));
        std::cout << " " << fixed(summary.seconds, 2) << " s\n";
        dataset.generate_seconds = summary.seconds;
        dataset.generate_events = summary.events;
        std::ofstream(stamp) << ordered_json{{"options", wanted},
                                             {"generate_seconds", summary.seconds},
                                             {"generate_events", summary.events}}
                                    .dump(2)
                             << '\n';
    }
    for (const auto& entry : fs::directory_iterator(options.out / "events")) {
        dataset.days.push_back(entry.path());
    }
    std::sort(dataset.days.begin(), dataset.days.end());
    if (dataset.days.size() != static_cast<std::size_t>(days + 1)) {
        die("the dataset in " + options.out.string() + " does not hold " +
            std::to_string(days + 1) + " days; rerun with --regenerate");
    }
    return dataset;
}

// ---- The pipeline's runs ------------------------------------------------------------------------

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
        std::vector<std::string> arguments = {"run",
                                              "--warehouse",
                                              warehouse.string(),
                                              "--data-dir",
                                              loading.string(),
                                              "--reference-dir",
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

// A run that failed, or computed something other than the generator's ground truth: what the
// bench reports for the size instead of its figures.
struct RunFailed {
    std::string message;
};

Measured run_or_throw(const Workspace& ws, bool full_refresh, const std::string& what) {
    std::cout << "  " << what << "..." << std::flush;
    const Measured measured = run_podcast(ws.run_arguments(full_refresh), ws.log);
    std::cout << " " << fixed(measured.seconds, 2) << " s, peak " << fixed(measured.peak_rss_mib, 0)
              << " MiB\n";
    if (measured.exit_code != 0) {
        throw RunFailed{what + " failed (exit " + std::to_string(measured.exit_code) + "); see " +
                        ws.log.string()};
    }
    return measured;
}

// The warehouse's tables against the generator's expected.json, once every day is loaded.
void check_against_expected(const fs::path& warehouse, const fs::path& expected_file) {
    std::ifstream in(expected_file);
    const auto expected = nlohmann::json::parse(in);
    auto database =
        value_or_die(podcast::Database::open(warehouse, podcast::AccessMode::read_only));
    auto connection = value_or_die(podcast::Connection::connect(database));
    const std::pair<const char*, const char*> tables[] = {
        {"bronze.raw_events", "raw_rows"},
        {"silver.cleansed_events", "cleansed_rows"},
        {"gold.fact_user_interactions", "fact_rows"}};
    for (const auto& [table, key] : tables) {
        auto result = value_or_die(connection.query(std::string("select count(*) from ") + table));
        const std::int64_t rows = std::stoll(result.value(0, 0).value_or("-1"));
        if (rows != expected.at(key).get<std::int64_t>()) {
            throw RunFailed{std::string(table) + " holds " + std::to_string(rows) +
                            " rows, expected.json says " + expected.at(key).dump()};
        }
    }
}

double step_seconds(const ordered_json& record, const char* step) {
    if (!record.is_object() || !record.contains("seconds")) {
        return 0;
    }
    return record["seconds"].value(step, 0.0);
}

// One repetition: a full refresh of a fresh warehouse on the history, a run with nothing new,
// then the last day on top.
struct Sequence {
    Measured full;
    ordered_json full_record;
    Measured nothing_new;
    Measured last_day;
    ordered_json last_day_record;
};

Sequence run_sequence(const Dataset& dataset, int days, const fs::path& root) {
    const Workspace ws = fresh_workspace(root / "run", dataset.generated / "reference");
    link_days({dataset.days.begin(), dataset.days.begin() + days}, ws.loading);
    Sequence sequence;
    sequence.full = run_or_throw(ws, true, "full refresh on " + std::to_string(days) + " days");
    sequence.full_record = podcast::last_run_record(ws.warehouse);
    sequence.nothing_new = run_or_throw(ws, false, "run with nothing new");
    link_days({dataset.days[static_cast<std::size_t>(days)]}, ws.loading);
    sequence.last_day = run_or_throw(ws, false, "day " + std::to_string(days + 1));
    sequence.last_day_record = podcast::last_run_record(ws.warehouse);
    check_against_expected(ws.warehouse, dataset.generated / "expected.json");
    return sequence;
}

// The repetition with the fastest measurement of `of` (its record gives that run's steps).
template <class Key>
const Sequence& fastest(const std::vector<Sequence>& sequences, Key of) {
    return *std::min_element(sequences.begin(), sequences.end(),
                             [&](const Sequence& a, const Sequence& b) { return of(a) < of(b); });
}

template <class Key>
ordered_json samples(const std::vector<Sequence>& sequences, Key of) {
    ordered_json values = ordered_json::array();
    for (const auto& sequence : sequences) {
        values.push_back(of(sequence));
    }
    return values;
}

ordered_json bench_size(std::int64_t events, int days, int repeat, const fs::path& work,
                        bool regenerate) {
    std::cout << "== " << events << " events over " << days << " days (load average "
              << load_average() << ")\n";
    const fs::path root = work / std::to_string(events);
    const Dataset dataset = dataset_for(events, days, root, regenerate);
    const std::vector<fs::path> history(dataset.days.begin(), dataset.days.begin() + days);
    std::vector<fs::path> history_files;
    std::uintmax_t bytes = 0;
    for (const auto& day : history) {
        history_files.push_back(day / "events.json");
        bytes += fs::file_size(day / "events.json");
    }
    // The history's lines (days vary around events_per_day), from the generator's expected.json.
    std::int64_t history_events = 0;
    {
        std::ifstream in(dataset.generated / "expected.json");
        const auto files = nlohmann::json::parse(in)["files"];
        for (const auto& day : history) {
            history_events +=
                files.value(day.filename().string() + "/events.json", std::int64_t{0});
        }
    }

    ordered_json figures = {
        {"events", history_events},
        {"days", days},
        {"bytes", bytes},
        {"load_average_before", load_average()},
        {"generate_reused", dataset.reused},
        {"generate_seconds", dataset.generate_seconds},
        {"generate_events_per_second",
         dataset.generate_seconds > 0
             ? static_cast<double>(dataset.generate_events) / dataset.generate_seconds
             : 0.0}};

    std::vector<double> parse_samples;
    std::vector<double> load_samples;
    for (int i = 0; i < repeat; ++i) {
        std::cout << "  parse floor..." << std::flush;
        parse_samples.push_back(parse_floor(history_files));
        std::cout << " " << fixed(parse_samples.back(), 2) << " s\n  load floor..." << std::flush;
        load_samples.push_back(load_floor(history_files, root / "floor.duckdb"));
        std::cout << " " << fixed(load_samples.back(), 2) << " s\n";
        fs::remove(root / "floor.duckdb");
    }
    const double parse = *std::min_element(parse_samples.begin(), parse_samples.end());
    const double load = *std::min_element(load_samples.begin(), load_samples.end());
    figures["parse_floor_seconds"] = parse;
    figures["load_floor_seconds"] = load;

    std::vector<Sequence> sequences;
    try {
        for (int i = 0; i < repeat; ++i) {
            sequences.push_back(run_sequence(dataset, days, root));
        }
    } catch (const RunFailed& failed) {
        std::cout << "  FAILED: " << failed.message << '\n';
        figures["failed"] = failed.message;
        figures["load_average_after"] = load_average();
        return figures;
    }

    const auto full_seconds = [](const Sequence& s) { return s.full.seconds; };
    const auto last_seconds = [](const Sequence& s) { return s.last_day.seconds; };
    const auto nothing_seconds = [](const Sequence& s) { return s.nothing_new.seconds; };
    const auto full_startup = [](const Sequence& s) {
        return step_seconds(s.full_record, "dbt start-up");
    };
    const auto last_startup = [](const Sequence& s) {
        return step_seconds(s.last_day_record, "dbt start-up");
    };
    const Sequence& best_full = fastest(sequences, full_seconds);
    const Sequence& best_last = fastest(sequences, last_seconds);
    double full_peak = 0;
    double last_peak = 0;
    for (const auto& sequence : sequences) {
        full_peak = std::max(full_peak, sequence.full.peak_rss_mib);
        last_peak = std::max(last_peak, sequence.last_day.peak_rss_mib);
    }
    const double full = best_full.full.seconds;
    const double last = best_last.last_day.seconds;
    figures["full_refresh_seconds"] = full;
    figures["full_refresh_over_load_floor"] = full / load;
    figures["full_refresh_events_per_second"] = static_cast<double>(history_events) / full;
    figures["full_refresh_peak_rss_mib"] = full_peak;
    figures["full_refresh_steps_seconds"] =
        best_full.full_record.value("seconds", ordered_json::object());
    figures["nothing_new_seconds"] = nothing_seconds(fastest(sequences, nothing_seconds));
    figures["last_day_seconds"] = last;
    figures["last_day_over_full_refresh"] = last / full;
    figures["last_day_peak_rss_mib"] = last_peak;
    figures["last_day_steps_seconds"] =
        best_last.last_day_record.value("seconds", ordered_json::object());
    figures["dbt_fixed_full_parse_seconds"] = full_startup(fastest(sequences, full_startup));
    figures["dbt_fixed_partial_parse_seconds"] = last_startup(fastest(sequences, last_startup));
    figures["samples"] = {
        {"parse_floor_seconds", parse_samples},
        {"load_floor_seconds", load_samples},
        {"full_refresh_seconds", samples(sequences, full_seconds)},
        {"nothing_new_seconds", samples(sequences, nothing_seconds)},
        {"last_day_seconds", samples(sequences, last_seconds)},
        {"full_refresh_peak_rss_mib",
         samples(sequences, [](const Sequence& s) { return s.full.peak_rss_mib; })},
        {"dbt_fixed_full_parse_seconds", samples(sequences, full_startup)},
        {"dbt_fixed_partial_parse_seconds", samples(sequences, last_startup)},
    };
    figures["load_average_after"] = load_average();
    return figures;
}

// ---- The summary --------------------------------------------------------------------------------

// A target of the issue: a figure, where it applies (one size, or every size: 0) and its bound.
struct Target {
    const char* figure;
    const char* key;
    int decimals;
    std::int64_t at_size;
    enum class Bound { at_most, below } bound;
    double limit;
    const char* text;
};

const Target targets[] = {
    {"full refresh / load floor", "full_refresh_over_load_floor", 2, target_size,
     Target::Bound::at_most, 5.3, "<= 5.3 at 10M"},
    {"last day / full refresh", "last_day_over_full_refresh", 3, target_size,
     Target::Bound::at_most, 0.12, "<= 0.12 at 10M"},
    {"nothing new, s", "nothing_new_seconds", 2, 0, Target::Bound::below, 1.0, "< 1"},
    {"full refresh peak RSS, MiB", "full_refresh_peak_rss_mib", 0, target_size,
     Target::Bound::below, 3072, "< 3072 at 10M"},
};

struct Figure {
    const char* figure;
    const char* key;
    int decimals;
};

const Figure other_figures[] = {
    {"generate, events/s", "generate_events_per_second", 0},
    {"parse floor, s", "parse_floor_seconds", 2},
    {"load floor, s", "load_floor_seconds", 2},
    {"full refresh, s", "full_refresh_seconds", 2},
    {"full refresh, events/s", "full_refresh_events_per_second", 0},
    {"last day, s", "last_day_seconds", 2},
    {"last day peak RSS, MiB", "last_day_peak_rss_mib", 0},
    {"dbt start-up and full parse, s", "dbt_fixed_full_parse_seconds", 2},
    {"dbt start-up and partial parse, s", "dbt_fixed_partial_parse_seconds", 2},
};

std::string size_name(std::int64_t events) {
    if (events % 1'000'000 == 0) {
        return std::to_string(events / 1'000'000) + "M";
    }
    return std::to_string(events);
}

// met, missed, or "-" where the target's size was not measured (or its run failed).
std::string verdict(const Target& target, const ordered_json& sizes) {
    bool any = false;
    for (const auto& size : sizes) {
        if (target.at_size != 0 && size.value("requested", std::int64_t{0}) != target.at_size) {
            continue;
        }
        if (!size.contains(target.key)) {
            continue;
        }
        any = true;
        const double value = size[target.key].get<double>();
        const bool met =
            target.bound == Target::Bound::at_most ? value <= target.limit : value < target.limit;
        if (!met) {
            return "missed";
        }
    }
    return any ? "met" : "-";
}

void print_summary(const ordered_json& results) {
    const auto& sizes = results["sizes"];
    podcast::Table table;
    table.columns = {{"figure", podcast::ColumnKind::text}};
    for (const auto& size : sizes) {
        table.columns.push_back({size_name(size["requested"].get<std::int64_t>()) + " events",
                                 podcast::ColumnKind::real});
    }
    table.columns.push_back({"target", podcast::ColumnKind::text});
    table.columns.push_back({"", podcast::ColumnKind::text});
    auto row_of = [&](const char* figure, const char* key, int decimals) {
        std::vector<podcast::Cell> row{std::string(figure)};
        for (const auto& size : sizes) {
            row.emplace_back(size.contains(key)
                                 ? fixed(size[key].get<double>(), decimals)
                                 : std::string(size.contains("failed") ? "failed" : "-"));
        }
        return row;
    };
    for (const auto& target : targets) {
        auto row = row_of(target.figure, target.key, target.decimals);
        row.emplace_back(std::string(target.text));
        row.emplace_back(verdict(target, sizes));
        table.rows.push_back(std::move(row));
    }
    {
        std::vector<podcast::Cell> row{std::string("every run succeeded")};
        for (const auto& size : sizes) {
            row.emplace_back(std::string(size.contains("failed") ? "no" : "yes"));
        }
        row.emplace_back(std::string("at 50M, memory_limit 4GB"));
        row.emplace_back(std::string("-"));
        for (const auto& size : sizes) {
            if (size["requested"].get<std::int64_t>() == 50'000'000) {
                row.back() = std::string(size.contains("failed") ? "missed" : "met");
            }
        }
        table.rows.push_back(std::move(row));
    }
    for (const auto& figure : other_figures) {
        auto row = row_of(figure.figure, figure.key, figure.decimals);
        row.emplace_back(std::string());
        row.emplace_back(std::string());
        table.rows.push_back(std::move(row));
    }
    std::cout << '\n';
    podcast::print_text_table(table, std::cout);

    for (const auto& size : sizes) {
        if (size.contains("failed")) {
            std::cout << '\n'
                      << size_name(size["requested"].get<std::int64_t>())
                      << " failed: " << size["failed"].get<std::string>() << '\n';
            continue;
        }
        for (const auto& [title, key] : {std::pair{"Full refresh", "full_refresh_steps_seconds"},
                                         std::pair{"Last day", "last_day_steps_seconds"}}) {
            std::cout << '\n'
                      << title << " at " << size_name(size["requested"].get<std::int64_t>())
                      << ", seconds per step:";
            for (const auto& [step, seconds] : size[key].items()) {
                std::cout << "  " << step << " " << fixed(seconds.get<double>(), 2);
            }
            std::cout << '\n';
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

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Benchmarks of the podcast pipeline against the performance targets: the full refresh in "
        "DuckDB load floors, the last day's run against the full refresh, a run with nothing new, "
        "peak memory and dbt's fixed cost, each printed beside its target (figures only: a time "
        "never fails the bench; a failed run or a wrong result does)"};
    std::vector<std::int64_t> sizes = {1'000'000, 10'000'000};
    int days = 30;
    int repeat = 2;
    std::string memory_limit = "4GB";
    bool regenerate = false;
    fs::path work = podcast::project_root() / "bench-results" / "work";
    fs::path out = podcast::project_root() / "bench-results" / "bench.json";
    app.add_option("--sizes", sizes,
                   "Event counts to measure, over --days days each (50000000: the size that must "
                   "not fail with memory_limit 4GB; not in the default run)")
        ->delimiter(',')
        ->capture_default_str();
    app.add_option("--days", days,
                   "Days of history per dataset; one more day is the last day's run")
        ->check(CLI::Range(2, 365))
        ->capture_default_str();
    app.add_option("--repeat", repeat,
                   "Runs of each measurement; a time is the best of them, a peak the largest")
        ->check(CLI::Range(1, 10))
        ->capture_default_str();
    app.add_option("--memory-limit", memory_limit,
                   "DuckDB's memory_limit for the pipeline (PODCAST_DUCKDB_MEMORY_LIMIT)")
        ->capture_default_str();
    app.add_option("--work-dir", work,
                   "Where datasets (kept and reused while their options match) and warehouses are "
                   "written")
        ->capture_default_str();
    app.add_flag("--regenerate", regenerate,
                 "Generate the datasets again even when kept ones match");
    app.add_option("--out", out, "The JSON file of figures")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    ::setenv("PODCAST_DUCKDB_MEMORY_LIMIT", memory_limit.c_str(), 1);
    ordered_json results = {{"date", utc_now()},
                            {"machine", machine_description()},
                            {"duckdb_version", duckdb_version()},
                            {"duckdb_memory_limit", memory_limit},
                            {"repeat", repeat},
                            {"sizes", ordered_json::array()}};
    bool failed = false;
    for (const auto events : sizes) {
        auto figures = bench_size(events, days, repeat, work, regenerate);
        failed = failed || figures.contains("failed");
        ordered_json entry = {{"requested", events}};
        entry.update(figures);
        results["sizes"].push_back(std::move(entry));
    }
    fs::create_directories(out.parent_path());
    std::ofstream(out) << results.dump(2) << '\n';
    print_summary(results);
    std::cout << "\nFigures written to " << out.string() << " (times: best of " << repeat
              << "; machine load average now " << load_average() << ")\n";
    return failed ? 1 : 0;
}
