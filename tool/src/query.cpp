#include "podcast/query.hpp"

#include "podcast/warehouse.hpp"

namespace podcast {

Result<void> query(const QueryOptions& options, std::ostream& out) {
    auto reader =
        WarehouseReader::open(options.warehouse, LockMode::take_shared, ArchiveAccess::readable);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    const CellForm form = options.format == OutputFormat::json ? CellForm::json : CellForm::text;
    auto table = reader->read(options.sql, form);
    if (!table) {
        const bool refused = table.error().code == ExitCode::refused;
        return fail((refused ? "query refused: " : "query failed: ") + table.error().message,
                    table.error().code);
    }
    print_table(*table, options.format, out);
    return {};
}

}  // namespace podcast
