#include "random.hpp"

#include <cmath>
#include <utility>

namespace podcast::generator {

WeightedSampler::WeightedSampler(const std::vector<std::uint64_t>& weights) {
    cumulative_.reserve(weights.size());
    std::uint64_t total = 0;
    for (const std::uint64_t weight : weights) cumulative_.push_back(total += weight);
    bucket_width_ = total / weights.size() + 1;
    guide_.resize((total - 1) / bucket_width_ + 1);  // the buckets of draws 0 .. total - 1
    std::size_t index = 0;
    for (std::size_t bucket = 0; bucket < guide_.size(); ++bucket) {
        while (cumulative_[index] <= bucket * bucket_width_) ++index;
        guide_[bucket] = index;
    }
}

std::vector<std::uint64_t> zipf_weights(std::size_t count, std::size_t offset, Skew skew) {
    std::vector<std::uint64_t> weights(count);
    for (std::size_t rank = 0; rank < count; ++rank) {
        const auto x = static_cast<double>(rank + offset);
        weights[rank] =
            static_cast<std::uint64_t>(0x1.0p50 / (skew == Skew::steep ? x * std::sqrt(x) : x));
    }
    return weights;
}

std::vector<std::int32_t> shuffled_indices(std::size_t count, Rng& rng) {
    std::vector<std::int32_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<std::int32_t>(i);
    for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    return order;
}

}  // namespace podcast::generator
