#pragma once
// Duplicates: repeats of earlier rows, verbatim, in another spelling of the same business key,
// or from an earlier day's file, sometimes with another duration.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "random.hpp"
#include "rows.hpp"
#include "sessions.hpp"
#include "spelling.hpp"

namespace podcast::generator {

// A row as written, with the event it was spelled from.
struct Emitted {
    Row row;
    Event event;  // the event the row was spelled from, before any defect
};

// The last rows of the current file, for repeats close to their original.
class RecentRows {
public:
    void clear() { size_ = next_ = 0; }
    bool empty() const { return size_ == 0; }
    void push(const Emitted& emitted) {
        rows_[next_] = emitted;
        next_ = (next_ + 1) % rows_.size();
        size_ = std::min(size_ + 1, rows_.size());
    }
    const Emitted& random(Rng& rng) const { return rows_[rng.below(size_)]; }

private:
    std::array<Emitted, 256> rows_{};
    std::size_t size_ = 0;
    std::size_t next_ = 0;
};

// A uniform sample of one day's fresh rows (reservoir sampling).
class DaySample {
public:
    void offer(const Emitted& emitted, Rng& rng) {
        ++seen_;
        if (rows_.size() < capacity) {
            rows_.push_back(emitted);
        } else if (const std::uint64_t slot = rng.below(seen_); slot < capacity) {
            rows_[slot] = emitted;
        }
    }
    bool empty() const { return rows_.empty(); }
    const Emitted& random(Rng& rng) const { return rows_[rng.below(rows_.size())]; }

private:
    static constexpr std::size_t capacity = 1024;
    std::vector<Emitted> rows_;
    std::uint64_t seen_ = 0;
};

class Duplicator {
public:
    explicit Duplicator(Speller& speller) : speller_(speller) {}

    void start_day() {
        recent_.clear();
        today_ = DaySample{};
    }
    void end_day() {
        earlier_days_.push_front(std::move(today_));
        if (earlier_days_.size() > 3) earlier_days_.pop_back();
    }
    void remember(const Emitted& emitted, Rng& rng, bool fresh) {
        recent_.push(emitted);
        if (fresh) today_.offer(emitted, rng);
    }

    // A repeat of an earlier row: from an earlier day's file (35%), verbatim in this file
    // (40%), or the same business key spelled differently in this file (25%). Repeats that
    // are spelled anew may carry another duration and may carry defects.
    Emitted repeat(Rng& rng);

private:
    const DaySample* earlier_day(Rng& rng) const;
    Emitted respelled(Event event, Variant variant, bool other_duration, Rng& rng);

    Speller& speller_;
    RecentRows recent_;
    DaySample today_;
    std::deque<DaySample> earlier_days_;  // yesterday first
};

}  // namespace podcast::generator
