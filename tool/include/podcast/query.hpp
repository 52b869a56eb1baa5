#pragma once
// `podcast query`: one ad hoc SELECT on the warehouse, which it only reads: the warehouse is
// opened read-only with no access to other files or databases, and any statement but one SELECT
// (or EXPLAIN of one) is refused. Every DuckDB type renders through DuckDB's own conversions.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

struct QueryOptions {
    std::filesystem::path warehouse;
    std::string sql;
    OutputFormat format = OutputFormat::table;
    // Directories the query may read files below (e.g. an archive beside the warehouse).
    std::vector<std::filesystem::path> readable_directories;
};

Result<void> query(const QueryOptions& options, std::ostream& out);

}  // namespace podcast
