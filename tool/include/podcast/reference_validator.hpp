#pragma once
// The C++ reference implementation of docs/data-contract.md: the parse rules, the validation
// codes, deduplication, the three analysis answers and the sessions. `podcast generate` runs it
// over the text it writes to produce expected.json. The dbt models implement the same contract in
// SQL, independently, and the differential test compares the two; so this code follows the
// contract's wording, not the SQL.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace podcast::reference {

// In the contract's order; a row's codes are listed in this order.
enum class ValidationCode : std::uint8_t {
    user_id_missing,
    user_id_blank,
    episode_id_missing,
    episode_id_blank,
    event_type_missing,
    event_type_invalid,
    timestamp_missing,
    timestamp_malformed,
    timestamp_out_of_range,
    duration_missing,
    duration_invalid,
    duration_unexpected,
    unknown_user_id,
    unknown_episode_id,
};

inline constexpr std::size_t validation_code_count = 14;

inline constexpr std::array<ValidationCode, validation_code_count> all_validation_codes{
    ValidationCode::user_id_missing,        ValidationCode::user_id_blank,
    ValidationCode::episode_id_missing,     ValidationCode::episode_id_blank,
    ValidationCode::event_type_missing,     ValidationCode::event_type_invalid,
    ValidationCode::timestamp_missing,      ValidationCode::timestamp_malformed,
    ValidationCode::timestamp_out_of_range, ValidationCode::duration_missing,
    ValidationCode::duration_invalid,       ValidationCode::duration_unexpected,
    ValidationCode::unknown_user_id,        ValidationCode::unknown_episode_id,
};

// The code exactly as the warehouse spells it ("user_id_missing").
std::string_view to_string(ValidationCode code);

enum class EventType : std::uint8_t { play, pause, seek, complete };

std::string_view to_string(EventType type);

// 2000-01-01T00:00:00Z in seconds since the Unix epoch: earlier instants are out of range.
inline constexpr std::int64_t earliest_valid_instant = 946684800;

// Removes space, tab, CR and LF at both ends.
std::string_view trim(std::string_view text);

// lower(trim(text)) when it is play, pause, seek or complete (ASCII case folding).
std::optional<EventType> parse_event_type(std::string_view text);

// Seconds since the Unix epoch (UTC) of `YYYY-MM-DDTHH:MM:SS` with an optional `Z` or
// `+HH:MM`/`-HH:MM` offset, when the text matches exactly and names a real date and time.
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// One or more ASCII digits and nothing else, with a value from 1 to 2147483647.
std::optional<std::int32_t> parse_duration(std::string_view text);

// `YYYY-MM-DDTHH:MM:SS` of a UTC instant in seconds since the Unix epoch.
std::string format_timestamp(std::int64_t utc_seconds);

// interaction_id: the first 31 hex digits (124 bits) of
// md5(user_id|episode_id|event_type|YYYY-MM-DDTHH:MM:SS in UTC) read as a base-16 integer,
// below 2^124 (a HUGEINT on DuckDB, a NUMBER(38,0) on Snowflake).
__extension__ typedef unsigned __int128 InteractionId;  // __extension__: no -Wpedantic warning

// Computes interaction ids with one MD5 implementation fetched once (OpenSSL EVP), so that
// hashing every fact row of a large dataset stays cheap. Not copyable (it owns the digest).
class InteractionIdHasher {
public:
    InteractionIdHasher();
    ~InteractionIdHasher();
    InteractionIdHasher(const InteractionIdHasher&) = delete;
    InteractionIdHasher& operator=(const InteractionIdHasher&) = delete;

    InteractionId operator()(std::string_view user_id, std::string_view episode_id,
                             EventType event_type, std::int64_t utc_seconds);
    // The same with the timestamp already formatted YYYY-MM-DDTHH:MM:SS (UTC).
    InteractionId operator()(std::string_view user_id, std::string_view episode_id,
                             EventType event_type, std::string_view utc_timestamp);

private:
    struct Digest;
    std::unique_ptr<Digest> digest_;
    std::string key_;  // reused buffer for the hashed text
};

// The exact decimal digits of an id (JSON cannot hold 124-bit numbers, so expected.json
// writes them as strings).
std::string to_decimal(InteractionId id);

// expected.json's checksum of the fact's ids: the sum of each id modulo this prime.
inline constexpr std::uint64_t interaction_id_checksum_modulus = 1000000007;

// One raw row: each value as the warehouse stores it as text; nullopt is SQL NULL.
struct RawEvent {
    std::optional<std::string_view> event_type;
    std::optional<std::string_view> user_id;
    std::optional<std::string_view> episode_id;
    std::optional<std::string_view> timestamp;
    std::optional<std::string_view> duration;
};

// A set of reference ids, each with its position in the reference file. Every row looks its
// ids up here, so it is an open-addressing table (linear probing, FNV-1a hash), several times
// faster than std::unordered_map for short ids.
class IdIndex {
public:
    IdIndex() = default;
    // A repeated id keeps its first position.
    explicit IdIndex(std::vector<std::string> ids);

    std::optional<std::int32_t> find(std::string_view id) const;
    bool contains(std::string_view id) const { return find(id).has_value(); }
    std::int32_t size() const { return static_cast<std::int32_t>(ids_.size()); }
    const std::string& id(std::int32_t index) const {
        return ids_[static_cast<std::size_t>(index)];
    }

private:
    struct Slot {
        std::uint32_t hash = 0;
        std::int32_t index = -1;  // into ids_; -1 when empty
    };

    std::vector<std::string> ids_;
    std::vector<Slot> slots_;  // a power of two, at most half full
};

struct ReferenceIds {
    IdIndex users;
    IdIndex episodes;
};

// A valid row after cleansing: ids as positions in ReferenceIds, timestamp in UTC seconds.
struct CleansedEvent {
    std::int32_t user = 0;
    std::int32_t episode = 0;
    EventType event_type = EventType::play;
    std::int64_t timestamp = 0;
    std::optional<std::int32_t> duration;  // nullopt for pause and seek
};

struct Validation {
    std::vector<ValidationCode> codes;      // empty when the row is valid
    std::optional<std::int64_t> timestamp;  // the parsed instant, valid row or not
    std::optional<CleansedEvent> cleansed;  // set exactly when codes is empty
};

// Validation and cleansing with the same parse functions, so that a valid row always cleanses.
// `now` is the run's "now" in seconds since the Unix epoch.
Validation validate_and_cleanse(const RawEvent& row, const ReferenceIds& ids, std::int64_t now);

// The row's validation codes in the contract's order.
std::vector<ValidationCode> validate(const RawEvent& row, const ReferenceIds& ids,
                                     std::int64_t now);

struct User {
    std::string user_id;
    std::string country;
};

struct Episode {
    std::string episode_id;
    std::string podcast_id;
    std::string title;
    std::int32_t duration_seconds = 0;  // positive
};

// Everything expected.json states about a set of event files, computed row by row.
// Rows must arrive in load order: files by ascending name, each file's lines in order. Then
// the survivor of duplicates is always the last row seen with its business key (greatest
// filename, then line), which is what one run per file in name order, or one full refresh,
// keeps.
class GroundTruth {
public:
    GroundTruth(std::vector<User> users, std::vector<Episode> episodes, std::int64_t now);

    // Starts the next file; `filename` is relative to the loading directory and must sort
    // after the previous one (std::logic_error otherwise).
    void begin_file(std::string filename);
    // The next line of the current file.
    void add_row(const RawEvent& row);

    // The expected.json document (see docs of `podcast generate`). May be called again after
    // more rows.
    nlohmann::ordered_json expected_json();

private:
    // A valid row's business key and duration, grouped by the UTC day of its timestamp.
    struct Kept {
        std::uint32_t second_and_type = 0;  // second of the day * 4 + EventType
        std::uint32_t user = 0;
        std::uint32_t episode = 0;
        std::int32_t duration = 0;  // 0 for pause and seek
    };

    void deduplicate();
    nlohmann::ordered_json sessions_json(nlohmann::ordered_json& q4) const;

    std::vector<User> users_;
    std::vector<Episode> episodes_;
    ReferenceIds ids_;
    std::int64_t now_;
    std::vector<std::pair<std::string, std::int64_t>> files_;  // name, rows
    std::int64_t raw_rows_ = 0;
    std::int64_t valid_rows_ = 0;
    std::array<std::int64_t, validation_code_count> code_counts_{};
    std::map<std::int64_t, std::vector<Kept>> kept_by_day_;  // day number since the epoch
    std::int64_t last_day_ = -1;
    std::vector<Kept>* last_day_rows_ = nullptr;
    std::optional<std::int64_t> latest_not_after_now_;  // any row's parsed instant <= now
    std::optional<std::int64_t> earliest_after_now_;    // any row's parsed instant > now
};

}  // namespace podcast::reference
