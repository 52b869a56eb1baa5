#include "podcast/report.hpp"

#include <utility>
#include <vector>

#include "podcast/warehouse.hpp"

namespace podcast {
namespace {

struct Section {
    std::string key;    // the JSON member name
    std::string title;  // the heading above a text table
    std::string sql;
};

std::vector<Section> sections_for(const ReportOptions& options) {
    const std::string window = options.as_of ? "the 7 days ending " + *options.as_of
                                             : "the 7 days ending on the latest event's date";
    return {
        {"q1_top_completed_episodes", "Top 10 completed episodes, " + window,
         "select rank, episode_id, podcast_id, title, completions "
         "from gold.q1_top_completed_episodes order by rank"},
        {"q2_listen_through_by_country", "Average listen-through rate by country",
         "select country, avg_listen_through_rate, completions "
         "from gold.q2_listen_through_by_country order by country"},
        {"q3_multi_episode_listeners",
         "Users who listened to 3 or more different episodes in one day",
         "select users from gold.q3_multi_episode_listeners"},
        {"invalid_rows_per_code", "Data quality: invalid rows per validation code",
         "select code, count(*) as rows "
         "from (select unnest(validation_errors) as code from bronze.raw_events_validated) "
         "group by code order by rows desc, code"},
        {"invalid_share_per_file", "Data quality: share of invalid rows per file",
         "select filename, count(*) as rows, "
         "count(*) filter (where len(validation_errors) > 0) as invalid, "
         "round(count(*) filter (where len(validation_errors) > 0) / count(*), 4) as share "
         "from bronze.raw_events_validated group by filename order by filename"},
    };
}

}  // namespace

Result<void> report(const ReportOptions& options, std::ostream& out) {
    auto reader = WarehouseReader::open(options.warehouse, LockMode::take_shared);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    if (options.as_of) {
        // The CLI accepts only YYYY-MM-DD, so the date is safe to splice; DuckDB checks it exists.
        if (auto set =
                reader->execute("set variable podcast_as_of = date '" + *options.as_of + "'");
            !set) {
            return fail("--as-of " + *options.as_of + ": " + set.error().message, ExitCode::usage);
        }
    }
    std::vector<std::pair<Section, Table>> answers;
    for (auto& section : sections_for(options)) {
        auto table = reader->query(section.sql);
        if (!table) {
            return fail("report: " + section.key + ": " + table.error().message);
        }
        answers.emplace_back(std::move(section), std::move(*table));
    }

    if (options.format == OutputFormat::json) {
        nlohmann::ordered_json document = nlohmann::ordered_json::object();
        document["as_of"] =
            options.as_of ? nlohmann::ordered_json(*options.as_of) : nlohmann::ordered_json();
        for (const auto& [section, table] : answers) {
            document[section.key] = to_json(table);
        }
        out << document.dump(2) << '\n';
        return {};
    }
    bool first = true;
    for (const auto& [section, table] : answers) {
        out << (first ? "" : "\n");
        first = false;
        if (options.format == OutputFormat::csv) {
            out << "# " << section.key << '\n';
        } else {
            out << section.title << '\n';
        }
        print_table(table, options.format, out);
    }
    return {};
}

}  // namespace podcast
