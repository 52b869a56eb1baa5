#include "podcast/query.hpp"

#include "podcast/warehouse.hpp"

namespace podcast {

Result<void> query(const QueryOptions& options, std::ostream& out) {
    auto reader = WarehouseReader::open(options.warehouse, LockMode::take_shared);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    auto table = reader->query(options.sql);
    if (!table) {
        return fail("query failed: " + table.error().message);
    }
    print_table(*table, options.format, out);
    return {};
}

}  // namespace podcast
