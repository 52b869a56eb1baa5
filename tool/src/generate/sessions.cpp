#include "sessions.hpp"

#include <algorithm>
#include <limits>

#include "calendar.hpp"

namespace podcast::generator {
namespace {

// Share of sessions starting in each local hour: quiet nights, a morning commute and an
// evening peak.
constexpr std::array<std::uint64_t, 24> local_hour_weights{2, 1, 1, 1, 1, 2, 5,  9,  10, 7,  5, 5,
                                                           6, 5, 4, 4, 5, 7, 10, 13, 14, 12, 8, 4};

// How popular an episode is on its release day and the two days after, against other days.
constexpr std::array<std::uint64_t, 3> release_bump{5, 3, 2};

}  // namespace

SessionModel::SessionModel(const Catalog& catalog, Rng& rng)
    : user_weights_(zipf_weights(catalog.users.size(), catalog.users.size() / 20 + 1, Skew::steep)),
      users_by_rank_(shuffled_indices(catalog.users.size(), rng)),
      episode_weights_(zipf_weights(catalog.episodes.size(), 3, Skew::harmonic)),
      episodes_by_rank_(shuffled_indices(catalog.episodes.size(), rng)),
      hour_sampler_(
          std::vector<std::uint64_t>(local_hour_weights.begin(), local_hour_weights.end())),
      user_countries_(catalog.user_countries),
      release_days_(catalog.release_days) {
    lengths_.reserve(catalog.episodes.size());
    for (const auto& episode : catalog.episodes) lengths_.push_back(episode.duration_seconds);
    free_at_.assign(catalog.users.size(), std::numeric_limits<std::int64_t>::min());
    // Users come back on some days, not all: heavy listeners more often.
    activity_.reserve(catalog.users.size());
    for (std::size_t rank = 0; rank < catalog.users.size(); ++rank) {
        const double heavy = rank < catalog.users.size() / 10 ? 0.3 : 0.0;
        activity_.push_back(0.15 + heavy + 0.5 * rng.unit());
    }
    // How far listeners get through each episode: most nearly to the end, some less.
    appeal_.reserve(catalog.episodes.size());
    for (std::size_t i = 0; i < catalog.episodes.size(); ++i)
        appeal_.push_back(0.92 + 0.08 * rng.unit());
}

void SessionModel::add_day(std::int64_t day_start, std::size_t count, Rng& rng,
                           std::vector<Event>& out) {
    start_day(day_start / seconds_per_day, rng);
    const auto planned =
        static_cast<std::size_t>(static_cast<double>(count) * 0.97 / events_per_session_);
    starts_.resize(planned);
    for (auto& [start, user] : starts_) {
        user = random_user(rng);
        start = random_start(day_start, user, rng);
    }
    std::sort(starts_.begin(), starts_.end());
    const std::size_t before = out.size();
    std::size_t sessions = 0;
    for (const auto& [start, user] : starts_) {
        add_session(start, user, day_start, rng, out);
        ++sessions;
    }
    while (out.size() - before < count) {
        const std::int32_t user = random_user(rng);
        add_session(random_start(day_start, user, rng), user, day_start, rng, out);
        ++sessions;
    }
    events_per_session_ = static_cast<double>(out.size() - before) / static_cast<double>(sessions);
    // Too many: drop events at random (selection sampling), as a lossy log would.
    std::size_t surplus = out.size() - before - count;
    std::size_t kept = before;
    for (std::size_t i = before, left = out.size() - before; i < out.size(); ++i, --left) {
        if (surplus > 0 && rng.below(left) < surplus) {
            --surplus;
            continue;
        }
        out[kept++] = out[i];
    }
    out.resize(kept);
}

void SessionModel::start_day(std::int64_t day, Rng& rng) {
    active_.clear();
    std::vector<std::uint64_t> weights;
    for (std::size_t rank = 0; rank < users_by_rank_.size(); ++rank) {
        if (rng.chance(activity_[rank])) {
            active_.push_back(users_by_rank_[rank]);
            weights.push_back(user_weights_[rank]);
        }
    }
    if (active_.empty()) {
        active_.push_back(users_by_rank_[0]);
        weights.push_back(user_weights_[0]);
    }
    user_sampler_ = WeightedSampler(weights);

    weights.assign(episodes_by_rank_.size(), 0);
    std::uint64_t total = 0;
    for (std::size_t rank = 0; rank < episodes_by_rank_.size(); ++rank) {
        const std::int64_t age =
            day - release_days_[static_cast<std::size_t>(episodes_by_rank_[rank])];
        if (age < 0) continue;  // not released yet
        const std::uint64_t bump = age < 3 ? release_bump[static_cast<std::size_t>(age)] : 1;
        weights[rank] = episode_weights_[rank] * bump;
        total += weights[rank];
    }
    episode_sampler_ = WeightedSampler(total > 0 ? weights : episode_weights_);
}

std::int64_t SessionModel::random_start(std::int64_t day_start, std::int32_t user, Rng& rng) const {
    const std::int64_t local =
        static_cast<std::int64_t>(hour_sampler_.sample(rng)) * 3600 + rng.between(0, 3599);
    const std::int64_t offset =
        countries[user_countries_[static_cast<std::size_t>(user)]].utc_offset_minutes * 60;
    return day_start + (local - offset + seconds_per_day) % seconds_per_day;
}

void SessionModel::add_session(std::int64_t start, std::int32_t planned_user,
                               std::int64_t day_start, Rng& rng, std::vector<Event>& out) {
    const std::int64_t day_end = day_start + seconds_per_day;
    // A user still listening to another episode starts a little later, or another user
    // takes the session; only when a few in a row are busy do two sessions of one user overlap.
    std::int32_t user = planned_user;
    std::int64_t t = start;
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (attempt > 0) user = random_user(rng);
        const std::int64_t free_at = free_at_[static_cast<std::size_t>(user)];
        if (free_at < start) break;
        if (free_at + 600 < std::min(start + 3600, day_end)) {
            t = rng.between(free_at + 1, free_at + 600);
            break;
        }
    }
    const std::int32_t episode = episodes_by_rank_[episode_sampler_.sample(rng)];
    const std::int32_t length = lengths_[static_cast<std::size_t>(episode)];
    std::int64_t& free_at = free_at_[static_cast<std::size_t>(user)];
    // How far this listener gets: the episode's appeal times the country's habit.
    const double engagement =
        appeal_[static_cast<std::size_t>(episode)] *
        countries[user_countries_[static_cast<std::size_t>(user)]].listen_through;
    const double abandon = 0.1 + (1.0 - engagement) * 1.2;
    std::int64_t position = rng.chance(0.2) ? rng.between(0, length / 2) : 0;
    std::int64_t listened = 0;
    bool opens_with_play = true;
    const auto emit = [&](EventType type, std::int64_t duration) {
        out.push_back({t, user, episode, type, static_cast<std::int32_t>(duration)});
        free_at = std::max(free_at, t);
    };
    for (int step = 0; step < 12 && t < day_end; ++step) {
        const std::int64_t remaining = length - position;
        const std::int64_t segment =
            (remaining <= 60 || rng.chance(0.5)) ? remaining : rng.between(30, remaining);
        if (opens_with_play) emit(EventType::play, segment);
        t += segment;
        position += segment;
        listened += segment;
        if (t >= day_end) return;
        if (position >= length) {
            // Close to the length, short by what was skipped; rarely past it (replays).
            const double share = rng.chance(0.03)
                                     ? 1.0 + 0.05 * rng.unit()
                                     : std::min(1.0, engagement * (1.0 - 0.06 * rng.unit()));
            emit(EventType::complete,
                 std::max<std::int64_t>(
                     1, static_cast<std::int64_t>(static_cast<double>(length) * share)));
            return;
        }
        const double action = rng.unit();
        if (action < 0.45 * (1.0 - abandon) / 0.8) {
            emit(EventType::pause, 0);
            if (rng.chance(0.2)) return;  // never resumed
            t += rng.between(5, 900);
            opens_with_play = true;
        } else if (action < 1.0 - abandon) {
            emit(EventType::seek, 0);
            position = std::clamp<std::int64_t>(position + rng.between(-240, 600), 0, length - 1);
            t += 1;
            opens_with_play = false;
        } else {
            free_at = std::max(free_at, t);
            return;  // abandoned
        }
    }
}

void sort_by_time(std::vector<Event>& events, std::int64_t day_start, std::vector<Event>& scratch,
                  std::vector<std::uint32_t>& counts) {
    counts.assign(seconds_per_day + 1, 0);
    for (const Event& event : events)
        ++counts[static_cast<std::size_t>(event.instant - day_start) + 1];
    for (std::size_t i = 1; i < counts.size(); ++i) counts[i] += counts[i - 1];
    scratch.resize(events.size());
    for (const Event& event : events)
        scratch[counts[static_cast<std::size_t>(event.instant - day_start)]++] = event;
    events.swap(scratch);
}

}  // namespace podcast::generator
