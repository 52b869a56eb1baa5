#pragma once
// `podcast query`: one ad hoc statement on the warehouse, opened read-only.
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
