#include "podcast/reference_validator.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <tuple>

namespace podcast::reference {
namespace {

constexpr std::int64_t seconds_per_day = 86400;

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_ascii_case(std::string_view text, std::string_view lower_word) {
    return text.size() == lower_word.size() &&
           std::equal(text.begin(), text.end(), lower_word.begin(),
                      [](char a, char b) { return ascii_lower(a) == b; });
}

// The value of the two digits at text[at], text[at + 1] (already checked to be digits).
int two_digits(std::string_view text, std::size_t at) {
    return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return hash;
}

std::size_t index_of(ValidationCode code) { return static_cast<std::size_t>(code); }

std::string format_day(std::int64_t day) {
    return format_timestamp(day * seconds_per_day).substr(0, 10);
}

}  // namespace

std::string_view to_string(ValidationCode code) {
    static constexpr std::array<std::string_view, validation_code_count> names{
        "user_id_missing",        "user_id_blank",      "episode_id_missing", "episode_id_blank",
        "event_type_missing",     "event_type_invalid", "timestamp_missing",  "timestamp_malformed",
        "timestamp_out_of_range", "duration_missing",   "duration_invalid",   "duration_unexpected",
        "unknown_user_id",        "unknown_episode_id",
    };
    return names[index_of(code)];
}

std::string_view to_string(EventType type) {
    switch (type) {
        case EventType::play:
            return "play";
        case EventType::pause:
            return "pause";
        case EventType::seek:
            return "seek";
        case EventType::complete:
            return "complete";
    }
    return "";
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_whitespace(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
    return text;
}

std::optional<EventType> parse_event_type(std::string_view text) {
    const std::string_view word = trim(text);
    for (const EventType type :
         {EventType::play, EventType::pause, EventType::seek, EventType::complete}) {
        if (equals_ignoring_ascii_case(word, to_string(type))) return type;
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS, then nothing, Z, or +HH:MM / -HH:MM.
    static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
    if (text.size() != 19 && text.size() != 20 && text.size() != 25) return std::nullopt;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 'd' ? !is_digit(text[i]) : text[i] != shape[i]) return std::nullopt;
    }
    std::int64_t offset_seconds = 0;
    if (text.size() == 20 && text[19] != 'Z') return std::nullopt;
    if (text.size() == 25) {
        const char sign = text[19];
        if ((sign != '+' && sign != '-') || !is_digit(text[20]) || !is_digit(text[21]) ||
            text[22] != ':' || !is_digit(text[23]) || !is_digit(text[24])) {
            return std::nullopt;
        }
        const int offset_hours = two_digits(text, 20);
        const int offset_minutes = two_digits(text, 23);
        if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
        offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
    }
    const int year = two_digits(text, 0) * 100 + two_digits(text, 2);
    const int month = two_digits(text, 5);
    const int day = two_digits(text, 8);
    const int hour = two_digits(text, 11);
    const int minute = two_digits(text, 14);
    const int second = two_digits(text, 17);
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
    return days * seconds_per_day + hour * 3600 + minute * 60 + second - offset_seconds;
}

std::optional<std::int32_t> parse_duration(std::string_view text) {
    constexpr std::int64_t largest = 2147483647;
    if (text.empty()) return std::nullopt;
    std::int64_t value = 0;
    for (const char c : text) {
        if (!is_digit(c)) return std::nullopt;
        if (value <= largest) value = value * 10 + (c - '0');  // stops growing once too large
    }
    if (value < 1 || value > largest) return std::nullopt;
    return static_cast<std::int32_t>(value);
}

std::string format_timestamp(std::int64_t utc_seconds) {
    const std::int64_t days = floor_div(utc_seconds, seconds_per_day);
    const std::int64_t second_of_day = utc_seconds - days * seconds_per_day;
    const std::chrono::year_month_day date{
        std::chrono::sys_days{std::chrono::days{static_cast<int>(days)}}};
    std::string text = "0000-00-00T00:00:00";
    const auto put = [&text](std::size_t at, int value, int width) {
        for (int i = width - 1; i >= 0; --i) {
            text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, static_cast<int>(date.year()), 4);
    put(5, static_cast<int>(static_cast<unsigned>(date.month())), 2);
    put(8, static_cast<int>(static_cast<unsigned>(date.day())), 2);
    put(11, static_cast<int>(second_of_day / 3600), 2);
    put(14, static_cast<int>(second_of_day / 60 % 60), 2);
    put(17, static_cast<int>(second_of_day % 60), 2);
    return text;
}

struct InteractionIdHasher::Digest {
    std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md5{EVP_MD_fetch(nullptr, "MD5", nullptr),
                                                        &EVP_MD_free};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free};
};

InteractionIdHasher::InteractionIdHasher() : digest_(std::make_unique<Digest>()) {
    if (!digest_->md5 || !digest_->context) {
        throw std::runtime_error("OpenSSL has no MD5 digest");
    }
}

InteractionIdHasher::~InteractionIdHasher() = default;

InteractionId InteractionIdHasher::operator()(std::string_view user_id, std::string_view episode_id,
                                              EventType event_type, std::int64_t utc_seconds) {
    return (*this)(user_id, episode_id, event_type, format_timestamp(utc_seconds));
}

InteractionId InteractionIdHasher::operator()(std::string_view user_id, std::string_view episode_id,
                                              EventType event_type,
                                              std::string_view utc_timestamp) {
    key_.assign(user_id);
    key_ += '|';
    key_ += episode_id;
    key_ += '|';
    key_ += to_string(event_type);
    key_ += '|';
    key_ += utc_timestamp;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestInit_ex2(digest_->context.get(), digest_->md5.get(), nullptr) != 1 ||
        EVP_DigestUpdate(digest_->context.get(), key_.data(), key_.size()) != 1 ||
        EVP_DigestFinal_ex(digest_->context.get(), digest, &length) != 1 || length != 16) {
        throw std::runtime_error("OpenSSL could not compute an MD5 digest");
    }
    // 31 hex digits are the digest's first 124 bits: 15 whole bytes and the high half of the 16th.
    InteractionId id = 0;
    for (int i = 0; i < 15; ++i) id = (id << 8) | digest[i];
    return (id << 4) | (digest[15] >> 4);
}

std::string to_decimal(InteractionId id) {
    std::string digits;
    do {
        digits.push_back(static_cast<char>('0' + static_cast<int>(id % 10)));
        id /= 10;
    } while (id != 0);
    return {digits.rbegin(), digits.rend()};
}

IdIndex::IdIndex(std::vector<std::string> ids) : ids_(std::move(ids)) {
    std::size_t capacity = 16;
    while (capacity < 2 * ids_.size()) capacity *= 2;
    slots_.resize(capacity);
    for (std::size_t i = 0; i < ids_.size(); ++i) {
        const std::uint64_t hash = fnv1a(ids_[i]);
        for (std::size_t at = hash & (capacity - 1);; at = (at + 1) & (capacity - 1)) {
            Slot& slot = slots_[at];
            if (slot.index < 0) {
                slot = Slot{static_cast<std::uint32_t>(hash), static_cast<std::int32_t>(i)};
                break;
            }
            if (slot.hash == static_cast<std::uint32_t>(hash) &&
                ids_[static_cast<std::size_t>(slot.index)] == ids_[i])
                break;
        }
    }
}

std::optional<std::int32_t> IdIndex::find(std::string_view id) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t hash = fnv1a(id);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
        const Slot& slot = slots_[at];
        if (slot.index < 0) return std::nullopt;
        if (slot.hash == static_cast<std::uint32_t>(hash) &&
            ids_[static_cast<std::size_t>(slot.index)] == id) {
            return slot.index;
        }
    }
}

Validation validate_and_cleanse(const RawEvent& row, const ReferenceIds& ids, std::int64_t now) {
    Validation result;
    auto& codes = result.codes;

    const bool user_present = row.user_id && !trim(*row.user_id).empty();
    if (!row.user_id)
        codes.push_back(ValidationCode::user_id_missing);
    else if (!user_present)
        codes.push_back(ValidationCode::user_id_blank);

    const bool episode_present = row.episode_id && !trim(*row.episode_id).empty();
    if (!row.episode_id)
        codes.push_back(ValidationCode::episode_id_missing);
    else if (!episode_present)
        codes.push_back(ValidationCode::episode_id_blank);

    std::optional<EventType> type;
    if (!row.event_type)
        codes.push_back(ValidationCode::event_type_missing);
    else if (!(type = parse_event_type(*row.event_type)))
        codes.push_back(ValidationCode::event_type_invalid);

    if (!row.timestamp) {
        codes.push_back(ValidationCode::timestamp_missing);
    } else if (!(result.timestamp = parse_timestamp(*row.timestamp))) {
        codes.push_back(ValidationCode::timestamp_malformed);
    } else if (*result.timestamp < earliest_valid_instant || *result.timestamp > now) {
        codes.push_back(ValidationCode::timestamp_out_of_range);
    }

    std::optional<std::int32_t> duration;
    if (type == EventType::play || type == EventType::complete) {
        if (!row.duration)
            codes.push_back(ValidationCode::duration_missing);
        else if (!(duration = parse_duration(*row.duration)))
            codes.push_back(ValidationCode::duration_invalid);
    } else if (type && row.duration) {
        codes.push_back(ValidationCode::duration_unexpected);
    }

    std::optional<std::int32_t> user;
    if (user_present && !(user = ids.users.find(trim(*row.user_id)))) {
        codes.push_back(ValidationCode::unknown_user_id);
    }
    std::optional<std::int32_t> episode;
    if (episode_present && !(episode = ids.episodes.find(trim(*row.episode_id)))) {
        codes.push_back(ValidationCode::unknown_episode_id);
    }

    if (codes.empty()) {
        result.cleansed = CleansedEvent{*user, *episode, *type, *result.timestamp, duration};
    }
    return result;
}

std::vector<ValidationCode> validate(const RawEvent& row, const ReferenceIds& ids,
                                     std::int64_t now) {
    return validate_and_cleanse(row, ids, now).codes;
}

GroundTruth::GroundTruth(std::vector<User> users, std::vector<Episode> episodes, std::int64_t now)
    : users_(std::move(users)), episodes_(std::move(episodes)), now_(now) {
    std::vector<std::string> user_ids;
    user_ids.reserve(users_.size());
    for (const auto& user : users_) user_ids.push_back(user.user_id);
    std::vector<std::string> episode_ids;
    episode_ids.reserve(episodes_.size());
    for (const auto& episode : episodes_) episode_ids.push_back(episode.episode_id);
    ids_.users = IdIndex(std::move(user_ids));
    ids_.episodes = IdIndex(std::move(episode_ids));
}

void GroundTruth::begin_file(std::string filename) {
    if (!files_.empty() && !(files_.back().first < filename)) {
        throw std::logic_error("GroundTruth: file " + filename + " does not sort after " +
                               files_.back().first);
    }
    files_.emplace_back(std::move(filename), 0);
}

void GroundTruth::add_row(const RawEvent& row) {
    if (files_.empty()) throw std::logic_error("GroundTruth: a row before any file");
    ++files_.back().second;
    ++raw_rows_;
    const Validation validation = validate_and_cleanse(row, ids_, now_);
    if (validation.timestamp && *validation.timestamp >= earliest_valid_instant) {
        const std::int64_t instant = *validation.timestamp;
        if (instant <= now_) {
            latest_not_after_now_ = std::max(latest_not_after_now_.value_or(instant), instant);
        } else {
            earliest_after_now_ = std::min(earliest_after_now_.value_or(instant), instant);
        }
    }
    for (const ValidationCode code : validation.codes) ++code_counts_[index_of(code)];
    if (!validation.cleansed) return;

    ++valid_rows_;
    const CleansedEvent& event = *validation.cleansed;
    const std::int64_t day = floor_div(event.timestamp, seconds_per_day);
    if (day != last_day_ || last_day_rows_ == nullptr) {
        last_day_ = day;
        last_day_rows_ = &kept_by_day_[day];
    }
    const auto second_of_day = static_cast<std::uint32_t>(event.timestamp - day * seconds_per_day);
    last_day_rows_->push_back(Kept{second_of_day * 4 + static_cast<std::uint32_t>(event.event_type),
                                   static_cast<std::uint32_t>(event.user),
                                   static_cast<std::uint32_t>(event.episode),
                                   event.duration.value_or(0)});
}

void GroundTruth::deduplicate() {
    const auto key = [](const Kept& k) { return std::tie(k.second_and_type, k.user, k.episode); };
    for (auto& [day, rows] : kept_by_day_) {
        // Stable: rows with one key stay in load order, so the last of each run survives.
        std::stable_sort(rows.begin(), rows.end(),
                         [&key](const Kept& a, const Kept& b) { return key(a) < key(b); });
        std::size_t kept = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i + 1 < rows.size() && key(rows[i]) == key(rows[i + 1])) continue;
            rows[kept++] = rows[i];
        }
        rows.resize(kept);
    }
}

nlohmann::ordered_json GroundTruth::expected_json() {
    deduplicate();
    using nlohmann::ordered_json;
    const auto type_of = [](const Kept& k) {
        return static_cast<EventType>(k.second_and_type % 4);
    };

    std::int64_t cleansed_rows = 0;
    for (const auto& [day, rows] : kept_by_day_)
        cleansed_rows += static_cast<std::int64_t>(rows.size());

    // q1: completions per episode over the 7 days ending on the latest event's UTC date.
    ordered_json q1 = {{"as_of", nullptr}, {"rows", ordered_json::array()}};
    if (!kept_by_day_.empty()) {
        const std::int64_t as_of = kept_by_day_.rbegin()->first;
        std::vector<std::int64_t> completions(episodes_.size(), 0);
        for (auto it = kept_by_day_.lower_bound(as_of - 6); it != kept_by_day_.end(); ++it) {
            for (const Kept& k : it->second) {
                if (type_of(k) == EventType::complete) ++completions[k.episode];
            }
        }
        std::vector<std::uint32_t> ranked;
        for (std::uint32_t e = 0; e < completions.size(); ++e) {
            if (completions[e] > 0) ranked.push_back(e);
        }
        std::sort(ranked.begin(), ranked.end(), [&](std::uint32_t a, std::uint32_t b) {
            if (completions[a] != completions[b]) return completions[a] > completions[b];
            return episodes_[a].episode_id < episodes_[b].episode_id;
        });
        if (ranked.size() > 10) ranked.resize(10);
        q1["as_of"] = format_day(as_of);
        for (std::size_t i = 0; i < ranked.size(); ++i) {
            const Episode& episode = episodes_[ranked[i]];
            q1["rows"].push_back({{"rank", i + 1},
                                  {"episode_id", episode.episode_id},
                                  {"podcast_id", episode.podcast_id},
                                  {"title", episode.title},
                                  {"completions", completions[ranked[i]]}});
        }
    }

    // q2: mean of duration / duration_seconds over complete events, per country.
    struct Rate {
        long double sum = 0;
        std::int64_t completions = 0;
    };
    std::map<std::string, Rate> rates;
    std::vector<Rate*> rate_of_user(users_.size());
    for (std::size_t u = 0; u < users_.size(); ++u) rate_of_user[u] = &rates[users_[u].country];
    for (const auto& [day, rows] : kept_by_day_) {
        for (const Kept& k : rows) {
            if (type_of(k) != EventType::complete) continue;
            Rate& rate = *rate_of_user[k.user];
            rate.sum += static_cast<double>(k.duration) /
                        static_cast<double>(episodes_[k.episode].duration_seconds);
            ++rate.completions;
        }
    }
    ordered_json q2 = ordered_json::array();
    for (const auto& [country, rate] : rates) {
        if (rate.completions == 0) continue;
        q2.push_back({{"country", country},
                      {"avg_listen_through_rate",
                       static_cast<double>(rate.sum / static_cast<long double>(rate.completions))},
                      {"completions", rate.completions}});
    }

    // q3: users with play or complete events for 3 or more episodes on one UTC day. Per user,
    // the day last seen and its first distinct episodes (up to 3) are enough.
    struct Listener {
        std::int64_t day = -1;
        std::uint32_t distinct = 0;
        std::array<std::uint32_t, 2> episodes{};
    };
    std::vector<Listener> listeners(users_.size());
    std::vector<bool> multi_episode(users_.size(), false);
    for (const auto& [day, rows] : kept_by_day_) {
        for (const Kept& k : rows) {
            const EventType type = type_of(k);
            if (type != EventType::play && type != EventType::complete) continue;
            Listener& listener = listeners[k.user];
            if (listener.day != day) listener = Listener{day, 0, {}};
            if (listener.distinct >= 3) continue;
            const auto seen = listener.episodes.begin() + listener.distinct;
            if (std::find(listener.episodes.begin(), seen, k.episode) != seen) continue;
            if (listener.distinct < 2) listener.episodes[listener.distinct] = k.episode;
            if (++listener.distinct == 3) multi_episode[k.user] = true;
        }
    }
    const auto q3_users = std::count(multi_episode.begin(), multi_episode.end(), true);

    // The fact's interaction_ids: the smallest, the largest, and the sum of each id modulo a
    // prime (a checksum of every id that both warehouses compute exactly).
    InteractionIdHasher hash;
    std::optional<InteractionId> smallest;
    std::optional<InteractionId> largest;
    std::int64_t residue_sum = 0;
    for (const auto& [day, rows] : kept_by_day_) {
        // The day's date once; each row writes only its time of day (no allocation per row).
        std::string stamp = format_timestamp(day * seconds_per_day);
        for (const Kept& k : rows) {
            const std::uint32_t second = k.second_and_type / 4;
            const auto put = [&stamp](std::size_t at, std::uint32_t value) {
                stamp[at] = static_cast<char>('0' + value / 10);
                stamp[at + 1] = static_cast<char>('0' + value % 10);
            };
            put(11, second / 3600);
            put(14, second / 60 % 60);
            put(17, second % 60);
            const InteractionId id =
                hash(users_[k.user].user_id, episodes_[k.episode].episode_id, type_of(k), stamp);
            smallest = std::min(smallest.value_or(id), id);
            largest = std::max(largest.value_or(id), id);
            residue_sum += static_cast<std::int64_t>(id % interaction_id_checksum_modulus);
        }
    }
    ordered_json ids = {
        {"min", smallest ? ordered_json(to_decimal(*smallest)) : ordered_json(nullptr)},
        {"max", largest ? ordered_json(to_decimal(*largest)) : ordered_json(nullptr)},
        {"sum_mod_1000000007", residue_sum}};

    const std::string now_from =
        format_timestamp(latest_not_after_now_.value_or(earliest_valid_instant));
    const std::string now_to =
        format_timestamp(earliest_after_now_ ? std::min(now_, *earliest_after_now_ - 1) : now_);
    ordered_json files = ordered_json::object();
    for (const auto& [name, rows] : files_) files[name] = rows;
    ordered_json codes = ordered_json::object();
    for (const ValidationCode code : all_validation_codes) {
        codes[std::string(to_string(code))] = code_counts_[index_of(code)];
    }

    ordered_json q4;
    ordered_json sessions = sessions_json(q4);

    ordered_json expected;
    expected["now_assumed"] = "any instant from " + now_from + " to " + now_to +
                              " UTC: the dbt var now, or the run's start time, must lie in it";
    expected["now_range"] = {{"from", now_from}, {"to", now_to}};
    expected["files"] = std::move(files);
    expected["raw_rows"] = raw_rows_;
    expected["valid_rows"] = valid_rows_;
    expected["invalid_rows"] = raw_rows_ - valid_rows_;
    expected["validation_codes"] = std::move(codes);
    expected["cleansed_rows"] = cleansed_rows;
    expected["fact_rows"] = cleansed_rows;
    expected["interaction_ids"] = std::move(ids);
    expected["q1"] = std::move(q1);
    expected["q2"] = std::move(q2);
    expected["q3"] = {{"users", q3_users}};
    expected["sessions"] = std::move(sessions);
    expected["q4"] = std::move(q4);
    return expected;
}

// Sessions: each user's events in time order; more than 30 minutes after the user's previous
// event a new session starts. Rows are visited day by day, each day by second, so per user in
// time order.
nlohmann::ordered_json GroundTruth::sessions_json(nlohmann::ordered_json& q4) const {
    constexpr std::int64_t gap_seconds = 30 * 60;
    struct Open {
        std::int64_t start = 0;
        std::int64_t last = -1;  // -1: no session yet
        std::int64_t duration_sum = 0;
        std::int64_t sessions = 0;
        std::vector<std::uint32_t> episodes;
    };
    std::vector<Open> open(users_.size());
    std::int64_t sessions = 0;
    std::int64_t events = 0;
    std::int64_t episodes = 0;
    std::int64_t listened = 0;
    std::int64_t duration = 0;
    const auto close = [&](Open& user) {
        ++sessions;
        ++user.sessions;
        episodes += static_cast<std::int64_t>(user.episodes.size());
        duration += user.last - user.start;
        user.duration_sum += user.last - user.start;
    };
    for (const auto& [day, rows] : kept_by_day_) {
        // Within a day the deduplicated rows are ordered by second first.
        for (const Kept& k : rows) {
            const std::int64_t instant = day * seconds_per_day + k.second_and_type / 4;
            Open& user = open[k.user];
            if (user.last < 0 || instant - user.last > gap_seconds) {
                if (user.last >= 0) close(user);
                user.start = instant;
                user.episodes.clear();
            }
            user.last = instant;
            if (std::find(user.episodes.begin(), user.episodes.end(), k.episode) ==
                user.episodes.end()) {
                user.episodes.push_back(k.episode);
            }
            ++events;
            listened += k.duration;
        }
    }
    std::int64_t users = 0;
    long double mean_sum = 0;
    for (Open& user : open) {
        if (user.last < 0) continue;
        close(user);
        ++users;
        mean_sum +=
            static_cast<long double>(user.duration_sum) / static_cast<long double>(user.sessions);
    }
    q4 = {{"users", users},
          {"mean_avg_session_duration_seconds",
           users > 0 ? static_cast<double>(mean_sum / static_cast<long double>(users)) : 0.0}};
    return {{"gap_minutes", gap_seconds / 60},
            {"sessions", sessions},
            {"events", events},
            {"episodes", episodes},
            {"listened_seconds", listened},
            {"duration_seconds", duration}};
}

}  // namespace podcast::reference
