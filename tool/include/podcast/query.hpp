#pragma once
// `podcast query`: one ad hoc SELECT on the warehouse, which it only reads: the warehouse is
// opened read-only with no access to other files or databases but its archive (the views
// cleansed_events_archive and fact_user_interactions_archive, and read_parquet below the archive
// directory), and any statement but one SELECT (or EXPLAIN of one) is refused. Every DuckDB type
// renders through DuckDB's own conversions.
#include <filesystem>
#include <ostream>
#include <string>

#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

struct QueryOptions {
    std::filesystem::path warehouse;
    std::string sql;
    OutputFormat format = OutputFormat::table;
};

Result<void> query(const QueryOptions& options, std::ostream& out);

}  // namespace podcast
