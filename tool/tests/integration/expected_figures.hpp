#pragma once
// Checks a warehouse's figures against the generator's expected.json. Both the DuckDB and the
// Snowflake-emulator differential tests gather figures in expected.json's shape (with q1's as-of
// date as "q1_as_of" and q3's answer as "q3_users") and compare them here.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace podcast::integration {

// expected.json lists every validation code, zeros included; a warehouse's group by has none.
inline nlohmann::json nonzero(const nlohmann::json& codes) {
    nlohmann::json kept = nlohmann::json::object();
    for (const auto& [code, count] : codes.items()) {
        if (count.get<std::int64_t>() != 0) {
            kept[code] = count;
        }
    }
    return kept;
}

// The query of expected.json's "interaction_ids" figures (min, max as decimal text; the sum of
// every id modulo 1000000007), valid on DuckDB and Snowflake alike.
inline constexpr const char* interaction_id_figures_sql =
    "select cast(min(interaction_id) as varchar), cast(max(interaction_id) as varchar), "
    "cast(sum(interaction_id % 1000000007) as bigint) from gold.fact_user_interactions";

// The figures from that query's one row of text values.
inline nlohmann::json interaction_id_figures(const std::optional<std::string>& min,
                                             const std::optional<std::string>& max,
                                             const std::optional<std::string>& residue_sum) {
    return {{"min", min ? nlohmann::json(*min) : nlohmann::json(nullptr)},
            {"max", max ? nlohmann::json(*max) : nlohmann::json(nullptr)},
            {"sum_mod_1000000007", residue_sum ? std::stoll(*residue_sum) : 0}};
}

inline void require_expected_figures(const nlohmann::json& expected, const nlohmann::json& actual) {
    REQUIRE(expected["files"] == actual["files"]);
    REQUIRE(expected["raw_rows"] == actual["raw_rows"]);
    REQUIRE(expected["valid_rows"] == actual["valid_rows"]);
    REQUIRE(expected["invalid_rows"] == actual["invalid_rows"]);
    REQUIRE(nonzero(expected["validation_codes"]) == actual["validation_codes"]);
    REQUIRE(expected["cleansed_rows"] == actual["cleansed_rows"]);
    REQUIRE(expected["fact_rows"] == actual["fact_rows"]);
    // 124-bit ids as decimal strings, and the sum of id mod 1000000007 as a number.
    REQUIRE(expected["interaction_ids"] == actual["interaction_ids"]);
    REQUIRE(expected["q1"]["as_of"] == actual["q1_as_of"]);
    REQUIRE(expected["q1"]["rows"] == actual["q1"]);
    REQUIRE(expected["q3"]["users"] == actual["q3_users"]);
    REQUIRE(expected["q2"].size() == actual["q2"].size());
    for (std::size_t i = 0; i < expected["q2"].size(); ++i) {
        const auto& want = expected["q2"][i];
        const auto& got = actual["q2"][i];
        INFO("country " << want["country"]);
        REQUIRE(want["country"] == got["country"]);
        REQUIRE(want["completions"] == got["completions"]);
        // Sums in another order differ in the last bits.
        REQUIRE(std::abs(want["avg_listen_through_rate"].get<double>() -
                         got["avg_listen_through_rate"].get<double>()) < 1e-9);
    }
}

// gold.user_sessions' totals and q4 (gathered by the DuckDB differential test).
inline void require_session_figures(const nlohmann::json& expected, const nlohmann::json& actual) {
    REQUIRE(expected["sessions"] == actual["sessions"]);
    REQUIRE(expected["q4"]["users"] == actual["q4"]["users"]);
    REQUIRE(std::abs(expected["q4"]["mean_avg_session_duration_seconds"].get<double>() -
                     actual["q4"]["mean_avg_session_duration_seconds"].get<double>()) < 1e-6);
}

}  // namespace podcast::integration
