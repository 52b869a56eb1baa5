#include "podcast/paths.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

namespace podcast {
namespace fs = std::filesystem;
namespace {

fs::path from_env_or(const char* name, fs::path fallback) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
        return value;
    }
    return fallback;
}

fs::path with_suffix(const fs::path& path, const std::string& suffix) {
    fs::path result = path;
    result += suffix;
    return result;
}

Layout checkout(const fs::path& root) {
    return Layout{.kind = LayoutKind::checkout,
                  .root = root,
                  .dbt_project = root / "warehouse",
                  .data = root / "data",
                  .dbt = root / ".venv" / "bin" / "dbt"};
}

// $XDG_DATA_HOME/podcast, else ~/.local/share/podcast; the working directory's data/ when
// neither is known.
fs::path user_data_home() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
        return fs::path(xdg) / "podcast";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
        return fs::path(home) / ".local" / "share" / "podcast";
    }
    return fs::current_path() / "data";
}

}  // namespace

Layout layout_for(const fs::path& executable, std::string_view home, const fs::path& built_from,
                  const fs::path& data_home) {
    if (!home.empty()) {
        return checkout(fs::path(home));
    }
    const fs::path bin = executable.parent_path();
    const fs::path prefix = bin.parent_path();
    const fs::path share = prefix / "share" / "podcast";
    std::error_code error;
    if (bin.filename() == "bin" &&
        fs::is_regular_file(share / "warehouse" / "dbt_project.yml", error)) {
        return Layout{.kind = LayoutKind::installed,
                      .root = share,
                      .dbt_project = share / "warehouse",
                      .data = data_home,
                      .dbt = prefix / "lib" / "podcast" / "venv" / "bin" / "dbt"};
    }
    return checkout(built_from);
}

Layout layout() {
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    const char* home = std::getenv("PODCAST_HOME");
    return layout_for(error ? fs::path() : executable, home == nullptr ? "" : home,
                      PODCAST_SOURCE_DIR, user_data_home());
}

fs::path project_root() { return layout().root; }

DefaultPaths default_paths() {
    const Layout found = layout();
    return DefaultPaths{
        .warehouse = from_env_or("PODCAST_WAREHOUSE", found.data / "warehouse.duckdb"),
        .data_dir = from_env_or("PODCAST_DATA_DIR", found.data / "loading"),
        .reference_dir = from_env_or("PODCAST_REFERENCE_DIR", found.data / "demo" / "reference"),
        .dbt = from_env_or("PODCAST_DBT", found.dbt),
        .dbt_project = found.dbt_project,
    };
}

fs::path lock_file_for(const fs::path& warehouse) { return with_suffix(warehouse, ".lock"); }

fs::path runs_log_for(const fs::path& warehouse) { return with_suffix(warehouse, ".runs.jsonl"); }

fs::path dbt_state_dir_for(const fs::path& warehouse) { return with_suffix(warehouse, ".dbt"); }

}  // namespace podcast
