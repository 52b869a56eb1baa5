#pragma once
// Retention's archive (docs/data-contract.md, "Retention"). dbt writes it: each archived table's
// post-hook moves the rows older than the window to Parquet files under
// <archive>/<table>/month=YYYY-MM/run-<stamp>-<invocation>.parquet and records the window in
// silver.retention_record; dbt's views gold.retention_window and gold.archived_months show the
// window and the archived months, as status and report read them. This unit is the tool's side:
// the archived tables, the window a run expects, the archive's files read beside the tables by
// `podcast query` (read-only views for one connection: a dbt view could not follow the archive
// when the warehouse moves, nor read a directory with no file yet), and a run's care of the files
// (unfinished ones removed, complete ones synced to disk).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/database.hpp"
#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

// A table retention applies to, and the temporary view its archive is read through.
struct ArchivedTable {
    std::string_view schema;  // "silver"
    std::string_view name;    // "cleansed_events": also its folder in the archive
    std::string_view view;    // "cleansed_events_archive"
};

// silver.cleansed_events, then gold.fact_user_interactions.
std::span<const ArchivedTable> archived_tables();

// The first day of the window ('YYYY-MM-DD') the models keep for a run whose "now" falls on
// `today` (UTC) with retention_days `days`: today less `days` days, never before 0001-01-01.
std::string window_start(std::chrono::year_month_day today, std::int64_t days);

// The archive's directory unless var archive_dir sets another: <warehouse>.archive.
std::filesystem::path default_archive_dir(const std::filesystem::path& warehouse);

// The directories the archive may be in: those the warehouse records (gold.retention_window)
// and <warehouse>.archive, the existing ones first (the archive's views read the first).
std::vector<std::filesystem::path> recorded_archive_dirs(Connection& connection,
                                                         const std::filesystem::path& warehouse);

// The complete files of one table's archive, by path: <dir>/<table>/month=*/run-*.parquet.
std::vector<std::filesystem::path> archive_files(const std::filesystem::path& archive_dir,
                                                 std::string_view table);

// For this connection only: one temporary view per archived table (cleansed_events_archive,
// fact_user_interactions_archive) over its complete archive files, with the table's columns cast
// to the table's types and the file's `month`; no row when there is no file. The files must be
// readable (Connection::restrict_access).
Result<void> create_archive_views(Connection& connection, const std::filesystem::path& archive_dir);

// Removes the unfinished files below an archive directory (tmp_*: DuckDB's temporary names, left
// by a run stopped while writing one) and returns how many; a missing directory has none. Only
// while holding the warehouse's lock.
Result<std::size_t> remove_unfinished_archive_files(const std::filesystem::path& archive_dir);

// fsyncs every complete archive file modified at or after `since`, and the directories holding
// them: DuckDB closes and renames a file but does not sync it.
Result<void> sync_archive_files(const std::filesystem::path& archive_dir,
                                std::filesystem::file_time_type since);

}  // namespace podcast
