#pragma once
// Spelling: an event written as a row, canonically or in a valid but unusual form that
// normalisation absorbs (padded ids, "Play", offsets, durations as strings), and defects, one
// per validation code, a few common and others rare.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "calendar.hpp"
#include "catalog.hpp"
#include "random.hpp"
#include "rows.hpp"
#include "sessions.hpp"

namespace podcast::generator {

// How an event is spelled: canonically, or in one valid form normalisation must absorb.
enum class Variant : std::uint8_t {
    canonical,
    padded_user_id,
    padded_episode_id,
    event_type_spelling,
    zulu,
    zero_offset,
    local_offset,
    duration_string,
    zero_padded_duration,
};

// Every spelling but the canonical one.
inline constexpr std::array<Variant, 8> unusual_variants{
    Variant::padded_user_id,      Variant::padded_episode_id,
    Variant::event_type_spelling, Variant::zulu,
    Variant::zero_offset,         Variant::local_offset,
    Variant::duration_string,     Variant::zero_padded_duration};

// YYYY-MM-DDTHH:MM:SS of a wall-clock time in epoch seconds; the date part is cached.
class TimestampFormatter {
public:
    std::string_view format(std::int64_t seconds) {
        const std::int64_t day = floor_div(seconds, seconds_per_day);
        if (day != day_) {
            day_ = day;
            const std::string date = reference::format_timestamp(day * seconds_per_day);
            std::memcpy(text_.data(), date.data(), 11);
        }
        const std::int64_t second = seconds - day * seconds_per_day;
        put_two_digits(11, second / 3600);
        text_[13] = ':';
        put_two_digits(14, second / 60 % 60);
        text_[16] = ':';
        put_two_digits(17, second % 60);
        return {text_.data(), text_.size()};
    }

private:
    void put_two_digits(std::size_t at, std::int64_t value) {
        text_[at] = static_cast<char>('0' + value / 10);
        text_[at + 1] = static_cast<char>('0' + value % 10);
    }

    std::int64_t day_ = std::numeric_limits<std::int64_t>::min();
    std::array<char, 19> text_{};
};

// One defect per validation code (spelling.cpp).
enum class Defect : std::uint8_t;

class Speller {
public:
    Speller(const Catalog& catalog, double defect_rate);

    // The event in the given spelling; a variant that does not apply (a duration variant of a
    // pause) falls back to a `Z` timestamp.
    void spell(const Event& event, Variant variant, Rng& rng, Row& row);

    // With probability defect_rate, one defect (sometimes two or three, on different values).
    void maybe_damage(const Event& event, Rng& rng, Row& row);

    // A variant drawn at the defect rate: unusual spellings are as common as defects.
    Variant maybe_unusual(Rng& rng) const;

private:
    void damage(Defect defect, const Event& event, Rng& rng, Row& row);

    const Catalog& catalog_;
    double defect_rate_;
    WeightedSampler defect_sampler_;
    std::size_t damaged_ = 0;  // rows damaged so far
    TimestampFormatter timestamps_;
};

}  // namespace podcast::generator
