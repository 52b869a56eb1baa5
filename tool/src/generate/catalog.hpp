#pragma once
// Reference data: users (with a country) and episodes (with a release day), written as
// OUT/reference/users.csv and episodes.csv.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/generate.hpp"
#include "podcast/reference_validator.hpp"
#include "random.hpp"

namespace podcast::generator {

struct Catalog {
    std::vector<reference::User> users;
    std::vector<std::uint8_t> user_countries;  // index into `countries`
    std::vector<std::string> signup_dates;
    std::vector<reference::Episode> episodes;
    std::vector<std::string> release_dates;
    std::vector<std::int64_t> release_days;  // days since the epoch
};

// A country's share of users, its summer UTC offset (users listen in their local evening) and
// how far its listeners get through an episode (a factor of the listen-through rate).
struct Country {
    std::string_view code;
    std::uint64_t weight;
    std::int32_t utc_offset_minutes;
    double listen_through;
};

inline constexpr std::array<Country, 10> countries{{{"US", 30, -300, 0.98},
                                                    {"IN", 14, 330, 0.9},
                                                    {"UK", 12, 60, 0.95},
                                                    {"DE", 10, 120, 0.99},
                                                    {"BR", 8, -180, 0.89},
                                                    {"FR", 7, 120, 0.93},
                                                    {"CA", 6, -240, 0.97},
                                                    {"AU", 5, 600, 0.92},
                                                    {"MX", 4, -360, 0.9},
                                                    {"JP", 4, 540, 1.0}}};

// The users and episodes of the options, drawn from `rng`.
Catalog make_catalog(const GenerateOptions& options, Rng& rng);

// The files' text: a header line, then one line per user or episode.
std::string users_csv(const Catalog& catalog);
std::string episodes_csv(const Catalog& catalog);

}  // namespace podcast::generator
