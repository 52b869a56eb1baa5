#pragma once
// Read-only access to the local DuckDB warehouse, shared by report, status, query and the end of
// a run. Opening checks the file exists and no run holds it, then opens it READ_ONLY with no
// access to any other file, database or extension (DuckDB's enable_external_access=false, the
// configuration locked), except, when the caller asks, the archive beside it (read-only views of
// it for this connection: archive.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "podcast/database.hpp"
#include "podcast/lock.hpp"
#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

// take_shared: a reader on its own; already_held: the caller (a run) holds the exclusive lock.
enum class LockMode { take_shared, already_held };

// none: only the warehouse is reachable. readable: so is the archive directory the warehouse
// records (gold.retention_window, else <warehouse>.archive), through its read_parquet files
// and the views cleansed_events_archive and fact_user_interactions_archive; nothing else.
enum class ArchiveAccess { none, readable };

class WarehouseReader {
public:
    // ExitCode::not_found if the file is missing ("run 'podcast run' first"), ExitCode::busy if a
    // run holds the lock or DuckDB reports the file locked.
    static Result<WarehouseReader> open(const std::filesystem::path& warehouse, LockMode lock_mode,
                                        ArchiveAccess archive = ArchiveAccess::none);

    // One SELECT, every value as text (Connection::read); anything else is refused.
    Result<Table> query(const std::string& sql);
    Result<Table> read(const std::string& sql, CellForm form);
    // A statement that changes only this session, such as `set variable`.
    Result<void> execute(const std::string& sql);
    Connection& connection() noexcept { return connection_; }

private:
    WarehouseReader(WarehouseLock lock, Database database, Connection connection) noexcept
        : lock_(std::move(lock)),
          database_(std::move(database)),
          connection_(std::move(connection)) {}

    // Destroyed in reverse order: the connection closes first, the lock is released last.
    WarehouseLock lock_;
    Database database_;
    Connection connection_;
};

// Rows per layer (columns layer, table, rows), in pipeline order: the dbt view
// gold.layer_row_counts. An error when the view is not there (no run has built it yet).
Result<Table> rows_per_layer(WarehouseReader& reader);

}  // namespace podcast
