#pragma once
// Listening sessions: users active on some days, listening in their local evening to episodes
// (new ones popular on release), each session a play, pauses, seeks and resumed plays, often a
// complete; the day's fresh events.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "catalog.hpp"
#include "podcast/reference_validator.hpp"
#include "random.hpp"

namespace podcast::generator {

using reference::EventType;

struct Event {
    std::int64_t instant = 0;  // UTC seconds
    std::int32_t user = 0;
    std::int32_t episode = 0;
    EventType type = EventType::play;
    std::int32_t duration = 0;  // seconds listened; 0 for pause and seek
};

inline bool has_duration(EventType type) {
    return type == EventType::play || type == EventType::complete;
}

class SessionModel {
public:
    SessionModel(const Catalog& catalog, Rng& rng);

    // `count` events of one day. Sessions start in time order, so that a user's next session
    // can wait for the previous one to end; a few more at random times fill up the count.
    void add_day(std::int64_t day_start, std::size_t count, Rng& rng, std::vector<Event>& out);

private:
    // The day's active users and the episodes released by then, release days bumped.
    void start_day(std::int64_t day, Rng& rng);

    std::int32_t random_user(Rng& rng) const { return active_[user_sampler_.sample(rng)]; }

    // A start in the user's local day, weighted to the evening, as a UTC instant of this day.
    std::int64_t random_start(std::int64_t day_start, std::int32_t user, Rng& rng) const;

    // One user listening to one episode: play, then pauses, seeks and resumed plays, often a
    // complete whose duration is near the episode's length. A user's sessions follow each other
    // when the day leaves room; events after the day are dropped.
    void add_session(std::int64_t start, std::int32_t planned_user, std::int64_t day_start,
                     Rng& rng, std::vector<Event>& out);

    std::vector<std::uint64_t> user_weights_;  // by rank
    std::vector<std::int32_t> users_by_rank_;
    std::vector<std::uint64_t> episode_weights_;  // by rank
    std::vector<std::int32_t> episodes_by_rank_;
    WeightedSampler hour_sampler_;
    std::vector<std::uint8_t> user_countries_;
    std::vector<std::int64_t> release_days_;
    std::vector<double> activity_;      // by user rank: the chance to be active on a day
    std::vector<double> appeal_;        // by episode
    std::vector<std::int32_t> active_;  // today's active users, by rank
    WeightedSampler user_sampler_;      // over active_
    WeightedSampler episode_sampler_;   // by rank, today's weights
    std::vector<std::int32_t> lengths_;
    std::vector<std::int64_t> free_at_;  // per user: when the last session ended
    std::vector<std::pair<std::int64_t, std::int32_t>> starts_;  // start, user
    double events_per_session_ = 3.5;                            // measured on the previous day
};

// Orders a day's events by time with a counting sort on the second of the day (stable).
void sort_by_time(std::vector<Event>& events, std::int64_t day_start, std::vector<Event>& scratch,
                  std::vector<std::uint32_t>& counts);

}  // namespace podcast::generator
