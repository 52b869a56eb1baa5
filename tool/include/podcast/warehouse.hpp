#pragma once
// Read-only access to the local DuckDB warehouse, shared by report, status, query and the end of
// a run. Opening checks the file exists and no run holds it, then opens it READ_ONLY.
#include <filesystem>
#include <string>

#include "podcast/database.hpp"
#include "podcast/lock.hpp"
#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

// take_shared: a reader on its own; already_held: the caller (a run) holds the exclusive lock.
enum class LockMode { take_shared, already_held };

class WarehouseReader {
public:
    // ExitCode::not_found if the file is missing ("run 'podcast run' first"), ExitCode::busy if a
    // run holds the lock or DuckDB reports the file locked.
    static Result<WarehouseReader> open(const std::filesystem::path& warehouse, LockMode lock_mode);

    Result<Table> query(const std::string& sql);
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

// Rows per layer (columns layer, table, rows) for bronze.raw_events,
// bronze.raw_events_validated, silver.cleansed_events and gold.fact_user_interactions; a table
// that does not exist (yet) has NULL rows.
Table rows_per_layer(WarehouseReader& reader);

}  // namespace podcast
