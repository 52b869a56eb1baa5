#pragma once
// `podcast report`: the three analysis answers and a data-quality summary, read-only.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "podcast/result.hpp"
#include "podcast/table.hpp"

namespace podcast {

struct ReportOptions {
    std::filesystem::path warehouse;
    std::optional<std::string> as_of;  // YYYY-MM-DD, sets the podcast_as_of variable for q1
    OutputFormat format = OutputFormat::table;
};

Result<void> report(const ReportOptions& options, std::ostream& out);

}  // namespace podcast
