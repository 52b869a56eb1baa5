#include "podcast/warehouse.hpp"

#include "podcast/archive.hpp"

#include <charconv>
#include <regex>
#include <system_error>

namespace podcast {
namespace {

// DuckDB: "Could not set lock on file "...": Conflicting lock is held in /usr/bin/python3 (PID 42)"
std::optional<pid_t> pid_in_lock_message(const std::string& message) {
    static const std::regex pid_pattern(R"(PID (\d+))");
    std::smatch match;
    if (!std::regex_search(message, match, pid_pattern)) {
        return std::nullopt;
    }
    pid_t pid = 0;
    const std::string digits = match[1].str();
    if (std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec != std::errc{}) {
        return std::nullopt;
    }
    return pid;
}

}  // namespace

Result<WarehouseReader> WarehouseReader::open(const std::filesystem::path& warehouse,
                                              LockMode lock_mode, ArchiveAccess archive) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(warehouse, error)) {
        return fail("warehouse " + warehouse.string() + " not found: run 'podcast run' first",
                    ExitCode::not_found);
    }
    WarehouseLock lock = WarehouseLock::none();
    if (lock_mode == LockMode::take_shared) {
        auto shared = WarehouseLock::acquire_shared(warehouse);
        if (!shared) {
            return std::unexpected(shared.error());
        }
        lock = std::move(*shared);
    }
    auto database = Database::open(warehouse, AccessMode::read_only);
    if (!database) {
        const std::string& message = database.error().message;
        if (message.find("Could not set lock") != std::string::npos ||
            message.find("Conflicting lock") != std::string::npos) {
            return std::unexpected(
                busy_error(warehouse, pid_in_lock_message(message), BusyAdvice::try_again));
        }
        return fail("could not open warehouse " + warehouse.string() + ": " + message);
    }
    auto connection = Connection::connect(*database);
    if (!connection) {
        return std::unexpected(connection.error());
    }
    // Read before access is restricted: where the archive is, the only files that stay readable.
    const std::vector<std::filesystem::path> archive_dirs =
        archive == ArchiveAccess::readable ? recorded_archive_dirs(*connection, warehouse)
                                           : std::vector<std::filesystem::path>{};
    if (auto restricted = connection->restrict_access(archive_dirs); !restricted) {
        return std::unexpected(restricted.error());
    }
    if (!archive_dirs.empty()) {
        if (auto views = create_archive_views(*connection, archive_dirs.front()); !views) {
            return std::unexpected(views.error());
        }
    }
    return WarehouseReader(std::move(lock), std::move(*database), std::move(*connection));
}

Result<Table> WarehouseReader::query(const std::string& sql) {
    return connection_.read(sql, CellForm::text);
}

Result<Table> WarehouseReader::read(const std::string& sql, CellForm form) {
    return connection_.read(sql, form);
}

Result<void> WarehouseReader::execute(const std::string& sql) {
    if (auto result = connection_.query(sql); !result) {
        return std::unexpected(result.error());
    }
    return {};
}

Result<Table> rows_per_layer(WarehouseReader& reader) {
    auto layers = reader.query(
        "select layer, table_name as \"table\", row_count as rows from gold.layer_row_counts "
        "order by pipeline_order");
    if (!layers) {
        return fail("gold.layer_row_counts is not readable: " + layers.error().message);
    }
    return layers;
}

}  // namespace podcast
