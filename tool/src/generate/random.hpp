#pragma once
// Randomness: SplitMix64 (Steele, Lea and Flood; Vigna's public-domain reference), fully
// specified and about five times faster than std::mt19937_64; the mappings to ranges are our
// own (the standard distributions differ between libraries), so a seed gives the same bytes
// everywhere.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace podcast::generator {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    // Uniform in [0, n), n > 0. The modulo bias is below n / 2^64: negligible for our n.
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    // Uniform in [low, high].
    std::int64_t between(std::int64_t low, std::int64_t high) {
        return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low + 1)));
    }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double probability) { return unit() < probability; }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

    // The next 64 random bits.
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t state_;
};

// Draws an index with probability proportional to its integer weight: a guide table points
// into the cumulative weights, so a draw is a short scan instead of a binary search.
class WeightedSampler {
public:
    WeightedSampler() = default;
    // At least one weight, and not all zero.
    explicit WeightedSampler(const std::vector<std::uint64_t>& weights);

    std::size_t sample(Rng& rng) const {
        const std::uint64_t x = rng.below(cumulative_.back());
        std::size_t index = guide_[x / bucket_width_];
        while (cumulative_[index] <= x) ++index;
        return index;
    }

private:
    std::vector<std::uint64_t> cumulative_;
    std::vector<std::size_t> guide_;  // per bucket of width bucket_width_: first index reaching it
    std::uint64_t bucket_width_ = 1;
};

enum class Skew : std::uint8_t { harmonic, steep };

// Zipf-like weights by rank: 1 / (rank + offset), or its power 1.5 for a steeper head. Only
// correctly rounded operations (division, sqrt), so the weights are the same everywhere.
std::vector<std::uint64_t> zipf_weights(std::size_t count, std::size_t offset, Skew skew);

// A random order of 0..count-1 (Fisher-Yates), so that rank 1 is not always user_1.
std::vector<std::int32_t> shuffled_indices(std::size_t count, Rng& rng);

}  // namespace podcast::generator
