#include "podcast/status.hpp"

#include <fstream>
#include <string>

#include "podcast/paths.hpp"
#include "podcast/run_record.hpp"
#include "podcast/warehouse.hpp"

namespace podcast {
namespace {

std::string text_of(const nlohmann::ordered_json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return value.is_null() ? "-" : value.dump();
}

// The retention window in one line, from gold.retention_window's rows (table, retention_days,
// window_start, archive): both archived tables share one.
std::string window_line(const Table& windows) {
    if (windows.rows.empty()) {
        return "none recorded yet (every event is kept until a run with var retention_days)";
    }
    const auto& row = windows.rows.front();
    if (!row.at(1)) {
        return "none: every event is kept (var retention_days not set); archive " +
               row.at(3).value_or("-");
    }
    return *row.at(1) + " days: the tables keep events from " + row.at(2).value_or("-") +
           " on; older events are in the archive " + row.at(3).value_or("-");
}

}  // namespace

Result<void> status(const StatusOptions& options, std::ostream& out) {
    auto reader = WarehouseReader::open(options.warehouse, LockMode::take_shared);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    auto files = reader->query(
        "select filename, row_count as rows, strftime(load_at, '%Y-%m-%d %H:%M:%S.%f') as load_at "
        "from gold.rows_per_file order by filename");
    auto layers = rows_per_layer(*reader);
    const nlohmann::ordered_json run = last_run_record(options.warehouse);
    // Retention: dbt's gold.retention_window and gold.archived_months.
    auto windows = reader->query(
        "select table_name as \"table\", retention_days, cast(window_start as varchar) as "
        "window_start, archive_location as archive from gold.retention_window "
        "order by pipeline_order");
    auto months = reader->query(
        "select table_name as \"table\", month, row_count as rows from gold.archived_months "
        "order by pipeline_order, month");

    if (options.format == StatusFormat::json) {
        nlohmann::ordered_json document = {
            {"warehouse", options.warehouse.string()},
            {"files", files ? to_json(*files) : nlohmann::ordered_json::array()},
            {"layers", layers ? to_json(*layers) : nlohmann::ordered_json::array()},
            {"retention", windows ? to_json(*windows) : nlohmann::ordered_json::array()},
            {"archived_months", months ? to_json(*months) : nlohmann::ordered_json::array()},
            {"last_run", run},
        };
        out << document.dump(2) << '\n';
        return {};
    }
    out << "Warehouse " << options.warehouse.string() << "\n\nFiles loaded\n";
    if (files) {
        print_text_table(*files, out);
    } else {
        out << "none (gold.rows_per_file is not readable: " << files.error().message << ")\n";
    }
    out << "\nRows per layer\n";
    if (layers) {
        print_text_table(*layers, out);
    } else {
        out << "none (" << layers.error().message << ")\n";
    }
    out << "\nRetention window: "
        << (windows
                ? window_line(*windows)
                : "none (gold.retention_window is not readable: " + windows.error().message + ")")
        << "\n\nArchived months\n";
    if (!months) {
        out << "none (gold.archived_months is not readable: " << months.error().message << ")\n";
    } else if (months->rows.empty()) {
        out << "none\n";
    } else {
        print_text_table(*months, out);
    }
    out << "\nLast run\n";
    if (run.is_null()) {
        out << "none recorded in " << runs_log_for(options.warehouse).string() << '\n';
    } else if (run.value("outcome", "") == "started") {
        // status cannot read the warehouse while a run holds it, so this run was stopped.
        out << "interrupted: started " << text_of(run.value("start", nlohmann::ordered_json()))
            << " and never finished (the next run completes its work)\n";
    } else {
        out << text_of(run.value("outcome", nlohmann::ordered_json())) << ": started "
            << text_of(run.value("start", nlohmann::ordered_json())) << ", ended "
            << text_of(run.value("end", nlohmann::ordered_json())) << ", load_at "
            << text_of(run.value("load_at", nlohmann::ordered_json())) << '\n';
        for (const char* key : {"select", "exclude"}) {
            if (run.contains(key)) {
                out << "partial run: --" << key << ' ' << text_of(run[key]) << '\n';
            }
        }
        if (run.contains("origin")) {
            out << "started by: " << text_of(run["origin"]) << '\n';
        }
        if (run.contains("error")) {
            out << "error: " << text_of(run["error"]) << '\n';
        }
    }
    return {};
}

}  // namespace podcast
