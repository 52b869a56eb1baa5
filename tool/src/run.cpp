#include "podcast/run.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "podcast/archive.hpp"
#include "podcast/checksum.hpp"
#include "podcast/database.hpp"
#include "podcast/dbt.hpp"
#include "podcast/event_files.hpp"
#include "podcast/load_record.hpp"
#include "podcast/paths.hpp"
#include "podcast/process.hpp"
#include "podcast/reference_data.hpp"
#include "podcast/run_record.hpp"
#include "podcast/run_summary.hpp"
#include "podcast/settings.hpp"
#include "podcast/warehouse.hpp"

// A run in stages: prepare (paths, inputs, vars, the lock, the load plan, the inputs'
// fingerprint), then either "nothing new" or the dbt build, then the summary of dbt's artifacts
// (run_summary.hpp) and of the warehouse, printed, and a RunRecord for the runs log at each end.
namespace podcast {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::system_clock;

fs::path absolute_path(const fs::path& path) { return fs::absolute(path).lexically_normal(); }

std::string target_name(Target target) { return target == Target::prod ? "prod" : "dev"; }

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) {
        text += (text.empty() ? "" : " ") + word;
    }
    return text;
}

// A run with a selection builds only part of the project.
bool is_partial(const RunOptions& options) {
    return !options.select.empty() || !options.exclude.empty();
}

// ---- Prepare ------------------------------------------------------------------------------------

Result<void> check_inputs(const RunOptions& options) {
    std::error_code error;
    for (const char* name : {"users.csv", "episodes.csv"}) {
        const fs::path file = options.reference_dir / name;
        if (!fs::is_regular_file(file, error)) {
            return fail("reference file " + file.string() + " not found (--reference-dir)",
                        ExitCode::not_found);
        }
    }
    if (!fs::is_directory(options.data_dir, error)) {
        return fail("loading directory " + options.data_dir.string() +
                        " not found: land event files with 'podcast land' first (--data-dir)",
                    ExitCode::not_found);
    }
    if (!fs::is_regular_file(options.dbt, error)) {
        return fail(
            "dbt not found at " + options.dbt.string() + ": run 'make venv' or set PODCAST_DBT",
            ExitCode::not_found);
    }
    if (!fs::is_regular_file(options.dbt_project / "dbt_project.yml", error)) {
        return fail(
            "dbt project " + (options.dbt_project / "dbt_project.yml").string() + " not found",
            ExitCode::not_found);
    }
    return {};
}

// The user's reference files, read and checked: before anything is locked, loaded or replaced.
// Errors name the files by the path the user gave.
Result<std::vector<ReferenceRows>> check_reference_data(const fs::path& given_reference_dir) {
    std::vector<ReferenceRows> checked;
    for (const auto& file : reference_files()) {
        auto rows = read_reference_file(given_reference_dir / file.name, file);
        if (!rows) {
            return std::unexpected(rows.error());
        }
        checked.push_back(std::move(*rows));
    }
    return checked;
}

// What the run loads, decided before dbt starts: the loading directory's event files whose names
// are not in the warehouse's record, each checked against the load contract.
struct LoadPlan {
    std::vector<std::string> listed;   // every event file of the loading directory
    std::vector<std::string> ignored;  // other files there
    std::vector<CheckedFile> new_files;
    double check_seconds = 0;
};

Result<LoadPlan> plan_load(const RunOptions& options) {
    auto listing = list_loading_directory(options.data_dir);
    if (!listing) {
        return std::unexpected(listing.error());
    }
    // The prod target's record is in Snowflake, which this process cannot read: every event file
    // is checked, and the warehouse loads those its record lacks.
    auto record = options.target == Target::prod
                      ? Result<LoadRecord>{}
                      : read_load_record(options.warehouse, LockMode::already_held);
    if (!record) {
        return std::unexpected(record.error());
    }
    auto names = new_event_files(options.data_dir, listing->event_files, *record);
    if (!names) {
        return std::unexpected(names.error());
    }
    LoadPlan plan;
    for (const auto& file : listing->event_files) {
        plan.listed.push_back(file.name);
    }
    plan.ignored = std::move(listing->ignored);
    const auto started = std::chrono::steady_clock::now();
    auto checked = check_event_files(options.data_dir, *names, 2);
    if (!checked) {
        return std::unexpected(checked.error());
    }
    plan.new_files = std::move(*checked);
    plan.check_seconds = seconds_since(started);
    return plan;
}

// The dbt project as dbt parses it: the relative name and MD5 of every file of its configuration
// and its models, macros and tests, in name order. A changed project changes what a run builds.
Result<std::string> project_checksum(const fs::path& project) {
    std::vector<fs::path> files;
    for (const char* name : {"dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml"}) {
        if (fs::is_regular_file(project / name)) {
            files.push_back(project / name);
        }
    }
    for (const char* folder : {"models", "macros", "tests"}) {
        std::error_code error;
        for (fs::recursive_directory_iterator it(project / folder, error), end; !error && it != end;
             it.increment(error)) {
            if (it->is_regular_file()) {
                files.push_back(it->path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    std::string text;
    for (const auto& file : files) {
        auto checksum = md5_file(file);
        if (!checksum) {
            return std::unexpected(checksum.error());
        }
        text += file.lexically_relative(project).string() + " " + *checksum + "\n";
    }
    return md5_hex(text);
}

// What a run's inputs were, beyond the event files: the target, the loading directory, the dbt
// project and its content, the vars and the reference data. If the last successful run had the
// same, and every event file is already loaded, a new run would change nothing.
Result<std::string> inputs_fingerprint(const RunOptions& options, const nlohmann::json& vars) {
    auto project = project_checksum(options.dbt_project);
    if (!project) {
        return std::unexpected(project.error());
    }
    std::string text = target_name(options.target) + "\n" + options.data_dir.string() + "\n" +
                       options.dbt_project.string() + "\n" + *project + "\n" + vars.dump() + "\n";
    for (const char* name : {"users.csv", "episodes.csv"}) {
        auto checksum = md5_file(options.reference_dir / name);
        if (!checksum) {
            return std::unexpected(checksum.error());
        }
        text += *checksum + "\n";
    }
    return md5_hex(text);
}

// The fields of a runs-log line that every outcome has: with how the run was asked for, its
// selection (a partial run) and who started it.
RunRecord record_of(const RunOptions& options, Clock::time_point start, RunOutcome outcome) {
    RunRecord record;
    record.start = start;
    record.outcome = outcome;
    record.warehouse = options.warehouse;
    record.target = target_name(options.target);
    if (!options.select.empty()) {
        record.select = joined(options.select);
    }
    if (!options.exclude.empty()) {
        record.exclude = joined(options.exclude);
    }
    if (!options.origin.empty()) {
        record.origin = options.origin;
    }
    return record;
}

// Whether dbt builds the nodes a run with the same inputs leaves exactly as they were: the
// reference data's seeds and dimensions (tag reference_data) and the views (selectors.yml).
enum class InPlaceNodes { build, skip };

// The seeds and dimensions are built from the reference data alone; a view holds SQL and no data,
// and its SQL holds no run's value. When the last run that started dbt succeeded with the same
// inputs (reference files, project, vars: the fingerprint), they are in place exactly as this run
// would build them, and a complete dev run without --full-refresh leaves them out (their tests
// still run, but the dimensions' own). Anything else (another input, a failed or killed run since,
// a full refresh, a selection, the prod target) builds them.
InPlaceNodes in_place_nodes_for(const RunOptions& options, const std::string& fingerprint) {
    const bool in_place = options.target == Target::dev &&
                          options.full_refresh == FullRefresh::no && !is_partial(options) &&
                          last_build_succeeded_with(options.warehouse, fingerprint);
    return in_place ? InPlaceNodes::skip : InPlaceNodes::build;
}

// The first day of the window this run keeps (archive.hpp), or none without var retention_days:
// from var now, else the run's start, as the models take it.
std::optional<std::string> run_window_start(const nlohmann::json& vars, Clock::time_point start) {
    if (!vars.contains("retention_days")) {
        return std::nullopt;
    }
    std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(start)};
    if (vars.contains("now")) {
        // Checked before (a timestamp YYYY-MM-DD HH:MM:SS): its date is the day of "now".
        if (const auto date = calendar_date(vars["now"].get<std::string>().substr(0, 10))) {
            today = *date;
        }
    }
    return window_start(today, vars["retention_days"].get<std::int64_t>());
}

// Where this run's archive is: --var archive_dir, made absolute here (dbt runs in the project
// directory), else <warehouse>.archive. With retention, a path DuckDB would read as a glob is
// refused before anything is loaded.
Result<fs::path> run_archive_dir(nlohmann::json& vars, const fs::path& warehouse) {
    fs::path dir = default_archive_dir(warehouse);
    if (vars.contains("archive_dir")) {
        dir = absolute_path(vars["archive_dir"].get<std::string>());
        vars["archive_dir"] = dir.string();
    }
    if (vars.contains("retention_days") && !directory_kind.parse(dir.string())) {
        return fail("the archive directory " + dir.string() +
                        " holds a glob character (* ? [ ] { }), which DuckDB would expand: set "
                        "another with --var archive_dir",
                    ExitCode::usage);
    }
    return dir;
}

// Everything a run decides before dbt starts, with the warehouse locked.
struct PreparedRun {
    RunOptions options;  // every path absolute
    Clock::time_point start;
    std::string load_at;
    nlohmann::json vars;  // dbt's --vars: every --var, without load_at
    std::vector<ReferenceRows> reference_data;
    WarehouseLock lock;
    LoadPlan plan;
    std::string fingerprint;
    InPlaceNodes in_place_nodes = InPlaceNodes::build;
    fs::path archive_dir;                     // retention's archive (dev)
    std::optional<std::string> window_start;  // the window this run keeps, with retention
};

// Checks the inputs and every --var, takes the warehouse lock and plans the load, so that any
// refusal comes before anything is loaded or replaced. A refused event file is recorded in the
// runs log.
Result<PreparedRun> prepare(const RunOptions& given, std::ostream& out, std::ostream& err) {
    RunOptions options = given;
    options.reference_dir = absolute_path(options.reference_dir);
    options.data_dir = absolute_path(options.data_dir);
    options.warehouse = absolute_path(options.warehouse);
    options.dbt_project = absolute_path(options.dbt_project);
    if (auto checked = check_inputs(options); !checked) {
        return std::unexpected(checked.error());
    }
    auto reference_data = check_reference_data(given.reference_dir);
    if (!reference_data) {
        return std::unexpected(reference_data.error());
    }

    const Clock::time_point start = Clock::now();
    const std::string clock_load_at = format_load_at(start);
    // Every --var is checked here, before anything is locked, loaded or replaced.
    auto vars = build_vars(clock_load_at, options.vars);
    if (!vars) {
        return std::unexpected(vars.error());
    }
    // --var load_at=... pins this run's load_at (reproducible test runs).
    const std::string load_at = (*vars)["load_at"].get<std::string>();
    const LoadAtOrigin load_at_origin =
        load_at == clock_load_at ? LoadAtOrigin::clock : LoadAtOrigin::var;
    // load_at reaches dbt through the environment, not --vars: dbt re-parses the whole project
    // whenever --vars change, but only the two models that read an environment variable when it
    // changes.
    vars->erase("load_at");
    auto archive_dir = run_archive_dir(*vars, options.warehouse);
    if (!archive_dir) {
        return std::unexpected(archive_dir.error());
    }

    std::error_code error;
    fs::create_directories(options.warehouse.parent_path(), error);
    if (error) {
        return fail("could not create " + options.warehouse.parent_path().string() + ": " +
                    error.message());
    }
    auto lock = WarehouseLock::acquire_exclusive(options.warehouse, options.wait, out);
    if (!lock) {
        return std::unexpected(lock.error());
    }
    if (auto fresh = check_load_at_is_new(options.warehouse, load_at, load_at_origin); !fresh) {
        return std::unexpected(fresh.error());
    }

    // Paths, names and the record decide what is new; the new files are checked against the load
    // contract here, before dbt starts, so a refused file leaves the warehouse untouched.
    auto plan = plan_load(options);
    if (!plan) {
        RunRecord refused = record_of(options, start, RunOutcome::refused);
        refused.end = Clock::now();
        refused.error = plan.error().message;
        refused.append(err);
        return std::unexpected(plan.error());
    }
    // dbt cannot list a local directory on Snowflake: the run names the loading directory's
    // event files (relative names), and the warehouse PUTs those not loaded yet to the stage.
    if (options.target == Target::prod && !vars->contains("event_files")) {
        (*vars)["event_files"] = plan->listed;
    }
    auto fingerprint = inputs_fingerprint(options, *vars);
    if (!fingerprint) {
        return std::unexpected(fingerprint.error());
    }
    const InPlaceNodes in_place_nodes = in_place_nodes_for(options, *fingerprint);
    auto window = run_window_start(*vars, start);
    return PreparedRun{std::move(options),
                       start,
                       load_at,
                       std::move(*vars),
                       std::move(*reference_data),
                       std::move(*lock),
                       std::move(*plan),
                       std::move(*fingerprint),
                       in_place_nodes,
                       std::move(*archive_dir),
                       std::move(window)};
}

// True when the last recorded run was a complete success with the same inputs, no event file is
// new, every layer has taken in the latest load (a run stopped after its load step has not), and
// the archived tables keep the window this run would keep (none without retention: with
// retention, a new day moves the window even when no file is new). Only a complete dev run
// without --full-refresh can be up to date: a selection asks for its nodes to be built.
bool nothing_new(const PreparedRun& run) {
    if (run.options.target != Target::dev || run.options.full_refresh != FullRefresh::no ||
        is_partial(run.options) || !run.plan.new_files.empty()) {
        return false;
    }
    const auto record = last_run_record(run.options.warehouse);
    const std::string outcome = record.is_object() ? record.value("outcome", "") : "";
    // "up to date" is only recorded by a complete run, on a warehouse a complete run left so.
    const bool complete =
        (outcome == outcome_name(RunOutcome::success) && is_complete_run(record)) ||
        outcome == outcome_name(RunOutcome::up_to_date);
    if (!complete || record.value("inputs", "") != run.fingerprint) {
        return false;  // a failed or partial run, one that never finished ("started"), other inputs
    }
    auto reader = WarehouseReader::open(run.options.warehouse, LockMode::already_held);
    if (!reader) {
        return false;
    }
    // The dbt views gold.layers_caught_up (every layer has taken in the latest load) and
    // gold.retention_window (the window each archived table keeps, as last recorded).
    auto caught_up = reader->query("select caught_up from gold.layers_caught_up");
    if (!caught_up || caught_up->rows.size() != 1 ||
        caught_up->rows.front().front().value_or("") != "true") {
        return false;
    }
    auto windows = reader->query("select cast(window_start as varchar) from gold.retention_window");
    if (!windows || windows->rows.size() != archived_tables().size()) {
        return false;
    }
    return std::ranges::all_of(windows->rows,
                               [&](const auto& row) { return row.front() == run.window_start; });
}

// ---- The dbt build ------------------------------------------------------------------------------

// The checked reference data, written in the one form the seeds load (reference_data.hpp) to
// <warehouse>.dbt/reference/ for the duration of the run: a run never writes into the dbt project.
// dbt would write a seed's SQL over a CSV outside the project; the project's noop_statement
// (macros/seed/write_no_sql.sql) keeps it from writing anything there.
class StagedReferenceFiles {
public:
    static Result<StagedReferenceFiles> stage(const fs::path& warehouse,
                                              const std::vector<ReferenceRows>& checked) {
        StagedReferenceFiles staged(dbt_state_dir_for(warehouse) / "reference");
        // dbt-duckdb loads a seed with COPY ... FROM '<path>', the path unquoted.
        if (staged.directory_.string().find('\'') != std::string::npos) {
            return fail("--warehouse " + warehouse.string() +
                            ": a path with a single quote cannot be given to dbt's seed load",
                        ExitCode::usage);
        }
        std::error_code error;
        fs::create_directories(staged.directory_, error);
        if (error) {
            return fail("could not create " + staged.directory_.string() + ": " + error.message());
        }
        for (std::size_t i = 0; i < checked.size(); ++i) {
            const auto& file = reference_files()[i];
            if (auto written =
                    write_reference_file(staged.directory_ / file.name, file, checked[i]);
                !written) {
                return std::unexpected(written.error());
            }
        }
        return staged;
    }

    StagedReferenceFiles(const StagedReferenceFiles&) = delete;
    StagedReferenceFiles& operator=(const StagedReferenceFiles&) = delete;
    StagedReferenceFiles(StagedReferenceFiles&& other) noexcept
        : directory_(std::exchange(other.directory_, {})) {}
    StagedReferenceFiles& operator=(StagedReferenceFiles&&) = delete;
    ~StagedReferenceFiles() {
        if (!directory_.empty()) {
            std::error_code ignored;
            fs::remove_all(directory_, ignored);
        }
    }

    // The directory, for PODCAST_SEED_DIR (the seeds' path).
    [[nodiscard]] const fs::path& directory() const noexcept { return directory_; }

private:
    explicit StagedReferenceFiles(fs::path directory) : directory_(std::move(directory)) {}
    fs::path directory_;
};

// Where dbt works for a warehouse, all under <warehouse>.dbt: never in the project.
struct DbtStatePaths {
    fs::path manifest;  // the checked new files the load reads
    fs::path target;    // DBT_TARGET_PATH
    fs::path logs;      // DBT_LOG_PATH

    explicit DbtStatePaths(const fs::path& warehouse)
        : manifest(dbt_state_dir_for(warehouse) / "load_manifest.csv"),
          target(dbt_state_dir_for(warehouse) / "target"),
          logs(dbt_state_dir_for(warehouse) / "logs") {}
};

// The Python a dbt executable names on its first line (`#!/path/to/venv/bin/python3`, as pip
// writes a console script), if that is an absolute path to a python file; nullopt otherwise (a
// shell script, a binary, pip's form for paths with spaces).
std::optional<fs::path> python_of(const fs::path& dbt) {
    std::ifstream in(dbt, std::ios::binary);
    std::string first_line;
    if (!in || !std::getline(in, first_line) || !first_line.starts_with("#!/")) {
        return std::nullopt;
    }
    const fs::path interpreter = first_line.substr(2, first_line.find_first_of(" \t\r", 2) - 2);
    std::error_code error;
    if (!interpreter.filename().string().starts_with("python") ||
        !fs::is_regular_file(interpreter, error)) {
        return std::nullopt;
    }
    return interpreter;
}

// The executable and first arguments that start dbt. On the dev target, a dbt that is a Python
// console script runs through the project's launcher (launcher/dbt_launcher.py) with the same
// Python: dbt's command line as the executable runs it, ended without Python's teardown once
// DuckDB's file is closed (about 0.5 s a run). Otherwise, the dbt executable itself.
std::pair<fs::path, std::vector<std::string>> dbt_invocation(const RunOptions& options) {
    const fs::path launcher = options.dbt_project / "launcher" / "dbt_launcher.py";
    std::error_code error;
    if (options.target == Target::dev && fs::is_regular_file(launcher, error)) {
        if (auto python = python_of(options.dbt)) {
            return {*python, {launcher.string()}};
        }
    }
    return {options.dbt, {}};
}

// dbt build on the project with the run's target, vars and environment.
ProcessSpec dbt_build_command(const PreparedRun& run, const fs::path& reference_dir) {
    const RunOptions& options = run.options;
    const DbtStatePaths state(options.warehouse);
    ProcessSpec spec;
    auto [executable, launcher_arguments] = dbt_invocation(options);
    spec.executable = std::move(executable);
    spec.working_directory = options.dbt_project;
    spec.arguments = std::move(launcher_arguments);
    spec.arguments.insert(spec.arguments.end(),
                          {"build", "--project-dir", options.dbt_project.string(), "--profiles-dir",
                           options.dbt_project.string(), "--target", target_name(options.target),
                           "--log-format", "json", "--vars", run.vars.dump(),
                           // Unit tests pin the SQL logic on fixed inputs: `make test` runs them, a
                           // production run need not.
                           "--exclude-resource-type", "unit_test"});
    if (options.full_refresh == FullRefresh::yes) {
        spec.arguments.emplace_back("--full-refresh");
    }
    if (!options.select.empty()) {
        spec.arguments.insert(spec.arguments.end(), {"--select", joined(options.select)});
    }
    if (!options.exclude.empty()) {
        spec.arguments.insert(spec.arguments.end(), {"--exclude", joined(options.exclude)});
    }
    if (run.in_place_nodes == InPlaceNodes::skip) {
        // The project's selector: every node but those in place; the views' tests and the fact's
        // relationships to the dimensions still run.
        spec.arguments.insert(spec.arguments.end(), {"--selector", "in_place_left_out"});
    }
    spec.environment = {
        {"PODCAST_WAREHOUSE", options.warehouse.string()},
        {"PODCAST_DATA_DIR", options.data_dir.string()},
        {"PODCAST_SEED_DIR", reference_dir.string()},
        {"PODCAST_LOAD_AT", run.load_at},
        // The new files, checked: the load reads exactly these and records them.
        {"PODCAST_LOAD_MANIFEST", state.manifest.string()},
        // Data tests that can check only rows loaded since the last successful run do so.
        {"PODCAST_TESTED_SINCE", tested_since(options.warehouse, run.fingerprint,
                                              options.full_refresh == FullRefresh::yes)},
        {"DBT_TARGET_PATH", state.target.string()},
        {"DBT_LOG_PATH", state.logs.string()},
    };
    if (std::getenv("DBT_SEND_ANONYMOUS_USAGE_STATS") == nullptr) {
        spec.environment.emplace_back("DBT_SEND_ANONYMOUS_USAGE_STATS", "false");
    }
    return spec;
}

// While dbt runs, this process ignores SIGINT (Ctrl-C reaches dbt too, which stops cleanly) and
// SIGPIPE (a closed stdout must not kill it), so it always reports how the run ended and records
// it. dbt itself starts with default signal handling (run_process resets it).
class ShieldFromSignals {
public:
    ShieldFromSignals() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigemptyset(&ignore.sa_mask);
        ::sigaction(SIGINT, &ignore, &previous_interrupt_);
        ::sigaction(SIGPIPE, &ignore, &previous_pipe_);
    }
    ShieldFromSignals(const ShieldFromSignals&) = delete;
    ShieldFromSignals& operator=(const ShieldFromSignals&) = delete;
    ~ShieldFromSignals() {
        ::sigaction(SIGINT, &previous_interrupt_, nullptr);
        ::sigaction(SIGPIPE, &previous_pipe_, nullptr);
    }

private:
    struct sigaction previous_interrupt_ {};
    struct sigaction previous_pipe_ {};
};

// Runs dbt to its end, printing each finished node on `out` (a progress line, or dbt's own JSON
// event), and collects what it left: its exit status, its log and the run_results.json it wrote.
Result<DbtOutcome> invoke_dbt(const ProcessSpec& spec, const fs::path& run_results_path,
                              LogFormat format, std::ostream& out) {
    std::error_code ignored;
    fs::remove(run_results_path, ignored);  // a stale one must not be read as this run's
    DbtOutcome dbt;
    const auto started = std::chrono::steady_clock::now();
    const Result<int> exit_status = run_process(spec, [&](std::string_view line) {
        const auto node = dbt.log.consume(line);
        if (format == LogFormat::json) {
            out << line << std::endl;  // dbt's event as it is (out makes other lines events)
        } else if (node) {
            out << format_progress(*node) << std::endl;
        }
    });
    dbt.wall_seconds = seconds_since(started);
    if (!exit_status) {
        return std::unexpected(exit_status.error());
    }
    dbt.exit_status = *exit_status;
    std::ifstream run_results(run_results_path);
    dbt.run_results = nlohmann::json::parse(run_results, nullptr, false);
    return dbt;
}

// ---- The warehouse after the build --------------------------------------------------------------

// What the warehouse says about this run, read after dbt has exited.
struct WarehouseSummary {
    Table files;
    Table invalid_per_code;
    std::optional<std::string> invalid_rows;
    Table layers;
    std::vector<std::string> notes;  // queries that could not be answered
};

Result<Table> query_for_load_at(WarehouseReader& reader, const std::string& sql,
                                const std::string& load_at) {
    auto statement = reader.connection().prepare(sql);
    if (!statement) {
        return std::unexpected(statement.error());
    }
    if (auto bound = statement->bind(1, load_at); !bound) {
        return std::unexpected(bound.error());
    }
    auto result = statement->execute();
    if (!result) {
        return std::unexpected(result.error());
    }
    return result->to_table();
}

Result<WarehouseSummary> read_warehouse_summary(const fs::path& warehouse,
                                                const std::string& load_at) {
    auto reader = WarehouseReader::open(warehouse, LockMode::already_held);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    WarehouseSummary summary;
    auto note_failure = [&](const char* what, const Error& error) {
        summary.notes.push_back(std::string(what) + ": " + one_line(error.message));
    };
    // The dbt views of gold/monitoring, for this run's load_at.
    if (auto files = query_for_load_at(*reader,
                                       "select filename, row_count as rows from gold.rows_per_file "
                                       "where load_at = cast(? as timestamp) order by filename",
                                       load_at)) {
        summary.files = std::move(*files);
    } else {
        note_failure("files loaded", files.error());
    }
    if (auto codes = query_for_load_at(
            *reader,
            "select code, row_count as rows from gold.invalid_rows_per_load_and_code "
            "where load_at = cast(? as timestamp) order by row_count desc, code",
            load_at)) {
        summary.invalid_per_code = std::move(*codes);
    } else {
        note_failure("invalid rows per code", codes.error());
    }
    if (auto invalid = query_for_load_at(*reader,
                                         "select coalesce(sum(invalid_rows), 0) "
                                         "from gold.invalid_share_per_file "
                                         "where load_at = cast(? as timestamp)",
                                         load_at);
        invalid && !invalid->rows.empty()) {
        summary.invalid_rows = invalid->rows.front().front();
    }
    if (auto layers = rows_per_layer(*reader)) {
        summary.layers = std::move(*layers);
    } else {
        note_failure("rows per layer", layers.error());
    }
    return summary;
}

std::int64_t sum_column(const Table& table, std::size_t column) {
    std::int64_t total = 0;
    for (const auto& row : table.rows) {
        if (column < row.size() && row[column]) {
            total += std::stoll(*row[column]);
        }
    }
    return total;
}

// The warehouse's figures for the runs log's counts: files, rows and invalid rows this run loaded,
// and the rows per layer.
void add_warehouse_counts(const WarehouseSummary& summary, nlohmann::ordered_json& counts) {
    counts["files_loaded"] = summary.files.rows.size();
    counts["rows_loaded"] = sum_column(summary.files, 1);
    counts["invalid_rows"] = summary.invalid_rows ? std::stoll(*summary.invalid_rows) : 0;
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    for (const auto& row : summary.layers.rows) {
        layers[*row[1]] =
            row[2] ? nlohmann::ordered_json(std::stoll(*row[2])) : nlohmann::ordered_json();
    }
    counts["layers"] = std::move(layers);
}

// ---- Printing -----------------------------------------------------------------------------------

void print_section(std::ostream& out, const std::string& title, const Table& table) {
    out << '\n' << title << '\n';
    print_text_table(table, out);
}

void print_load_plan(const LoadPlan& plan, const RunOptions& options, std::ostream& out) {
    const fs::path& data_dir = options.data_dir;
    if (!plan.ignored.empty()) {
        out << "Not event files (not *.json), left alone in " << data_dir.string() << ":";
        for (std::size_t i = 0; i < plan.ignored.size() && i < 5; ++i) {
            out << ' ' << plan.ignored[i];
        }
        if (plan.ignored.size() > 5) {
            out << " and " << plan.ignored.size() - 5 << " more";
        }
        out << '\n';
    }
    std::int64_t rows = 0;
    for (const auto& file : plan.new_files) {
        rows += file.rows;
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", plan.check_seconds);
    out << "New event files: " << plan.new_files.size() << " (" << rows
        << " lines, load contract checked in " << seconds << "s)"
        << (plan.new_files.empty() || !is_partial(options)
                ? ""
                : "; this partial run loads them only if it selects bronze.raw_events")
        << std::endl;
}

void print_warehouse_summary(const WarehouseSummary& summary, std::ostream& out) {
    if (summary.files.rows.empty()) {
        out << "\nFiles loaded by this run: none\n";
    } else {
        print_section(out, "Files loaded by this run", summary.files);
    }
    print_section(out, "Invalid rows per validation code (this run)", summary.invalid_per_code);
    if (!summary.layers.columns.empty()) {
        print_section(out, "Rows per layer", summary.layers);
    }
    for (const auto& note : summary.notes) {
        out << "(not available: " << note << ")\n";
    }
}

}  // namespace

Result<void> run_pipeline(const RunOptions& given, std::ostream& out, std::ostream& err) {
    auto prepared = prepare(given, out, err);
    if (!prepared) {
        return std::unexpected(prepared.error());
    }
    const PreparedRun& run = *prepared;
    const RunOptions& options = run.options;

    if (nothing_new(run)) {
        out << "Nothing new: every event file in " << options.data_dir.string()
            << " is loaded and the reference data and settings are those of the last successful "
               "run, so the warehouse is up to date (dbt not started; --full-refresh rebuilds)\n";
        RunRecord up_to_date = record_of(options, run.start, RunOutcome::up_to_date);
        up_to_date.end = Clock::now();
        up_to_date.full_refresh = false;
        up_to_date.inputs = run.fingerprint;
        up_to_date.append(err);
        return {};
    }

    auto staged_reference = StagedReferenceFiles::stage(options.warehouse, run.reference_data);
    if (!staged_reference) {
        return std::unexpected(staged_reference.error());
    }
    // A run stopped while DuckDB wrote an archive file left it under its temporary name; no
    // reader takes it, and it goes now, while this run holds the warehouse. dbt creates the
    // archive's folders; a directory set by --var archive_dir gets its parents here.
    if (options.target == Target::dev) {
        if (auto removed = remove_unfinished_archive_files(run.archive_dir); !removed) {
            return std::unexpected(removed.error());
        } else if (*removed > 0) {
            out << "Removed " << *removed << " unfinished archive file(s) left by a stopped run\n";
        }
        std::error_code error;
        if (run.vars.contains("archive_dir")) {
            fs::create_directories(run.archive_dir.parent_path(), error);
        }
        if (error) {
            return fail("could not create " + run.archive_dir.parent_path().string() + ": " +
                        error.message());
        }
    }
    print_load_plan(run.plan, options, out);
    const DbtStatePaths state(options.warehouse);
    if (auto written = write_load_manifest(state.manifest, options.data_dir, run.plan.new_files);
        !written) {
        return written;
    }
    const ProcessSpec dbt_build = dbt_build_command(run, staged_reference->directory());

    // Until the final record replaces it as the last line, this marks a run that has not
    // finished: a run killed now is never taken for an up-to-date warehouse.
    RunRecord record = record_of(options, run.start, RunOutcome::started);
    record.load_at = run.load_at;
    record.full_refresh = options.full_refresh == FullRefresh::yes;
    record.inputs = run.fingerprint;
    record.append(err);
    out << "dbt build: target " << record.target << ", warehouse " << options.warehouse.string()
        << ", load_at " << run.load_at << std::endl;
    const ShieldFromSignals shield;  // until the run is recorded
    const auto archive_start = fs::file_time_type::clock::now();
    const auto dbt =
        invoke_dbt(dbt_build, state.target / "run_results.json", options.log_format, out);
    if (!dbt) {
        return std::unexpected(dbt.error());
    }
    if (options.target == Target::dev) {
        // DuckDB renames an archive file when complete but does not sync it; the table's delete
        // is durable at dbt's commit, so the files written are synced now (docs/data-contract.md,
        // "Retention", for the window in between). A file a failed run left unfinished goes.
        if (auto synced = sync_archive_files(run.archive_dir, archive_start); !synced) {
            err << "warning: " << synced.error().message << '\n';
        }
        if (auto removed = remove_unfinished_archive_files(run.archive_dir); !removed) {
            err << "warning: " << removed.error().message << '\n';
        }
    }

    // The summary: dbt's artifacts first, then the warehouse, opened only now that dbt is done.
    RunSummary summary = summarize_run(*dbt, run.plan.check_seconds);
    if (!summary.failure && dbt->log.no_nodes_selected()) {
        // dbt succeeds when a selection matches nothing; the run did not do what was asked.
        summary.failure =
            Error{"the selection (" + joined(options.select) +
                      (options.exclude.empty() ? "" : ", excluding " + joined(options.exclude)) +
                      ") matches no node of the project: " + dbt->log.no_nodes_selected_reason(),
                  ExitCode::usage};
    }
    print_run_summary(summary, out);
    nlohmann::ordered_json counts = summary.counts();
    if (options.target == Target::prod) {
        out << "\nTarget prod: the warehouse summary is skipped (it reads the local DuckDB file)\n";
    } else if (auto warehouse = read_warehouse_summary(options.warehouse, run.load_at)) {
        print_warehouse_summary(*warehouse, out);
        add_warehouse_counts(*warehouse, counts);
    } else {
        out << "\n(warehouse summary not available: " << warehouse.error().message << ")\n";
    }
    for (const auto& line : summary.failure_lines) {
        err << line << '\n';
    }

    record.end = Clock::now();
    record.outcome = summary.failure ? RunOutcome::failed : RunOutcome::success;
    record.dbt_exit_status = dbt->exit_status;
    record.counts = std::move(counts);
    record.seconds = summary.step_seconds();
    if (!dbt->run_results.is_discarded() && dbt->run_results.is_object()) {
        record.nodes = node_outcomes(dbt->run_results);
    }
    if (summary.failure) {
        record.error = summary.failure->message;
    }
    record.append(err);

    if (summary.failure) {
        return std::unexpected(*summary.failure);
    }
    out << "\nRun succeeded in " << static_cast<long long>(dbt->wall_seconds + 0.5) << "s\n";
    return {};
}

}  // namespace podcast
