#include "catalog.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "calendar.hpp"

namespace podcast::generator {
namespace {

constexpr std::array<std::string_view, 12> title_openings{
    "The Story of",   "Inside",          "Why We Love", "A Short History of",
    "Lessons from",   "The Truth About", "Rethinking",  "Notes on",
    "The Science of", "Chasing",         "Living with", "The Future of"};

constexpr std::array<std::string_view, 24> title_subjects{
    "Coffee", "Sleep",  "Cities",   "Jazz",  "Startups", "Volcanoes", "Chess",   "Memory",
    "Rivers", "Robots", "Taxes",    "Bees",  "Comets",   "Bridges",   "Silence", "Maps",
    "Salt",   "Trains", "Football", "Fungi", "Language", "Money",     "Dreams",  "Oceans"};

}  // namespace

Catalog make_catalog(const GenerateOptions& options, Rng& rng) {
    Catalog catalog;
    const std::chrono::sys_days start{options.start};

    std::vector<std::uint64_t> country_weights;
    for (const Country& country : countries) country_weights.push_back(country.weight);
    const WeightedSampler country_sampler(country_weights);
    const auto user_count = static_cast<std::size_t>(options.users);
    catalog.users.reserve(user_count);
    catalog.signup_dates.reserve(user_count);
    catalog.user_countries.reserve(user_count);
    for (std::size_t i = 0; i < user_count; ++i) {
        const std::size_t country = country_sampler.sample(rng);
        catalog.user_countries.push_back(static_cast<std::uint8_t>(country));
        catalog.users.push_back(
            {"user_" + std::to_string(i + 1), std::string(countries[country].code)});
        catalog.signup_dates.push_back(date_text(start - std::chrono::days{rng.between(1, 1095)}));
    }

    const std::int64_t podcasts = std::max<std::int64_t>(1, options.episodes / 8);
    const auto episode_count = static_cast<std::size_t>(options.episodes);
    catalog.episodes.reserve(episode_count);
    catalog.release_dates.reserve(episode_count);
    for (std::size_t i = 0; i < episode_count; ++i) {
        std::string title =
            std::string(rng.pick(title_openings)) + " " + std::string(rng.pick(title_subjects));
        if (rng.chance(0.2)) title += " Part " + std::to_string(rng.between(2, 5));
        catalog.episodes.push_back(
            {"ep_" + std::to_string(i + 1), "podcast_" + std::to_string(rng.between(1, podcasts)),
             std::move(title), static_cast<std::int32_t>(rng.between(600, 7200))});
        // One episode in eight is new: released on one of the generated days.
        const std::chrono::sys_days released =
            rng.chance(0.125) ? start + std::chrono::days{rng.between(0, options.days - 1)}
                              : start - std::chrono::days{rng.between(1, 730)};
        catalog.release_dates.push_back(date_text(released));
        catalog.release_days.push_back(released.time_since_epoch().count());
    }
    return catalog;
}

std::string users_csv(const Catalog& catalog) {
    std::string csv = "user_id,signup_date,country\n";
    for (std::size_t i = 0; i < catalog.users.size(); ++i) {
        csv += catalog.users[i].user_id + ',' + catalog.signup_dates[i] + ',' +
               catalog.users[i].country + '\n';
    }
    return csv;
}

std::string episodes_csv(const Catalog& catalog) {
    std::string csv = "episode_id,podcast_id,title,release_date,duration_seconds\n";
    for (std::size_t i = 0; i < catalog.episodes.size(); ++i) {
        const reference::Episode& episode = catalog.episodes[i];
        csv += episode.episode_id + ',' + episode.podcast_id + ',' + episode.title + ',' +
               catalog.release_dates[i] + ',' + std::to_string(episode.duration_seconds) + '\n';
    }
    return csv;
}

}  // namespace podcast::generator
