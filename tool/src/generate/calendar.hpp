#pragma once
// The generator's days and seconds: epoch seconds in UTC, the range of days it may generate and
// the "now" its expected.json assumes.
#include <chrono>
#include <cstdint>
#include <string>

#include "podcast/reference_validator.hpp"

namespace podcast::generator {

inline constexpr std::int64_t seconds_per_day = 86400;

constexpr std::int64_t epoch_seconds(std::chrono::year_month_day date) {
    return std::chrono::sys_days{date}.time_since_epoch().count() * seconds_per_day;
}

// expected.json is computed for a run whose "now" is just before the far-future defects (year
// 2099); generated days must end before it, so any "now" after the data gives the same answer.
inline constexpr std::chrono::year_month_day earliest_start{
    std::chrono::year{2000}, std::chrono::month{1}, std::chrono::day{1}};
inline constexpr std::chrono::year_month_day latest_day{
    std::chrono::year{2098}, std::chrono::month{12}, std::chrono::day{30}};
inline constexpr std::int64_t assumed_now =
    epoch_seconds({std::chrono::year{2099}, std::chrono::month{1}, std::chrono::day{1}}) - 1;

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// YYYY-MM-DD.
inline std::string date_text(std::chrono::sys_days date) {
    return reference::format_timestamp(date.time_since_epoch().count() * seconds_per_day)
        .substr(0, 10);
}

}  // namespace podcast::generator
