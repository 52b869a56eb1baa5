#include "podcast/dbt.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <set>

#include "podcast/settings.hpp"

namespace podcast {
namespace {

// How the warehouse's load check begins the one line that refuses a load before anything is
// loaded (warehouse/macros/load/contract.sql): a line breaking the contract, or a file refused
// for another reason (its staged copy differs from what podcast run checked, say).
constexpr std::array<std::string_view, 2> load_refusal_markers = {"load contract violated:",
                                                                  "load refused:"};
constexpr std::size_t other_output_kept = 20;

std::string string_at(const nlohmann::json& object, const char* key) {
    if (object.is_object()) {
        if (auto it = object.find(key); it != object.end() && it->is_string()) {
            return it->get<std::string>();
        }
    }
    return {};
}

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// dbt's words for the same outcomes differ by node type; one vocabulary for the progress lines.
std::string normalised_status(std::string status) {
    status = lower(std::move(status));
    if (status == "ok") {
        return "success";
    }
    return status;
}

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
    static const nlohmann::json missing;
    if (object.is_object()) {
        if (auto it = object.find(key); it != object.end()) {
            return *it;
        }
    }
    return missing;
}

std::optional<std::string> find_load_refusal(std::string_view text) {
    auto start = std::string_view::npos;
    for (const auto marker : load_refusal_markers) {
        start = std::min(start, text.find(marker));
    }
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    auto line = text.substr(start);
    line = line.substr(0, line.find_first_of("\r\n"));
    return one_line(line);
}

bool is_node_result_event(const std::string& name) {
    return name.starts_with("Log") && name.ends_with("Result") && name != "LogFreshnessResult";
}

}  // namespace

std::string one_line(std::string_view text) {
    std::string result;
    bool in_space = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            i += 2;  // an ANSI colour sequence: ESC [ parameters final-letter
            while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) {
                ++i;
            }
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
            in_space = !result.empty();
            continue;
        }
        if (in_space) {
            result += ' ';
            in_space = false;
        }
        result += c;
    }
    return result;
}

void DbtLog::remember_logged_step(std::string_view message) {
    static constexpr std::string_view prefix = "podcast step seconds: ";
    if (!message.starts_with(prefix)) {
        return;
    }
    const std::string entry(message.substr(prefix.size()));
    const auto equals = entry.rfind('=');
    if (equals == std::string::npos || equals == 0) {
        return;
    }
    char* end = nullptr;
    const double seconds = std::strtod(entry.c_str() + equals + 1, &end);
    if (end != entry.c_str() + equals + 1 && seconds >= 0) {
        logged_step_seconds_[entry.substr(0, equals)] += seconds;
    }
}

std::optional<NodeResult> DbtLog::consume(std::string_view line) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded() || !event.is_object() || !member(event, "info").is_object()) {
        if (!one_line(line).empty()) {
            if (!load_refusal_) {
                load_refusal_ = find_load_refusal(line);
            }
            other_output_.push_back(one_line(line));
            if (other_output_.size() > other_output_kept) {
                other_output_.erase(other_output_.begin());
            }
        }
        return std::nullopt;
    }
    const auto& info = member(event, "info");
    const auto& data = member(event, "data");
    const std::string name = string_at(info, "name");
    const std::string level = string_at(info, "level");
    const std::string message = string_at(info, "msg");
    const auto& node_info = member(data, "node_info");

    if (!load_refusal_) {
        load_refusal_ = find_load_refusal(message);
        if (!load_refusal_) {
            load_refusal_ = find_load_refusal(string_at(data, "msg"));
        }
    }

    const std::string unique_id = string_at(node_info, "unique_id");
    const std::string schema = string_at(member(node_info, "node_relation"), "schema");
    // The pipeline step a node belongs to: its meta `step` (set per folder in dbt_project.yml).
    if (const std::string step = string_at(member(node_info, "meta"), "step");
        !unique_id.empty() && !step.empty()) {
        step_by_node_[unique_id] = step;
    }

    if (name == "NoNodesSelected" || name == "NothingToDo") {
        no_nodes_selected_ = true;
    } else if (name == "NoNodesForSelectionCriteria" && !one_line(message).empty()) {
        unmatched_selections_.push_back(one_line(message));
    }

    if (name == "JinjaLogInfo") {
        remember_logged_step(message);
        return std::nullopt;
    }

    if (name == "RunResultError") {
        const std::string error =
            one_line(string_at(data, "msg").empty() ? message : string_at(data, "msg"));
        if (!unique_id.empty()) {
            failures_.push_back(NodeFailure{string_at(node_info, "resource_type"),
                                            string_at(node_info, "node_name"), error});
        } else if (!error.empty()) {
            errors_.push_back(error);
        }
        return std::nullopt;
    }

    if (is_node_result_event(name) || name == "SkippingDetails") {
        NodeResult node;
        node.unique_id = unique_id;
        node.resource_type = string_at(node_info, "resource_type");
        node.name = string_at(node_info, "node_name");
        node.schema = schema;
        node.status =
            name == "SkippingDetails" ? "skipped" : normalised_status(string_at(data, "status"));
        if (const auto& seconds = member(data, "execution_time"); seconds.is_number()) {
            node.seconds = seconds.get<double>();
        }
        if (const auto& index = member(data, "index"); index.is_number_integer()) {
            node.index = index.get<int>();
        }
        for (const char* key : {"total", "num_models"}) {
            if (const auto& total = member(data, key);
                total.is_number_integer() && node.total == 0) {
                node.total = total.get<int>();
            }
        }
        return node;
    }

    // Errors outside any node (a compilation error, a bad profile, ...). Result lines and the
    // end-of-run summary repeat what the node results already said.
    static const std::set<std::string> repeated = {"RunResultFailure", "EndOfRunSummary",
                                                   "StatsLine", "Formatting"};
    if (level == "error" && !repeated.contains(name) && !one_line(message).empty()) {
        errors_.push_back(one_line(message));
    }
    return std::nullopt;
}

std::string DbtLog::no_nodes_selected_reason() const {
    std::string reason;
    for (const auto& unmatched : unmatched_selections_) {
        reason += (reason.empty() ? "" : "; ") + unmatched;
    }
    return reason.empty() ? "dbt selected no node" : reason;
}

std::string format_progress(const NodeResult& node) {
    const int width = node.total > 0 ? static_cast<int>(std::to_string(node.total).size()) : 1;
    char line[512];
    std::snprintf(line, sizeof line, "[%*d/%*d] %-10s %-44s %-8s %7.2fs", width, node.index, width,
                  node.total, node.resource_type.c_str(), node.name.c_str(), node.status.c_str(),
                  node.seconds);
    std::string text = line;
    text.erase(text.find_last_not_of(' ') + 1);
    return text;
}

namespace {

// Seconds since the epoch of a dbt artifact time such as 2026-11-29T21:48:53.123456Z.
std::optional<double> parse_iso_time(const std::string& text) {
    std::tm parts{};
    double seconds = 0;
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &parts.tm_year, &parts.tm_mon,
                    &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &seconds) != 6) {
        return std::nullopt;
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    return static_cast<double>(timegm(&parts)) + seconds;
}

// Seconds a node spent in dbt's compile phase, from its "timing" entries (0 when absent).
double compile_seconds(const nlohmann::json& result) {
    const auto& timing = member(result, "timing");
    for (const auto& phase : timing.is_array() ? timing : nlohmann::json::array()) {
        if (string_at(phase, "name") != "compile") {
            continue;
        }
        const auto started = parse_iso_time(string_at(phase, "started_at"));
        const auto completed = parse_iso_time(string_at(phase, "completed_at"));
        if (started && completed) {
            return std::max(0.0, *completed - *started);
        }
    }
    return 0.0;
}

}  // namespace

RunResultsSummary summarize_run_results(const nlohmann::json& run_results,
                                        const std::map<std::string, std::string>& step_by_node,
                                        double wall_seconds,
                                        const std::map<std::string, double>& logged_step_seconds) {
    static const std::vector<std::string> step_order = {
        "hooks",   "seed",         "contract check", "load", "validate",
        "cleanse", "other models", "analytics",      "tests"};
    std::map<std::string, double> seconds_by_step;
    std::vector<std::string> other_steps;  // steps a node's meta names beyond step_order
    RunResultsSummary summary;
    const auto& results = member(run_results, "results");
    for (const auto& result : results.is_array() ? results : nlohmann::json::array()) {
        const std::string unique_id = string_at(result, "unique_id");
        const std::string status = lower(string_at(result, "status"));
        const auto& seconds = member(result, "execution_time");
        const double time = seconds.is_number() ? seconds.get<double>() : 0.0;
        const std::string type = unique_id.substr(0, unique_id.find('.'));
        const bool failed = status == "error" || status == "fail";
        summary.nodes_failed += failed ? 1 : 0;

        std::string step = "other models";
        if (type == "test" || type == "unit_test") {
            step = "tests";
            if (status == "pass" || status == "warn") {
                ++summary.tests_passed;
            } else if (failed) {
                ++summary.tests_failed;
            } else {
                ++summary.tests_skipped;
            }
        } else if (auto it = step_by_node.find(unique_id); it != step_by_node.end()) {
            step = it->second;
        } else if (type == "seed") {
            step = "seed";
        } else if (type == "operation") {
            step = "hooks";
        }
        if (step == "load") {
            // The load contract is checked while dbt compiles the load (before any insert).
            const auto logged = logged_step_seconds.find("contract check");
            const double check =
                std::min(time, logged != logged_step_seconds.end() ? logged->second
                                                                   : compile_seconds(result));
            seconds_by_step["contract check"] += check;
            seconds_by_step["load"] += time - check;
            continue;
        }
        if (std::ranges::find(step_order, step) == step_order.end() &&
            std::ranges::find(other_steps, step) == other_steps.end()) {
            other_steps.push_back(step);
        }
        seconds_by_step[step] += time;
    }
    for (const auto& step : step_order) {
        if (step == "tests") {
            for (const auto& other : other_steps) {
                summary.steps.push_back(StepTime{other, seconds_by_step[other]});
            }
        }
        if (auto it = seconds_by_step.find(step); it != seconds_by_step.end()) {
            summary.steps.push_back(StepTime{step, it->second});
        }
    }
    const auto& elapsed = member(run_results, "elapsed_time");
    const double execution = elapsed.is_number() ? elapsed.get<double>() : 0.0;
    summary.steps.push_back(StepTime{"dbt start-up", std::max(0.0, wall_seconds - execution)});
    return summary;
}

nlohmann::ordered_json node_outcomes(const nlohmann::json& run_results) {
    nlohmann::ordered_json outcomes = nlohmann::ordered_json::object();
    const auto& results = member(run_results, "results");
    for (const auto& result : results.is_array() ? results : nlohmann::json::array()) {
        const std::string unique_id = string_at(result, "unique_id");
        if (unique_id.empty()) {
            continue;
        }
        const std::string status = lower(string_at(result, "status"));
        const auto& seconds = member(result, "execution_time");
        nlohmann::ordered_json outcome = {
            {"status", status}, {"seconds", seconds.is_number() ? seconds.get<double>() : 0.0}};
        if (const auto& failures = member(result, "failures");
            unique_id.starts_with("test.") && failures.is_number_integer()) {
            outcome["failures"] = failures.get<std::int64_t>();
        }
        if (status != "success" && status != "pass" && !string_at(result, "message").empty()) {
            outcome["message"] = one_line(string_at(result, "message"));
        }
        outcomes[unique_id] = std::move(outcome);
    }
    return outcomes;
}

std::string format_load_at(std::chrono::system_clock::time_point time) {
    const auto micros = std::chrono::floor<std::chrono::microseconds>(time);
    const auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
    const std::time_t clock = std::chrono::system_clock::to_time_t(seconds);
    std::tm utc{};
    gmtime_r(&clock, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<long long>((micros - seconds).count()));
    return text;
}

Result<nlohmann::json> build_vars(const std::string& load_at,
                                  const std::vector<std::string>& key_values) {
    auto vars = parse_run_vars(key_values);
    if (!vars) {
        return std::unexpected(vars.error());
    }
    if (!vars->contains("load_at")) {
        (*vars)["load_at"] = load_at;
    }
    return vars;
}

}  // namespace podcast
