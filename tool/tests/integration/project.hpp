#pragma once
// What every integration test shares about the project it drives: where it is, and the "now"
// every run pins (so that timestamp_out_of_range, and so every expected figure, does not depend
// on the day the tests run).
#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace podcast::integration {

inline constexpr std::string_view pinned_now = "2030-01-01 00:00:00";

// The repository: PODCAST_HOME when set (as for the podcast binary), else the source tree the
// tests were built from.
inline std::filesystem::path project_root() {
    if (const char* home = std::getenv("PODCAST_HOME"); home != nullptr && *home != '\0') {
        return home;
    }
    return PODCAST_SOURCE_DIR;
}

}  // namespace podcast::integration
