#include "duplicates.hpp"

#include <algorithm>

namespace podcast::generator {

Emitted Duplicator::repeat(Rng& rng) {
    const double kind = rng.unit();
    if (kind < 0.35) {
        if (const DaySample* day = earlier_day(rng); day != nullptr) {
            const Emitted& original = day->random(rng);
            const double how = rng.unit();
            if (how < 0.5) return original;
            return respelled(original.event,
                             how < 0.75 ? Variant::canonical : rng.pick(unusual_variants),
                             how < 0.75, rng);
        }
    }
    const Emitted& original = recent_.random(rng);
    if (kind < 0.75) return original;
    return respelled(original.event, rng.pick(unusual_variants), rng.chance(0.3), rng);
}

const DaySample* Duplicator::earlier_day(Rng& rng) const {
    if (earlier_days_.empty()) return nullptr;
    const double r = rng.unit();
    std::size_t back = r < 0.6 ? 0 : (r < 0.85 ? 1 : 2);
    back = std::min(back, earlier_days_.size() - 1);
    return earlier_days_[back].empty() ? nullptr : &earlier_days_[back];
}

Emitted Duplicator::respelled(Event event, Variant variant, bool other_duration, Rng& rng) {
    if (other_duration && has_duration(event.type)) {
        const auto change = static_cast<std::int32_t>(rng.between(1, 300));
        event.duration = event.duration > change && rng.chance(0.5) ? event.duration - change
                                                                    : event.duration + change;
    }
    Emitted emitted;
    emitted.event = event;
    speller_.spell(event, variant, rng, emitted.row);
    speller_.maybe_damage(event, rng, emitted.row);
    return emitted;
}

}  // namespace podcast::generator
