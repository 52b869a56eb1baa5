#pragma once
// `podcast status`: files loaded, rows per layer, the retention window and the archived months
// with their rows, and the last run from <warehouse>.runs.jsonl.
#include <filesystem>
#include <ostream>

#include "podcast/result.hpp"

namespace podcast {

enum class StatusFormat { text, json };

struct StatusOptions {
    std::filesystem::path warehouse;
    StatusFormat format = StatusFormat::text;
};

Result<void> status(const StatusOptions& options, std::ostream& out);

}  // namespace podcast
