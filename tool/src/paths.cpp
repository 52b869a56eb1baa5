#include "podcast/paths.hpp"

#include <cstdlib>
#include <string>

namespace podcast {
namespace {

std::filesystem::path from_env_or(const char* name, std::filesystem::path fallback) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
        return value;
    }
    return fallback;
}

std::filesystem::path with_suffix(const std::filesystem::path& path, const std::string& suffix) {
    std::filesystem::path result = path;
    result += suffix;
    return result;
}

}  // namespace

std::filesystem::path project_root() { return from_env_or("PODCAST_HOME", PODCAST_SOURCE_DIR); }

DefaultPaths default_paths() {
    const std::filesystem::path root = project_root();
    return DefaultPaths{
        .warehouse = from_env_or("PODCAST_WAREHOUSE", root / "data" / "warehouse.duckdb"),
        .data_dir = from_env_or("PODCAST_DATA_DIR", root / "data" / "loading"),
        .reference_dir = from_env_or("PODCAST_REFERENCE_DIR", root / "data" / "demo" / "reference"),
        .dbt = from_env_or("PODCAST_DBT", root / ".venv" / "bin" / "dbt"),
        .dbt_project = root / "warehouse",
    };
}

std::filesystem::path lock_file_for(const std::filesystem::path& warehouse) {
    return with_suffix(warehouse, ".lock");
}

std::filesystem::path runs_log_for(const std::filesystem::path& warehouse) {
    return with_suffix(warehouse, ".runs.jsonl");
}

std::filesystem::path dbt_state_dir_for(const std::filesystem::path& warehouse) {
    return with_suffix(warehouse, ".dbt");
}

}  // namespace podcast
