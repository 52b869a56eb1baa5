#include "podcast/run_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "podcast/dbt.hpp"
#include "podcast/paths.hpp"

namespace podcast {
namespace {

std::string iso_time(std::chrono::system_clock::time_point time) {
    std::string text = format_load_at(time);
    text[10] = 'T';
    return text + "Z";
}

}  // namespace

std::string_view outcome_name(RunOutcome outcome) {
    switch (outcome) {
        case RunOutcome::started:
            return "started";
        case RunOutcome::success:
            return "success";
        case RunOutcome::failed:
            return "failed";
        case RunOutcome::up_to_date:
            return "up to date";
        case RunOutcome::refused:
            return "refused";
    }
    return "unknown";
}

nlohmann::ordered_json RunRecord::to_json() const {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    line["start"] = iso_time(start);
    if (end) {
        line["end"] = iso_time(*end);
    }
    line["outcome"] = outcome_name(outcome);
    if (load_at) {
        line["load_at"] = *load_at;
    }
    line["warehouse"] = warehouse.string();
    line["target"] = target;
    if (full_refresh) {
        line["full_refresh"] = *full_refresh;
    }
    if (dbt_exit_status) {
        line["dbt_exit_status"] = *dbt_exit_status;
    }
    if (counts) {
        line["counts"] = *counts;
    }
    if (seconds) {
        line["seconds"] = *seconds;
    }
    if (inputs) {
        line["inputs"] = *inputs;
    }
    if (select) {
        line["select"] = *select;
    }
    if (exclude) {
        line["exclude"] = *exclude;
    }
    if (origin) {
        line["origin"] = *origin;
    }
    if (nodes) {
        line["nodes"] = *nodes;
    }
    if (error) {
        line["error"] = *error;
    }
    return line;
}

void RunRecord::append(std::ostream& err) const {
    const std::filesystem::path path = runs_log_for(warehouse);
    std::string line = to_json().dump() + "\n";
    const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    bool written = fd >= 0;
    if (written) {
        char last = '\n';
        if (::pread(fd, &last, 1, std::max<off_t>(::lseek(fd, 0, SEEK_END) - 1, 0)) == 1 &&
            last != '\n') {
            line.insert(line.begin(), '\n');
        }
        written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
        ::close(fd);
    }
    if (!written) {
        err << "warning: could not append to " << path.string() << '\n';
    }
}

namespace {

// The last line of the runs log that is a JSON object for which `matches` holds, or null.
template <typename Predicate>
nlohmann::ordered_json last_record_where(const std::filesystem::path& warehouse,
                                         Predicate matches) {
    std::ifstream in(runs_log_for(warehouse));
    nlohmann::ordered_json last;
    for (std::string line; std::getline(in, line);) {
        auto parsed = nlohmann::ordered_json::parse(line, nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object() && matches(parsed)) {
            last = std::move(parsed);
        }
    }
    return last;
}

}  // namespace

nlohmann::ordered_json last_run_record(const std::filesystem::path& warehouse,
                                       std::string_view outcome) {
    return last_record_where(warehouse, [&](const nlohmann::ordered_json& record) {
        return outcome.empty() || record.value("outcome", "") == outcome;
    });
}

bool is_complete_run(const nlohmann::ordered_json& record) {
    return record.is_object() && !record.contains("select") && !record.contains("exclude");
}

std::string tested_since(const std::filesystem::path& warehouse, const std::string& fingerprint,
                         bool full_refresh) {
    if (full_refresh) {
        return {};
    }
    // A partial run tested only what it selected: the rows it loaded are tested by the next
    // complete run, which therefore looks back to the last complete one.
    const auto success = last_record_where(warehouse, [](const nlohmann::ordered_json& record) {
        return record.value("outcome", "") == outcome_name(RunOutcome::success) &&
               is_complete_run(record);
    });
    if (!success.is_object() || success.value("inputs", "") != fingerprint) {
        return {};
    }
    return success.value("load_at", "");
}

bool last_build_succeeded_with(const std::filesystem::path& warehouse,
                               const std::string& fingerprint) {
    // Every run that starts dbt writes a "started" line first, then its outcome; only "up to
    // date" and "refused" runs never start it.
    const auto last_build = last_record_where(warehouse, [](const nlohmann::ordered_json& record) {
        const std::string outcome = record.value("outcome", "");
        return outcome != outcome_name(RunOutcome::up_to_date) &&
               outcome != outcome_name(RunOutcome::refused);
    });
    // A partial run builds only its selection: whatever it left out may be of older inputs.
    return is_complete_run(last_build) &&
           last_build.value("outcome", "") == outcome_name(RunOutcome::success) &&
           last_build.value("inputs", "") == fingerprint;
}

}  // namespace podcast
