#include "podcast/run_summary.hpp"

#include <cstdio>

#include "podcast/database.hpp"
#include "podcast/table.hpp"

namespace podcast {
namespace {

// The C++ contract check (before dbt) added to the one dbt logs, or put first.
void add_contract_check(RunResultsSummary& results, double seconds) {
    for (auto& step : results.steps) {
        if (step.step == "contract check") {
            step.seconds += seconds;
            return;
        }
    }
    results.steps.insert(results.steps.begin(), StepTime{"contract check", seconds});
}

std::vector<std::string> failure_lines_of(const DbtLog& log) {
    std::vector<std::string> lines;
    for (const auto& failure : log.failures()) {
        // DuckDB's hints (a setting to try, a caret under the SQL) are no help to a user here;
        // the one setting of this pipeline that a lack of memory calls for is.
        std::string message = duckdb_message(failure.message.c_str());
        if (message.find("Out of Memory Error") != std::string::npos) {
            message +=
                " (the pipeline's DuckDB memory_limit: PODCAST_DUCKDB_MEMORY_LIMIT, default "
                "4GB)";
        }
        lines.push_back("failed: " + failure.resource_type + ' ' + failure.name + ": " + message);
    }
    for (std::size_t i = 0; i + 1 < log.errors().size(); ++i) {
        lines.push_back("dbt: " + log.errors()[i]);
    }
    return lines;
}

Error failure_of(const DbtLog& log, int exit_status) {
    // The warehouse refused the new files before loading any (a contract violation found on
    // Snowflake's landing tables, a staged copy that is not what podcast run checked): exit as
    // podcast run's own check does, with the warehouse's one line naming the file.
    if (log.load_refusal()) {
        return Error{*log.load_refusal(), ExitCode::refused};
    }
    if (!log.errors().empty()) {
        return Error{"dbt build failed: " + log.errors().back(), ExitCode::failure};
    }
    if (!log.failures().empty()) {
        const auto& first = log.failures().front();
        return Error{"dbt build failed: " + std::to_string(log.failures().size()) +
                         " node(s) failed, first " + first.resource_type + " " + first.name,
                     ExitCode::failure};
    }
    if (!log.other_output().empty()) {
        return Error{"dbt build exited with status " + std::to_string(exit_status) + ": " +
                         log.other_output().back(),
                     ExitCode::failure};
    }
    return Error{"dbt build exited with status " + std::to_string(exit_status), ExitCode::failure};
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", seconds);
    return text;
}

}  // namespace

nlohmann::ordered_json RunSummary::counts() const {
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    if (results) {
        counts["tests_passed"] = results->tests_passed;
        counts["tests_failed"] = results->tests_failed;
    }
    return counts;
}

nlohmann::ordered_json RunSummary::step_seconds() const {
    nlohmann::ordered_json steps = nlohmann::ordered_json::object();
    if (results) {
        for (const auto& step : results->steps) {
            steps[step.step] = step.seconds;
        }
        steps["total"] = total_seconds;
    }
    return steps;
}

RunSummary summarize_run(const DbtOutcome& dbt, double contract_check_seconds) {
    RunSummary summary;
    summary.total_seconds = dbt.wall_seconds + contract_check_seconds;
    if (!dbt.run_results.is_discarded() && !dbt.run_results.is_null()) {
        summary.results = summarize_run_results(dbt.run_results, dbt.log.step_by_node(),
                                                dbt.wall_seconds, dbt.log.logged_step_seconds());
        add_contract_check(*summary.results, contract_check_seconds);
    }
    if (dbt.exit_status != 0) {
        summary.failure_lines = failure_lines_of(dbt.log);
        summary.failure = failure_of(dbt.log, dbt.exit_status);
    }
    return summary;
}

void print_run_summary(const RunSummary& summary, std::ostream& out) {
    if (!summary.results) {
        return;
    }
    const RunResultsSummary& results = *summary.results;
    out << "\nTests: " << results.tests_passed << " passed, " << results.tests_failed << " failed";
    if (results.tests_skipped > 0) {
        out << ", " << results.tests_skipped << " skipped";
    }
    out << '\n';
    Table steps;
    steps.columns = {{"step", ColumnKind::text}, {"seconds", ColumnKind::real}};
    for (const auto& step : results.steps) {
        steps.rows.push_back({step.step, seconds_text(step.seconds)});
    }
    steps.rows.push_back({std::string("total"), seconds_text(summary.total_seconds)});
    out << "\nTime per step\n";
    print_text_table(steps, out);
}

}  // namespace podcast
