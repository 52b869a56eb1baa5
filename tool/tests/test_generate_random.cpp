// The generator's random numbers: the published SplitMix64 sequence, and draws in proportion to
// their weights.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "generate/random.hpp"

using podcast::generator::Rng;
using podcast::generator::WeightedSampler;

SCENARIO("the random numbers are SplitMix64's reference sequence", "[generate]") {
    GIVEN("a generator seeded with 0") {
        Rng rng(0);
        THEN("its first outputs are those of Vigna's reference implementation") {
            REQUIRE(0xe220a8397b1dcdafULL == rng.next());
            REQUIRE(0x6e789e6aa1b965f4ULL == rng.next());
            REQUIRE(0x06c45d188009454fULL == rng.next());
        }
    }
}

SCENARIO("a weighted draw never picks a zero weight and follows the weights", "[generate]") {
    GIVEN("weights 0, 1, 0, 3") {
        const WeightedSampler sampler(std::vector<std::uint64_t>{0, 1, 0, 3});
        Rng rng(42);
        WHEN("it draws 40000 times") {
            std::vector<int> draws(4, 0);
            for (int i = 0; i < 40000; ++i) {
                ++draws.at(sampler.sample(rng));
            }
            THEN("the zero weights are never drawn") {
                REQUIRE(0 == draws[0]);
                REQUIRE(0 == draws[2]);
            }
            THEN("index 3 comes about three times as often as index 1") {
                REQUIRE(draws[1] + draws[3] == 40000);
                REQUIRE(draws[3] > 2.8 * draws[1]);
                REQUIRE(draws[3] < 3.2 * draws[1]);
            }
        }
    }
}

SCENARIO("a range draw stays within its bounds and reaches both", "[generate]") {
    Rng rng(7);
    bool low = false;
    bool high = false;
    for (int i = 0; i < 1000; ++i) {
        const std::int64_t x = rng.between(-2, 2);
        REQUIRE(x >= -2);
        REQUIRE(x <= 2);
        low = low || x == -2;
        high = high || x == 2;
    }
    REQUIRE(low);
    REQUIRE(high);
}
