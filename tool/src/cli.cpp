#include "podcast/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <regex>
#include <string>
#include <vector>

#include "podcast/dbt.hpp"
#include "podcast/generate.hpp"
#include "podcast/land.hpp"
#include "podcast/load_record.hpp"
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
};

struct RunFlags {
    std::string target = "dev";
    bool full_refresh = false;
    std::string reference_dir;
    std::string data_dir;
    std::string warehouse;
    std::vector<std::string> vars;
    bool wait = false;
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

Result<void> land_command(const LandFlags& flags, std::ostream& out) {
    const std::vector<std::filesystem::path> sources(flags.sources.begin(), flags.sources.end());
    // The warehouse's record tells a re-delivery of a loaded (and since archived) file. While a
    // run holds the warehouse it cannot be read; the run itself then refuses a changed file.
    auto record = read_load_record(flags.warehouse, LockMode::take_shared);
    if (!record && record.error().code != ExitCode::busy) {
        return std::unexpected(record.error());
    }
    if (!record) {
        out << "note: " << one_line(record.error().message)
            << "; landing without its load record (the next run refuses a loaded name with new "
               "content)\n";
    }
    auto landed = land(sources, flags.data_dir, record ? *record : LoadRecord{});
    if (!landed) {
        return std::unexpected(landed.error());
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

Result<void> run_command(const RunFlags& flags, std::ostream& out, std::ostream& err) {
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
    options.wait = flags.wait ? WaitMode::wait : WaitMode::fail_if_busy;
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

Result<void> parse_and_run(int argc, const char* const* argv, std::ostream& out,
                           std::ostream& err) {
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
        generate_app->add_option("--days", o.days, "Number of days (one event file each) (at least 1)")
            ->capture_default_str();
        generate_app->add_option("--start", generate_flags.start, "First day, YYYY-MM-DD")
            ->capture_default_str()
            ->check(iso_date);
        generate_app->add_option("--events-per-day", o.events_per_day, "Event lines per file on average, at least 0 (a weekly rhythm and daily growth around it; days * N in all)")
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
    run_app->add_flag("--wait", run_flags.wait,
                      "If another run holds the warehouse, wait for it instead of failing");

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
        const auto commands = app.get_subcommands([&](const CLI::App* command) {
            return command->check_name(word);
        });
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
        return run_command(run_flags, out, err);
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
    try {
        outcome = parse_and_run(argc, argv, out, err);
    } catch (const std::exception& unexpected) {
        outcome = fail(std::string("unexpected error: ") + unexpected.what());
    }
    out.flush();
    if (!outcome) {
        err << "podcast: " << one_line(outcome.error().message) << std::endl;
        return static_cast<int>(outcome.error().code);
    }
    return static_cast<int>(ExitCode::ok);
}

}  // namespace podcast
