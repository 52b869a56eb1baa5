#include "podcast/cli.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>
#include <regex>
#include <string>
#include <vector>

#include "podcast/dbt.hpp"
#include "podcast/generate.hpp"
#include "podcast/land.hpp"
#include "podcast/load_record.hpp"
#include "podcast/log_format.hpp"
#include "podcast/paths.hpp"
#include "podcast/query.hpp"
#include "podcast/report.hpp"
#include "podcast/run.hpp"
#include "podcast/settings.hpp"
#include "podcast/status.hpp"

namespace podcast {
namespace {

const std::regex date_pattern(R"(\d{4}-\d{2}-\d{2})");

// CLI11 validator for YYYY-MM-DD (the calendar check comes later, where the date is used).
const CLI::Validator iso_date(
    [](std::string& text) -> std::string {
        return std::regex_match(text, date_pattern) ? std::string{}
                                                    : "expected a date YYYY-MM-DD, got " + text;
    },
    "DATE");

// "Exit codes: 0 ok (success), 1 failure (...), ..." from the one ExitCode list.
std::string exit_codes_text() {
    std::string text = "Exit codes (docs/data-contract.md):";
    for (const auto& [code, name, meaning] : exit_code_meanings) {
        text += "\n  " + std::to_string(static_cast<int>(code)) + " " + name + ": " + meaning;
    }
    return text;
}

// The generator's counts: a plain one-line message instead of CLI11's bound.
Result<void> check_at_least(const char* flag, std::int64_t value, std::int64_t minimum) {
    if (value < minimum) {
        return fail(std::string(flag) + " must be at least " + std::to_string(minimum) + ", got " +
                        std::to_string(value),
                    ExitCode::usage);
    }
    return {};
}

Result<std::chrono::year_month_day> parse_date(const std::string& text) {
    if (!std::regex_match(text, date_pattern)) {
        return fail("expected a date YYYY-MM-DD, got " + text, ExitCode::usage);
    }
    const std::chrono::year_month_day date{
        std::chrono::year{std::stoi(text.substr(0, 4))},
        std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
        std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
    if (!date.ok()) {
        return fail(text + " is not a calendar date", ExitCode::usage);
    }
    return date;
}

// Flags of one subcommand, bound by CLI11, turned into the library's options after parsing.
struct GenerateFlags {
    GenerateOptions options;
    std::string out;
    std::string start = "2024-08-01";
};

struct LandFlags {
    std::vector<std::string> sources;
    std::string data_dir;
    std::string warehouse;
    bool dry_run = false;
    bool json = false;
};

struct RunFlags {
    std::string target = "dev";
    bool full_refresh = false;
    std::string reference_dir;
    std::string data_dir;
    std::string warehouse;
    std::vector<std::string> vars;
    std::string vars_object;
    bool wait = false;
    std::vector<std::string> select;
    std::vector<std::string> exclude;
    std::string log_format = "text";
    std::string origin;
};

struct ReportFlags {
    std::string as_of;
    std::string format = "table";
    std::string section;
    std::string warehouse;
};

struct StatusFlags {
    bool json = false;
    std::string warehouse;
};

struct QueryFlags {
    std::string sql;
    std::string format = "table";
    std::string warehouse;
};

Result<void> generate_command(const GenerateFlags& flags, std::ostream& out) {
    GenerateOptions options = flags.options;
    for (auto checked : {check_at_least("--days", options.days, 1),
                         check_at_least("--events-per-day", options.events_per_day, 0),
                         check_at_least("--users", options.users, 1),
                         check_at_least("--episodes", options.episodes, 1)}) {
        if (!checked) {
            return checked;
        }
    }
    options.out = flags.out;
    auto start = parse_date(flags.start);
    if (!start) {
        return fail("--start: " + start.error().message, ExitCode::usage);
    }
    options.start = *start;
    auto summary = generate(options);
    if (!summary) {
        return std::unexpected(summary.error());
    }
    const double rate =
        summary->seconds > 0 ? static_cast<double>(summary->events) / summary->seconds : 0;
    char line[256];
    std::snprintf(line, sizeof line, "generated %lld events in %lld files in %.2fs (%.0f events/s)",
                  static_cast<long long>(summary->events), static_cast<long long>(summary->files),
                  summary->seconds, rate);
    out << line << " into " << options.out.string() << '\n';
    return {};
}

const char* outcome_word(const PlannedFile& file) {
    if (file.refusal) {
        return "refused";
    }
    switch (file.outcome) {
        case LandOutcome::landed:
            return "landed";
        case LandOutcome::already_present:
            return "already landed";
        case LandOutcome::already_loaded:
            return "already loaded";
    }
    return "landed";
}

// One JSON object: every complete file with its outcome (and why it is refused), the files left
// alone, and whether the warehouse's load record was read. Outcomes as they are after a real land,
// or would be after a dry run.
nlohmann::ordered_json land_json(const LandFlags& flags, const std::vector<PlannedFile>& files,
                                 const std::vector<std::string>& ignored,
                                 const std::optional<std::string>& record_note) {
    nlohmann::ordered_json listed = nlohmann::ordered_json::array();
    for (const auto& file : files) {
        nlohmann::ordered_json entry = {{"name", file.name},
                                        {"source", std::filesystem::absolute(file.source).string()},
                                        {"outcome", outcome_word(file)}};
        if (file.refusal) {
            entry["reason"] = file.refusal->message;
        }
        listed.push_back(std::move(entry));
    }
    return {{"dry_run", flags.dry_run},
            {"data_dir", std::filesystem::absolute(flags.data_dir).lexically_normal().string()},
            {"load_record", record_note ? "not read: " + *record_note : std::string("read")},
            {"files", std::move(listed)},
            {"ignored", ignored}};
}

Result<void> land_command(const LandFlags& flags, std::ostream& out) {
    const std::vector<std::filesystem::path> sources(flags.sources.begin(), flags.sources.end());
    // The warehouse's record tells a re-delivery of a loaded (and since archived) file. While a
    // run holds the warehouse it cannot be read; the run itself then refuses a changed file.
    auto record = read_load_record(flags.warehouse, LockMode::take_shared);
    if (!record && record.error().code != ExitCode::busy) {
        return std::unexpected(record.error());
    }
    std::optional<std::string> record_note;
    if (!record) {
        record_note = one_line(record.error().message);
        if (!flags.json) {
            out << "note: " << *record_note
                << "; landing without its load record (the next run refuses a loaded name with "
                   "new content)\n";
        }
    }
    auto landing = plan_landing(sources, flags.data_dir, record ? *record : LoadRecord{});
    if (!landing) {
        return std::unexpected(landing.error());
    }
    if (flags.dry_run || landing->first_refusal() != nullptr) {
        if (flags.json) {
            out << land_json(flags, landing->files, landing->ignored, record_note).dump() << '\n';
        } else if (flags.dry_run) {
            for (const auto& file : landing->files) {
                out << (file.refusal
                            ? file.refusal->message
                            : std::string("would be ") + outcome_word(file) + ": " + file.name)
                    << '\n';
            }
        }
        if (const Error* refusal = landing->first_refusal()) {
            return std::unexpected(*refusal);  // nothing lands while any file is refused
        }
        if (!flags.json) {
            out << landing->files.size()
                << " complete file(s) in staging; nothing moved (dry run)\n";
        }
        return {};
    }
    auto landed = land(*landing, flags.data_dir);
    if (!landed) {
        return std::unexpected(landed.error());
    }
    if (flags.json) {
        std::vector<PlannedFile> files = landing->files;  // the same files, in the same order
        for (std::size_t i = 0; i < files.size(); ++i) {
            files[i].outcome = (*landed)[i].outcome;  // a race may have found one already present
        }
        out << land_json(flags, files, landing->ignored, record_note).dump() << '\n';
        return {};
    }
    std::size_t moved = 0;
    for (const auto& file : *landed) {
        if (file.outcome == LandOutcome::landed) {
            ++moved;
            out << "landed " << file.name << '\n';
        } else if (file.outcome == LandOutcome::already_present) {
            out << "already landed " << file.name << " (same content; removed from staging)\n";
        } else {
            out << "already loaded " << file.name
                << " (the warehouse recorded the same content; removed from staging)\n";
        }
    }
    if (landed->empty()) {
        out << "nothing to land: no complete *.json file in";
        for (const auto& source : sources) {
            out << ' ' << source.string();
        }
        out << '\n';
    } else {
        out << moved << " file(s) landed in " << flags.data_dir << '\n';
    }
    return {};
}

// dbt's --vars form, a JSON object, as KEY=VALUE settings: a string as it is, anything else as
// JSON (a list for listen_event_types, say). Each is then checked as --var's are.
Result<std::vector<std::string>> vars_of_object(const std::string& text) {
    const auto object = nlohmann::json::parse(text, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
        return fail(
            "--vars: expected a JSON object of dbt vars, e.g. {\"as_of\": \"2024-08-07\"}, "
            "got " +
                one_line(text),
            ExitCode::usage);
    }
    std::vector<std::string> settings;
    for (const auto& [key, value] : object.items()) {
        settings.push_back(key + "=" +
                           (value.is_string() ? value.get<std::string>() : value.dump()));
    }
    return settings;
}

Result<void> run_command(const RunFlags& flags, std::ostream& out, std::ostream& err,
                         LogFormat& error_format) {
    const DefaultPaths defaults = default_paths();
    RunOptions options;
    options.target = flags.target == "prod" ? Target::prod : Target::dev;
    options.full_refresh = flags.full_refresh ? FullRefresh::yes : FullRefresh::no;
    options.reference_dir = flags.reference_dir;
    options.data_dir = flags.data_dir;
    options.warehouse = flags.warehouse;
    options.dbt = defaults.dbt;
    options.dbt_project = defaults.dbt_project;
    options.vars = flags.vars;
    if (!flags.vars_object.empty()) {
        auto settings = vars_of_object(flags.vars_object);
        if (!settings) {
            return std::unexpected(settings.error());
        }
        options.vars.insert(options.vars.end(), settings->begin(), settings->end());
    }
    options.wait = flags.wait ? WaitMode::wait : WaitMode::fail_if_busy;
    options.select = flags.select;
    options.exclude = flags.exclude;
    options.origin = flags.origin;
    if (flags.log_format == "json") {
        options.log_format = LogFormat::json;
        error_format = LogFormat::json;
        JsonLogStream json_out(out, "info");
        JsonLogStream json_err(err, "error");
        return run_pipeline(options, json_out, json_err);
    }
    return run_pipeline(options, out, err);
}

Result<void> report_command(const ReportFlags& flags, std::ostream& out) {
    auto format = parse_report_format(flags.format);
    if (!format) {
        return std::unexpected(format.error());
    }
    ReportOptions options{flags.warehouse, std::nullopt, *format, std::nullopt};
    if (!flags.section.empty()) {
        options.section = flags.section;
    }
    if (!flags.as_of.empty()) {
        if (auto date = parse_date(flags.as_of); !date) {
            return fail("--as-of: " + date.error().message, ExitCode::usage);
        }
        options.as_of = flags.as_of;
    }
    return report(options, out);
}

Result<void> status_command(const StatusFlags& flags, std::ostream& out) {
    return status(
        StatusOptions{flags.warehouse, flags.json ? StatusFormat::json : StatusFormat::text}, out);
}

Result<void> query_command(const QueryFlags& flags, std::ostream& out) {
    auto format = parse_output_format(flags.format);
    if (!format) {
        return std::unexpected(format.error());
    }
    return query(QueryOptions{flags.warehouse, flags.sql, *format}, out);
}

CLI::Option* add_warehouse_option(CLI::App& command, std::string& warehouse,
                                  const DefaultPaths& defaults) {
    warehouse = defaults.warehouse.string();
    return command
        .add_option("--warehouse", warehouse, "The DuckDB warehouse file (env PODCAST_WAREHOUSE)")
        ->capture_default_str();
}

Result<void> parse_and_run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                           LogFormat& error_format) {
    const DefaultPaths defaults = default_paths();
    CLI::App app{"Drives and reports the podcast analytics pipeline.", "podcast"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("podcast ") + PODCAST_VERSION,
                         "Print the version and exit");
    const Layout found = layout();
    app.footer(std::string(found.kind == LayoutKind::installed ? "Installed: " : "Checkout: ") +
               found.root.string() + " (env PODCAST_HOME names a checkout to use instead)\n" +
               "Data: " + found.data.string() + " by default\n\n" + exit_codes_text());

    GenerateFlags generate_flags;
    auto* generate_app = app.add_subcommand(
        "generate",
        "Write a synthetic dataset: DIR/reference/{users,episodes}.csv, "
        "DIR/events/YYYY-MM-DD/events.json and the ground truth DIR/expected.json");
    {
        auto& o = generate_flags.options;
        generate_app->add_option("--out", generate_flags.out, "Output directory")->required();
        generate_app
            ->add_option("--days", o.days, "Number of days (one event file each) (at least 1)")
            ->capture_default_str();
        generate_app->add_option("--start", generate_flags.start, "First day, YYYY-MM-DD")
            ->capture_default_str()
            ->check(iso_date);
        generate_app
            ->add_option("--events-per-day", o.events_per_day,
                         "Event lines per file on average, at least 0 (a weekly rhythm and daily "
                         "growth around it; days * N in all)")
            ->capture_default_str();
        generate_app->add_option("--users", o.users, "Number of users (at least 1)")
            ->capture_default_str();
        generate_app->add_option("--episodes", o.episodes, "Number of episodes (at least 1)")
            ->capture_default_str();
        generate_app->add_option("--defect-rate", o.defect_rate, "Share of lines with a defect")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 1.0));
        generate_app->add_option("--duplicate-rate", o.duplicate_rate, "Share of duplicate lines")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 1.0));
        generate_app->add_option("--seed", o.seed, "Random seed (same seed, same bytes)")
            ->capture_default_str();
    }

    LandFlags land_flags;
    land_flags.data_dir = defaults.data_dir.string();
    auto* land_app = app.add_subcommand(
        "land",
        "Move complete event files (*.json; no part of the name starting with '.') from staging "
        "into the loading directory atomically");
    land_app
        ->add_option("SRC", land_flags.sources,
                     "Staging directories (every complete *.json below, named by its relative "
                     "path) or single files (named <parent dir>/<file>)")
        ->required();
    land_app
        ->add_option("--data-dir", land_flags.data_dir,
                     "The loading directory (env PODCAST_DATA_DIR)")
        ->capture_default_str();
    add_warehouse_option(*land_app, land_flags.warehouse, defaults);
    land_app->add_flag("--dry-run", land_flags.dry_run,
                       "Say what would land, what is already landed or loaded, and what is refused "
                       "and why; move nothing. Exits as the land would (5 when it would refuse)");
    land_app->add_flag("--json", land_flags.json,
                       "Print one JSON object: each complete file's name, source and outcome "
                       "(landed, already landed, already loaded, refused with its reason), the "
                       "files left alone, and whether the warehouse's load record was read");

    RunFlags run_flags;
    run_flags.reference_dir = defaults.reference_dir.string();
    run_flags.data_dir = defaults.data_dir.string();
    auto* run_app = app.add_subcommand(
        "run",
        "Run the pipeline (dbt build: seeds, load, validate, cleanse, analytics, data tests; "
        "dbt unit tests are left to make test) with progress and a summary; one run per "
        "warehouse at a time. When every event file is loaded, every layer has taken in the "
        "latest load and the reference data and vars are those of the last successful run, it "
        "says so and does not start dbt. Without --full-refresh, data tests check the rows loaded "
        "since the last successful run (uniqueness: their keys against every row)");
    run_app
        ->add_option("--target", run_flags.target,
                     "dbt target: dev (local DuckDB) or prod (Snowflake)")
        ->capture_default_str()
        ->check(CLI::IsMember({"dev", "prod"}));
    run_app->add_flag("--full-refresh", run_flags.full_refresh, "Rebuild every incremental model");
    run_app
        ->add_option("--reference-dir", run_flags.reference_dir,
                     "Directory holding users.csv and episodes.csv (env PODCAST_REFERENCE_DIR)")
        ->capture_default_str();
    run_app
        ->add_option("--data-dir", run_flags.data_dir,
                     "The loading directory (env PODCAST_DATA_DIR)")
        ->capture_default_str();
    add_warehouse_option(*run_app, run_flags.warehouse, defaults);
    run_app
        ->add_option("--var", run_flags.vars,
                     "A dbt var KEY=VALUE (repeatable), e.g. now='2024-09-01 00:00:00' or "
                     "as_of=2024-08-07. Checked before anything is loaded: an unknown KEY, or a "
                     "VALUE not of its var's kind, is refused. The vars:\n" +
                         run_vars_help())
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run_app->add_option("--vars", run_flags.vars_object,
                        "dbt's form of the vars: one JSON object, e.g. '{\"as_of\": "
                        "\"2024-08-07\"}', checked as --var is (both may be given)");
    run_app->add_flag("--wait", run_flags.wait,
                      "If another run holds the warehouse, wait for it instead of failing");
    run_app
        ->add_option("--select", run_flags.select,
                     "Build only these dbt nodes, in dbt's selection syntax (repeatable: a union), "
                     "e.g. podcast.gold.analysis.q3_multi_episode_listeners or silver+ ; with "
                     "their data tests. New event files load only if bronze.raw_events is "
                     "selected. A partial run always starts dbt, and is never taken for a "
                     "complete one: the next run does not skip dbt after it, and tests the rows "
                     "loaded since the last complete run. A selection that matches nothing fails "
                     "(exit 2)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run_app
        ->add_option(
            "--exclude", run_flags.exclude,
            "Leave these dbt nodes out, in dbt's selection syntax (repeatable); a run with "
            "--exclude is partial, as with --select")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run_app
        ->add_option("--log-format", run_flags.log_format,
                     "text (a progress line per node, then a summary) or json (dbt's JSON log "
                     "events as nodes finish, and every other line, the error included, as an "
                     "event of the same shape: for dagster-dbt)")
        ->capture_default_str()
        ->check(CLI::IsMember({"text", "json"}));
    run_app->add_option("--origin", run_flags.origin,
                        "Who starts the run (e.g. cron), recorded in its line of the runs log "
                        "(<warehouse>.runs.jsonl)");

    ReportFlags report_flags;
    auto* report_app = app.add_subcommand(
        "report",
        "Print the analysis answers, sessions, the daily trend and a data-quality summary "
        "(read-only)");
    report_app
        ->add_option("--as-of", report_flags.as_of,
                     "Last day of q1's 7-day window, YYYY-MM-DD (default: the latest event's date)")
        ->check(iso_date);
    report_app
        ->add_option("--format", report_flags.format,
                     "table, json, csv (one section: needs --section) or html (one "
                     "self-contained page with charts)")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "json", "csv", "html"}));
    std::string section_names;
    for (const auto& key : report_section_keys()) {
        section_names += (section_names.empty() ? "" : ", ") + key;
    }
    report_app->add_option("--section", report_flags.section,
                           "Only this section (required with --format csv): " + section_names);
    add_warehouse_option(*report_app, report_flags.warehouse, defaults);

    StatusFlags status_flags;
    auto* status_app =
        app.add_subcommand("status",
                           "Files loaded, rows per layer, the retention window, the archived "
                           "months and their rows, and the last run (read-only)");
    status_app->add_flag("--json", status_flags.json, "Print one JSON object");
    add_warehouse_option(*status_app, status_flags.warehouse, defaults);

    QueryFlags query_flags;
    auto* query_app =
        app.add_subcommand("query",
                           "Run one ad hoc SQL query on the warehouse, opened read-only; its "
                           "archive reads as the views cleansed_events_archive and "
                           "fact_user_interactions_archive (and read_parquet below the archive "
                           "directory, nothing else)");
    query_app->add_option("SQL", query_flags.sql, "The query")->required();
    query_app->add_option("--format", query_flags.format, "table, json or csv")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "json", "csv"}));
    add_warehouse_option(*query_app, query_flags.warehouse, defaults);

    for (auto* command : app.get_subcommands([](const CLI::App*) { return true; })) {
        command->footer(exit_codes_text());
    }
    run_app->footer("dbt: " + defaults.dbt.string() + " (env PODCAST_DBT); project and profiles: " +
                    defaults.dbt_project.string() + "\n\n" + exit_codes_text());
    // The first word that is not a flag names the command.
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word.starts_with("-")) {
            continue;
        }
        const auto commands =
            app.get_subcommands([&](const CLI::App* command) { return command->check_name(word); });
        if (commands.empty()) {
            return fail("unknown command '" + word + "' (see podcast --help)", ExitCode::usage);
        }
        break;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return {};
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return {};
    } catch (const CLI::CallForVersion& version) {
        out << version.what() << '\n';
        return {};
    } catch (const CLI::ParseError& error) {
        return fail(one_line(error.what()) + " (see podcast --help)", ExitCode::usage);
    }

    if (generate_app->parsed()) {
        return generate_command(generate_flags, out);
    }
    if (land_app->parsed()) {
        return land_command(land_flags, out);
    }
    if (run_app->parsed()) {
        return run_command(run_flags, out, err, error_format);
    }
    if (report_app->parsed()) {
        return report_command(report_flags, out);
    }
    if (status_app->parsed()) {
        return status_command(status_flags, out);
    }
    return query_command(query_flags, out);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    Result<void> outcome;
    LogFormat error_format = LogFormat::text;
    try {
        outcome = parse_and_run(argc, argv, out, err, error_format);
    } catch (const std::exception& unexpected) {
        outcome = fail(std::string("unexpected error: ") + unexpected.what());
    }
    out.flush();
    if (!outcome) {
        const int code = static_cast<int>(outcome.error().code);
        const std::string line = "podcast: " + one_line(outcome.error().message);
        if (error_format == LogFormat::json) {
            err << json_log_line("PodcastError", "error", line, {{"exit_code", code}}) << std::endl;
        } else {
            err << line << std::endl;
        }
        return code;
    }
    return static_cast<int>(ExitCode::ok);
}

}  // namespace podcast
