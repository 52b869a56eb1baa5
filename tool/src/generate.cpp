// `podcast generate`: listening sessions, their spelling variants, defects and duplicates,
// written as NDJSON day files; expected.json from the reference implementation of the contract.
#include "podcast/generate.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <deque>
#include <future>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "podcast/reference_validator.hpp"

namespace podcast {
namespace {

namespace fs = std::filesystem;
using reference::EventType;

constexpr std::int64_t seconds_per_day = 86400;

constexpr std::int64_t epoch_seconds(std::chrono::year_month_day date) {
    return std::chrono::sys_days{date}.time_since_epoch().count() * seconds_per_day;
}

// expected.json is computed for a run whose "now" is just before the far-future defects (year
// 2099); generated days must end before it, so any "now" after the data gives the same answer.
constexpr std::chrono::year_month_day earliest_start{std::chrono::year{2000}, std::chrono::month{1},
                                                     std::chrono::day{1}};
constexpr std::chrono::year_month_day latest_day{std::chrono::year{2098}, std::chrono::month{12},
                                                 std::chrono::day{30}};
constexpr std::int64_t assumed_now =
    epoch_seconds({std::chrono::year{2099}, std::chrono::month{1}, std::chrono::day{1}}) - 1;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::string date_text(std::chrono::sys_days date) {
    return reference::format_timestamp(date.time_since_epoch().count() * seconds_per_day).substr(0, 10);
}

std::string rate_text(double rate) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", rate);
    return text.data();
}

// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64 (Steele, Lea and Flood; Vigna's public-domain reference), fully
// specified and about five times faster than std::mt19937_64; the mappings to ranges are our
// own (the standard distributions differ between libraries), so a seed gives the same bytes
// everywhere.

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

private:
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_;
};

// Draws an index with probability proportional to its integer weight: a guide table points
// into the cumulative weights, so a draw is a short scan instead of a binary search.
class WeightedSampler {
public:
    WeightedSampler() = default;
    explicit WeightedSampler(const std::vector<std::uint64_t>& weights) {
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
std::vector<std::uint64_t> zipf_weights(std::size_t count, std::size_t offset, Skew skew) {
    std::vector<std::uint64_t> weights(count);
    for (std::size_t rank = 0; rank < count; ++rank) {
        const auto x = static_cast<double>(rank + offset);
        weights[rank] = static_cast<std::uint64_t>(0x1.0p50 / (skew == Skew::steep ? x * std::sqrt(x) : x));
    }
    return weights;
}

// A random order of 0..count-1 (Fisher-Yates), so that rank 1 is not always user_1.
std::vector<std::int32_t> shuffled_indices(std::size_t count, Rng& rng) {
    std::vector<std::int32_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<std::int32_t>(i);
    for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    return order;
}

// ---------------------------------------------------------------------------------------------
// Reference data.

struct Catalog {
    std::vector<reference::User> users;
    std::vector<std::uint8_t> user_countries;  // index into `countries`
    std::vector<std::string> signup_dates;
    std::vector<reference::Episode> episodes;
    std::vector<std::string> release_dates;
    std::vector<std::int64_t> release_days;  // days since the epoch
};

// A country's share of users, its summer UTC offset (users listen in their local evening) and
// how far its listeners get through an episode (a factor of the listen-through rate).
struct Country {
    std::string_view code;
    std::uint64_t weight;
    std::int32_t utc_offset_minutes;
    double listen_through;
};

constexpr std::array<Country, 10> countries{{{"US", 30, -300, 0.98},
                                             {"IN", 14, 330, 0.9},
                                             {"UK", 12, 60, 0.95},
                                             {"DE", 10, 120, 0.99},
                                             {"BR", 8, -180, 0.89},
                                             {"FR", 7, 120, 0.93},
                                             {"CA", 6, -240, 0.97},
                                             {"AU", 5, 600, 0.92},
                                             {"MX", 4, -360, 0.9},
                                             {"JP", 4, 540, 1.0}}};

constexpr std::array<std::string_view, 12> title_openings{
    "The Story of", "Inside",        "Why We Love", "A Short History of", "Lessons from",
    "The Truth About", "Rethinking", "Notes on",    "The Science of",     "Chasing",
    "Living with",  "The Future of"};

constexpr std::array<std::string_view, 24> title_subjects{
    "Coffee", "Sleep",   "Cities",   "Jazz",     "Startups", "Volcanoes", "Chess",  "Memory",
    "Rivers", "Robots",  "Taxes",    "Bees",     "Comets",   "Bridges",   "Silence", "Maps",
    "Salt",   "Trains",  "Football", "Fungi",    "Language", "Money",     "Dreams", "Oceans"};

Catalog make_catalog(const GenerateOptions& options, Rng& rng) {
    Catalog catalog;
    const std::chrono::sys_days start{options.start};

    std::vector<std::uint64_t> country_weights;
    for (const Country& country : countries) country_weights.push_back(country.weight);
    const WeightedSampler country_sampler(country_weights);
    const auto user_count = static_cast<std::size_t>(options.users);
    catalog.users.reserve(user_count);
    catalog.signup_dates.reserve(user_count);
    catalog.user_countries.reserve(user_count);
    for (std::size_t i = 0; i < user_count; ++i) {
        const std::size_t country = country_sampler.sample(rng);
        catalog.user_countries.push_back(static_cast<std::uint8_t>(country));
        catalog.users.push_back({"user_" + std::to_string(i + 1), std::string(countries[country].code)});
        catalog.signup_dates.push_back(date_text(start - std::chrono::days{rng.between(1, 1095)}));
    }

    const std::int64_t podcasts = std::max<std::int64_t>(1, options.episodes / 8);
    const auto episode_count = static_cast<std::size_t>(options.episodes);
    catalog.episodes.reserve(episode_count);
    catalog.release_dates.reserve(episode_count);
    for (std::size_t i = 0; i < episode_count; ++i) {
        std::string title = std::string(rng.pick(title_openings)) + " " + std::string(rng.pick(title_subjects));
        if (rng.chance(0.2)) title += " Part " + std::to_string(rng.between(2, 5));
        catalog.episodes.push_back({"ep_" + std::to_string(i + 1),
                                    "podcast_" + std::to_string(rng.between(1, podcasts)),
                                    std::move(title),
                                    static_cast<std::int32_t>(rng.between(600, 7200))});
        // One episode in eight is new: released on one of the generated days.
        const std::chrono::sys_days released =
            rng.chance(0.125) ? start + std::chrono::days{rng.between(0, options.days - 1)}
                              : start - std::chrono::days{rng.between(1, 730)};
        catalog.release_dates.push_back(date_text(released));
        catalog.release_days.push_back(released.time_since_epoch().count());
    }
    return catalog;
}

std::string users_csv(const Catalog& catalog) {
    std::string csv = "user_id,signup_date,country\n";
    for (std::size_t i = 0; i < catalog.users.size(); ++i) {
        csv += catalog.users[i].user_id + ',' + catalog.signup_dates[i] + ',' + catalog.users[i].country + '\n';
    }
    return csv;
}

std::string episodes_csv(const Catalog& catalog) {
    std::string csv = "episode_id,podcast_id,title,release_date,duration_seconds\n";
    for (std::size_t i = 0; i < catalog.episodes.size(); ++i) {
        const reference::Episode& episode = catalog.episodes[i];
        csv += episode.episode_id + ',' + episode.podcast_id + ',' + episode.title + ',' +
               catalog.release_dates[i] + ',' + std::to_string(episode.duration_seconds) + '\n';
    }
    return csv;
}

// ---------------------------------------------------------------------------------------------
// Files: written under a temporary name in the same directory, renamed when complete.

class AtomicFile {
public:
    static Result<AtomicFile> create(fs::path path) {
        fs::path temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
        std::FILE* file = std::fopen(temporary.c_str(), "wb");
        if (file == nullptr) {
            return fail("cannot write " + temporary.string() + ": " + std::strerror(errno));
        }
        return AtomicFile(file, std::move(path), std::move(temporary));
    }

    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    AtomicFile(AtomicFile&& other) noexcept
        : file_(std::exchange(other.file_, nullptr)),
          path_(std::move(other.path_)),
          temporary_(std::move(other.temporary_)) {}
    AtomicFile& operator=(AtomicFile&&) = delete;
    ~AtomicFile() {
        if (file_ != nullptr) {
            std::fclose(file_);
            std::error_code ignored;
            fs::remove(temporary_, ignored);
        }
    }

    Result<void> write(std::string_view bytes) {
        if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
            return fail("cannot write " + temporary_.string() + ": " + std::strerror(errno));
        }
        return {};
    }

    Result<void> commit() {
        std::error_code ignored;
        if (std::fclose(std::exchange(file_, nullptr)) != 0) {
            const std::string reason = std::strerror(errno);
            fs::remove(temporary_, ignored);
            return fail("cannot write " + temporary_.string() + ": " + reason);
        }
        std::error_code error;
        fs::rename(temporary_, path_, error);
        if (error) {
            fs::remove(temporary_, ignored);
            return fail("cannot rename " + temporary_.string() + " to " + path_.string() + ": " + error.message());
        }
        return {};
    }

private:
    AtomicFile(std::FILE* file, fs::path path, fs::path temporary)
        : file_(file), path_(std::move(path)), temporary_(std::move(temporary)) {}

    std::FILE* file_;
    fs::path path_;
    fs::path temporary_;
};

Result<void> write_file(const fs::path& path, std::string_view contents) {
    auto file = AtomicFile::create(path);
    if (!file) return std::unexpected(file.error());
    if (auto written = file->write(contents); !written) return written;
    return file->commit();
}

// ---------------------------------------------------------------------------------------------
// Rows: five JSON values, each kept as the text the warehouse stores for it.

enum class JsonKind : std::uint8_t {
    null,
    string,   // written quoted and escaped; the text is the unescaped content
    literal,  // written as is (a number, true, an array); the text is what the loader stores
};

struct Field {
    JsonKind kind = JsonKind::null;
    std::uint8_t size = 0;
    std::array<char, 46> bytes{};

    std::string_view text() const { return {bytes.data(), size}; }
    std::optional<std::string_view> value() const {
        if (kind == JsonKind::null) return std::nullopt;
        return text();
    }
    void set(JsonKind new_kind, std::string_view new_text) {
        kind = new_kind;
        size = static_cast<std::uint8_t>(std::min(new_text.size(), bytes.size()));
        std::memcpy(bytes.data(), new_text.data(), size);
    }
    void set_null() {
        kind = JsonKind::null;
        size = 0;
    }
};

struct Row {
    Field event_type;
    Field user_id;
    Field episode_id;
    Field timestamp;
    Field duration;
};

reference::RawEvent raw_event(const Row& row) {
    return {row.event_type.value(), row.user_id.value(), row.episode_id.value(),
            row.timestamp.value(), row.duration.value()};
}

// Up to 64 characters put together without allocating.
class Text {
public:
    Text& operator<<(std::string_view part) {
        const std::size_t n = std::min(part.size(), bytes_.size() - size_);
        std::memcpy(bytes_.data() + size_, part.data(), n);
        size_ += n;
        return *this;
    }
    Text& operator<<(std::int64_t number) {
        const auto [end, error] = std::to_chars(bytes_.data() + size_, bytes_.data() + bytes_.size(), number);
        if (error == std::errc{}) size_ = static_cast<std::size_t>(end - bytes_.data());
        return *this;
    }
    std::string_view view() const { return {bytes_.data(), size_}; }

private:
    std::array<char, 64> bytes_{};
    std::size_t size_ = 0;
};

// The bytes of the event files, written through a raw pointer: one capacity check per line.
class LineBuffer {
public:
    static constexpr std::size_t longest_line = 2048;  // five values of at most 46 bytes, escaped

    void clear() { size_ = 0; }
    std::size_t size() const { return size_; }
    std::string_view view() const { return {bytes_.data(), size_}; }
    char* room() {
        if (size_ + longest_line > bytes_.size()) bytes_.resize(std::max(bytes_.size() * 2, size_ + longest_line));
        return bytes_.data() + size_;
    }
    void filled_to(const char* end) { size_ = static_cast<std::size_t>(end - bytes_.data()); }

private:
    std::vector<char> bytes_;
    std::size_t size_ = 0;
};

char* put(char* out, std::string_view text) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
}

char* put_json_string(char* out, std::string_view text) {
    *out++ = '"';
    for (const char c : text) {
        switch (c) {
            case '"': out = put(out, "\\\""); break;
            case '\\': out = put(out, "\\\\"); break;
            case '\t': out = put(out, "\\t"); break;
            case '\n': out = put(out, "\\n"); break;
            case '\r': out = put(out, "\\r"); break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr std::string_view hex = "0123456789abcdef";
                    out = put(out, "\\u00");
                    *out++ = hex[static_cast<unsigned char>(c) >> 4];
                    *out++ = hex[static_cast<unsigned char>(c) & 15];
                } else {
                    *out++ = c;
                }
        }
    }
    *out++ = '"';
    return out;
}

char* put_value(char* out, const Field& field) {
    switch (field.kind) {
        case JsonKind::null: return put(out, "null");
        case JsonKind::string: return put_json_string(out, field.text());
        case JsonKind::literal: return put(out, field.text());
    }
    return out;
}

// One NDJSON line, keys in the order of the input files.
void append_line(LineBuffer& buffer, const Row& row) {
    char* out = buffer.room();
    out = put(out, "{\"event_type\": ");
    out = put_value(out, row.event_type);
    out = put(out, ", \"user_id\": ");
    out = put_value(out, row.user_id);
    out = put(out, ", \"episode_id\": ");
    out = put_value(out, row.episode_id);
    out = put(out, ", \"timestamp\": ");
    out = put_value(out, row.timestamp);
    out = put(out, ", \"duration\": ");
    out = put_value(out, row.duration);
    out = put(out, "}\n");
    buffer.filled_to(out);
}

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

// ---------------------------------------------------------------------------------------------
// Listening sessions.

struct Event {
    std::int64_t instant = 0;  // UTC seconds
    std::int32_t user = 0;
    std::int32_t episode = 0;
    EventType type = EventType::play;
    std::int32_t duration = 0;  // seconds listened; 0 for pause and seek
};

bool has_duration(EventType type) { return type == EventType::play || type == EventType::complete; }

// Share of sessions starting in each local hour: quiet nights, a morning commute and an
// evening peak.
constexpr std::array<std::uint64_t, 24> local_hour_weights{2, 1, 1, 1, 1, 2,  5,  9,  10, 7, 5, 5,
                                                           6, 5, 4, 4, 5, 7, 10, 13, 14, 12, 8, 4};

// How popular an episode is on its release day and the two days after, against other days.
constexpr std::array<std::uint64_t, 3> release_bump{5, 3, 2};

class SessionModel {
public:
    SessionModel(const Catalog& catalog, Rng& rng)
        : user_weights_(zipf_weights(catalog.users.size(), catalog.users.size() / 20 + 1, Skew::steep)),
          users_by_rank_(shuffled_indices(catalog.users.size(), rng)),
          episode_weights_(zipf_weights(catalog.episodes.size(), 3, Skew::harmonic)),
          episodes_by_rank_(shuffled_indices(catalog.episodes.size(), rng)),
          hour_sampler_(std::vector<std::uint64_t>(local_hour_weights.begin(), local_hour_weights.end())),
          user_countries_(catalog.user_countries),
          release_days_(catalog.release_days) {
        lengths_.reserve(catalog.episodes.size());
        for (const auto& episode : catalog.episodes) lengths_.push_back(episode.duration_seconds);
        free_at_.assign(catalog.users.size(), std::numeric_limits<std::int64_t>::min());
        // Users come back on some days, not all: heavy listeners more often.
        activity_.reserve(catalog.users.size());
        for (std::size_t rank = 0; rank < catalog.users.size(); ++rank) {
            const double heavy = rank < catalog.users.size() / 10 ? 0.3 : 0.0;
            activity_.push_back(0.15 + heavy + 0.5 * rng.unit());
        }
        // How far listeners get through each episode: most nearly to the end, some less.
        appeal_.reserve(catalog.episodes.size());
        for (std::size_t i = 0; i < catalog.episodes.size(); ++i) appeal_.push_back(0.92 + 0.08 * rng.unit());
    }

    // `count` events of one day. Sessions start in time order, so that a user's next session
    // can wait for the previous one to end; a few more at random times fill up the count.
    void add_day(std::int64_t day_start, std::size_t count, Rng& rng, std::vector<Event>& out) {
        start_day(day_start / seconds_per_day, rng);
        const auto planned = static_cast<std::size_t>(static_cast<double>(count) * 0.97 / events_per_session_);
        starts_.resize(planned);
        for (auto& [start, user] : starts_) {
            user = random_user(rng);
            start = random_start(day_start, user, rng);
        }
        std::sort(starts_.begin(), starts_.end());
        const std::size_t before = out.size();
        std::size_t sessions = 0;
        for (const auto& [start, user] : starts_) {
            add_session(start, user, day_start, rng, out);
            ++sessions;
        }
        while (out.size() - before < count) {
            const std::int32_t user = random_user(rng);
            add_session(random_start(day_start, user, rng), user, day_start, rng, out);
            ++sessions;
        }
        events_per_session_ = static_cast<double>(out.size() - before) / static_cast<double>(sessions);
        // Too many: drop events at random (selection sampling), as a lossy log would.
        std::size_t surplus = out.size() - before - count;
        std::size_t kept = before;
        for (std::size_t i = before, left = out.size() - before; i < out.size(); ++i, --left) {
            if (surplus > 0 && rng.below(left) < surplus) {
                --surplus;
                continue;
            }
            out[kept++] = out[i];
        }
        out.resize(kept);
    }

private:
    // The day's active users and the episodes released by then, release days bumped.
    void start_day(std::int64_t day, Rng& rng) {
        active_.clear();
        std::vector<std::uint64_t> weights;
        for (std::size_t rank = 0; rank < users_by_rank_.size(); ++rank) {
            if (rng.chance(activity_[rank])) {
                active_.push_back(users_by_rank_[rank]);
                weights.push_back(user_weights_[rank]);
            }
        }
        if (active_.empty()) {
            active_.push_back(users_by_rank_[0]);
            weights.push_back(user_weights_[0]);
        }
        user_sampler_ = WeightedSampler(weights);

        weights.assign(episodes_by_rank_.size(), 0);
        std::uint64_t total = 0;
        for (std::size_t rank = 0; rank < episodes_by_rank_.size(); ++rank) {
            const std::int64_t age = day - release_days_[static_cast<std::size_t>(episodes_by_rank_[rank])];
            if (age < 0) continue;  // not released yet
            const std::uint64_t bump = age < 3 ? release_bump[static_cast<std::size_t>(age)] : 1;
            weights[rank] = episode_weights_[rank] * bump;
            total += weights[rank];
        }
        episode_sampler_ = WeightedSampler(total > 0 ? weights : episode_weights_);
    }

    std::int32_t random_user(Rng& rng) const { return active_[user_sampler_.sample(rng)]; }

    // A start in the user's local day, weighted to the evening, as a UTC instant of this day.
    std::int64_t random_start(std::int64_t day_start, std::int32_t user, Rng& rng) const {
        const std::int64_t local = static_cast<std::int64_t>(hour_sampler_.sample(rng)) * 3600 + rng.between(0, 3599);
        const std::int64_t offset = countries[user_countries_[static_cast<std::size_t>(user)]].utc_offset_minutes * 60;
        return day_start + (local - offset + seconds_per_day) % seconds_per_day;
    }

    // One user listening to one episode: play, then pauses, seeks and resumed plays, often a
    // complete whose duration is near the episode's length. A user's sessions follow each other
    // when the day leaves room; events after the day are dropped.
    void add_session(std::int64_t start, std::int32_t planned_user, std::int64_t day_start, Rng& rng,
                     std::vector<Event>& out) {
        const std::int64_t day_end = day_start + seconds_per_day;
        // A user still listening to another episode starts a little later, or another user
        // takes the session; only when a few in a row are busy do two sessions of one user overlap.
        std::int32_t user = planned_user;
        std::int64_t t = start;
        for (int attempt = 0; attempt < 4; ++attempt) {
            if (attempt > 0) user = random_user(rng);
            const std::int64_t free_at = free_at_[static_cast<std::size_t>(user)];
            if (free_at < start) break;
            if (free_at + 600 < std::min(start + 3600, day_end)) {
                t = rng.between(free_at + 1, free_at + 600);
                break;
            }
        }
        const std::int32_t episode = episodes_by_rank_[episode_sampler_.sample(rng)];
        const std::int32_t length = lengths_[static_cast<std::size_t>(episode)];
        std::int64_t& free_at = free_at_[static_cast<std::size_t>(user)];
        // How far this listener gets: the episode's appeal times the country's habit.
        const double engagement = appeal_[static_cast<std::size_t>(episode)] *
                                  countries[user_countries_[static_cast<std::size_t>(user)]].listen_through;
        const double abandon = 0.1 + (1.0 - engagement) * 1.2;
        std::int64_t position = rng.chance(0.2) ? rng.between(0, length / 2) : 0;
        std::int64_t listened = 0;
        bool opens_with_play = true;
        const auto emit = [&](EventType type, std::int64_t duration) {
            out.push_back({t, user, episode, type, static_cast<std::int32_t>(duration)});
            free_at = std::max(free_at, t);
        };
        for (int step = 0; step < 12 && t < day_end; ++step) {
            const std::int64_t remaining = length - position;
            const std::int64_t segment =
                (remaining <= 60 || rng.chance(0.5)) ? remaining : rng.between(30, remaining);
            if (opens_with_play) emit(EventType::play, segment);
            t += segment;
            position += segment;
            listened += segment;
            if (t >= day_end) return;
            if (position >= length) {
                // Close to the length, short by what was skipped; rarely past it (replays).
                const double share = rng.chance(0.03) ? 1.0 + 0.05 * rng.unit()
                                                      : std::min(1.0, engagement * (1.0 - 0.06 * rng.unit()));
                emit(EventType::complete,
                     std::max<std::int64_t>(1, static_cast<std::int64_t>(static_cast<double>(length) * share)));
                return;
            }
            const double action = rng.unit();
            if (action < 0.45 * (1.0 - abandon) / 0.8) {
                emit(EventType::pause, 0);
                if (rng.chance(0.2)) return;  // never resumed
                t += rng.between(5, 900);
                opens_with_play = true;
            } else if (action < 1.0 - abandon) {
                emit(EventType::seek, 0);
                position = std::clamp<std::int64_t>(position + rng.between(-240, 600), 0, length - 1);
                t += 1;
                opens_with_play = false;
            } else {
                free_at = std::max(free_at, t);
                return;  // abandoned
            }
        }
    }

    std::vector<std::uint64_t> user_weights_;  // by rank
    std::vector<std::int32_t> users_by_rank_;
    std::vector<std::uint64_t> episode_weights_;  // by rank
    std::vector<std::int32_t> episodes_by_rank_;
    WeightedSampler hour_sampler_;
    std::vector<std::uint8_t> user_countries_;
    std::vector<std::int64_t> release_days_;
    std::vector<double> activity_;  // by user rank: the chance to be active on a day
    std::vector<double> appeal_;    // by episode
    std::vector<std::int32_t> active_;  // today's active users, by rank
    WeightedSampler user_sampler_;      // over active_
    WeightedSampler episode_sampler_;   // by rank, today's weights
    std::vector<std::int32_t> lengths_;
    std::vector<std::int64_t> free_at_;  // per user: when the last session ended
    std::vector<std::pair<std::int64_t, std::int32_t>> starts_;  // start, user
    double events_per_session_ = 3.5;  // measured on the previous day
};

// Orders a day's events by time with a counting sort on the second of the day (stable).
void sort_by_time(std::vector<Event>& events, std::int64_t day_start, std::vector<Event>& scratch,
                  std::vector<std::uint32_t>& counts) {
    counts.assign(seconds_per_day + 1, 0);
    for (const Event& event : events) ++counts[static_cast<std::size_t>(event.instant - day_start) + 1];
    for (std::size_t i = 1; i < counts.size(); ++i) counts[i] += counts[i - 1];
    scratch.resize(events.size());
    for (const Event& event : events) scratch[counts[static_cast<std::size_t>(event.instant - day_start)]++] = event;
    events.swap(scratch);
}

// ---------------------------------------------------------------------------------------------
// Spelling: valid variants that normalisation absorbs, and defects.

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

constexpr std::array<Variant, 8> unusual_variants{
    Variant::padded_user_id, Variant::padded_episode_id, Variant::event_type_spelling,
    Variant::zulu,           Variant::zero_offset,       Variant::local_offset,
    Variant::duration_string, Variant::zero_padded_duration};

// One defect per validation code, in the contract's order.
enum class Defect : std::uint8_t {
    user_id_null,
    user_id_blank,
    episode_id_null,
    episode_id_blank,
    event_type_null,
    event_type_invalid,
    timestamp_null,
    timestamp_malformed,
    timestamp_out_of_range,
    duration_missing,
    duration_invalid,
    duration_unexpected,
    unknown_user_id,
    unknown_episode_id,
};
constexpr std::size_t defect_count = 14;

// How often each defect occurs, in the contract's order: a few common (a malformed timestamp,
// a missing duration, a null user id), others rare.
constexpr std::array<std::uint64_t, defect_count> defect_weights{
    60, 4, 18, 2, 6, 24, 12, 90, 3, 70, 10, 1, 8, 5};

// Defects of one group touch the same value, so a row with several defects takes them from
// different groups (else one would hide the other).
int group_of(Defect defect) {
    switch (defect) {
        case Defect::user_id_null:
        case Defect::user_id_blank:
        case Defect::unknown_user_id: return 0;
        case Defect::episode_id_null:
        case Defect::episode_id_blank:
        case Defect::unknown_episode_id: return 1;
        case Defect::timestamp_null:
        case Defect::timestamp_malformed:
        case Defect::timestamp_out_of_range: return 2;
        default: return 3;  // event type and duration
    }
}

struct Literal {
    JsonKind kind;
    std::string_view text;
};

constexpr std::array<std::string_view, 6> paddings{" ", "  ", "\t", " \t", "\n", "\r\n"};
constexpr std::array<std::string_view, 6> blanks{"", " ", "   ", "\t", "\n", " \r\n"};
constexpr std::array<std::string_view, 8> invalid_event_types{
    "", " ", "stop", "plya", "PLAYING", "skip", "paused", "play-complete"};
constexpr std::array<std::int32_t, 10> offset_minutes{120, -330, 330, -480, 540, 60, -180, 345, -300, 600};
constexpr std::array<Literal, 14> invalid_durations{{{JsonKind::literal, "0"},
                                                     {JsonKind::literal, "-5"},
                                                     {JsonKind::literal, "12.5"},
                                                     {JsonKind::string, "abc"},
                                                     {JsonKind::literal, "99999999999"},
                                                     {JsonKind::literal, "2147483648"},
                                                     {JsonKind::string, ""},
                                                     {JsonKind::string, " 120"},
                                                     {JsonKind::string, "+5"},
                                                     {JsonKind::string, "12.5"},
                                                     {JsonKind::string, "1e3"},
                                                     {JsonKind::literal, "true"},
                                                     {JsonKind::literal, "[120]"},
                                                     {JsonKind::string, "0"}}};
constexpr std::array<Literal, 4> unexpected_durations{
    {{JsonKind::literal, "30"}, {JsonKind::string, "30"}, {JsonKind::literal, "0"}, {JsonKind::string, ""}}};

class Speller {
public:
    Speller(const Catalog& catalog, double defect_rate)
        : catalog_(catalog),
          defect_rate_(defect_rate),
          defect_sampler_(std::vector<std::uint64_t>(defect_weights.begin(), defect_weights.end())) {}

    // The event in the given spelling; a variant that does not apply (a duration variant of a
    // pause) falls back to a `Z` timestamp.
    void spell(const Event& event, Variant variant, Rng& rng, Row& row) {
        const std::string_view user = catalog_.users[static_cast<std::size_t>(event.user)].user_id;
        const std::string_view episode = catalog_.episodes[static_cast<std::size_t>(event.episode)].episode_id;
        if (!has_duration(event.type) &&
            (variant == Variant::duration_string || variant == Variant::zero_padded_duration)) {
            variant = Variant::zulu;
        }

        if (variant == Variant::event_type_spelling) {
            row.event_type.set(JsonKind::string, respelled_event_type(event.type, rng).view());
        } else {
            row.event_type.set(JsonKind::string, reference::to_string(event.type));
        }
        row.user_id.set(JsonKind::string, variant == Variant::padded_user_id ? padded(user, rng).view() : user);
        row.episode_id.set(JsonKind::string,
                           variant == Variant::padded_episode_id ? padded(episode, rng).view() : episode);

        Text timestamp;
        if (variant == Variant::local_offset) {
            const std::int32_t minutes = rng.pick(offset_minutes);
            timestamp << timestamps_.format(event.instant + minutes * 60) << offset_text(minutes).view();
        } else {
            timestamp << timestamps_.format(event.instant);
            if (variant == Variant::zulu) timestamp << "Z";
            if (variant == Variant::zero_offset) timestamp << (rng.chance(0.8) ? "+00:00" : "-00:00");
        }
        row.timestamp.set(JsonKind::string, timestamp.view());

        if (!has_duration(event.type)) {
            row.duration.set_null();
        } else {
            Text duration;
            if (variant == Variant::zero_padded_duration) duration << (rng.chance(0.5) ? "0" : "00");
            duration << static_cast<std::int64_t>(event.duration);
            const bool quoted = variant == Variant::duration_string || variant == Variant::zero_padded_duration;
            row.duration.set(quoted ? JsonKind::string : JsonKind::literal, duration.view());
        }
    }

    // With probability defect_rate, one defect (sometimes two or three, on different values).
    void maybe_damage(const Event& event, Rng& rng, Row& row) {
        if (!rng.chance(defect_rate_)) return;
        // The first damaged rows take every code once, so that every code occurs.
        const auto first = damaged_ < defect_count ? static_cast<Defect>(damaged_)
                                                   : static_cast<Defect>(defect_sampler_.sample(rng));
        ++damaged_;
        damage(first, event, rng, row);
        if (!rng.chance(0.15)) return;
        std::array<bool, 4> used{};
        used[static_cast<std::size_t>(group_of(first))] = true;
        const int extra = rng.chance(0.3) ? 2 : 1;
        for (int i = 0; i < extra; ++i) {
            Defect next = first;
            while (used[static_cast<std::size_t>(group_of(next))]) next = static_cast<Defect>(defect_sampler_.sample(rng));
            used[static_cast<std::size_t>(group_of(next))] = true;
            damage(next, event, rng, row);
        }
    }

    // A variant drawn at the defect rate: unusual spellings are as common as defects.
    Variant maybe_unusual(Rng& rng) const {
        return rng.chance(defect_rate_) ? rng.pick(unusual_variants) : Variant::canonical;
    }

private:
    Text padded(std::string_view id, Rng& rng) const {
        Text text;
        const std::uint64_t where = rng.below(3);  // before, after, both
        if (where != 1) text << rng.pick(paddings);
        text << id;
        if (where != 0) text << rng.pick(paddings);
        return text;
    }

    static Text respelled_event_type(EventType type, Rng& rng) {
        const std::string_view word = reference::to_string(type);
        std::string upper(word);
        for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
        std::string capital(word);
        capital[0] = static_cast<char>(capital[0] - 'a' + 'A');
        Text text;
        switch (rng.below(5)) {
            case 0: text << capital; break;
            case 1: text << upper; break;
            case 2: text << " " << word << " "; break;
            case 3: text << word << "\t"; break;
            default: text << " " << capital; break;
        }
        return text;
    }

    static Text offset_text(std::int32_t minutes) {
        Text text;
        text << (minutes < 0 ? "-" : "+");
        const std::int32_t magnitude = std::abs(minutes);
        const std::array<char, 5> digits{static_cast<char>('0' + magnitude / 600),
                                         static_cast<char>('0' + magnitude / 60 % 10), ':',
                                         static_cast<char>('0' + magnitude % 60 / 10),
                                         static_cast<char>('0' + magnitude % 10)};
        text << std::string_view(digits.data(), digits.size());
        return text;
    }

    void set_event_type(Row& row, EventType type) {
        row.event_type.set(JsonKind::string, reference::to_string(type));
    }

    void damage(Defect defect, const Event& event, Rng& rng, Row& row) {
        const std::string_view user = catalog_.users[static_cast<std::size_t>(event.user)].user_id;
        const std::string_view episode = catalog_.episodes[static_cast<std::size_t>(event.episode)].episode_id;
        const std::string_view canonical = timestamps_.format(event.instant);
        const std::string_view date = canonical.substr(0, 10);
        const std::string_view time = canonical.substr(11);
        Text text;
        switch (defect) {
            case Defect::user_id_null: row.user_id.set_null(); break;
            case Defect::user_id_blank: row.user_id.set(JsonKind::string, rng.pick(blanks)); break;
            case Defect::episode_id_null: row.episode_id.set_null(); break;
            case Defect::episode_id_blank: row.episode_id.set(JsonKind::string, rng.pick(blanks)); break;
            case Defect::event_type_null: row.event_type.set_null(); break;
            case Defect::event_type_invalid:
                row.event_type.set(JsonKind::string, rng.pick(invalid_event_types));
                break;
            case Defect::timestamp_null: row.timestamp.set_null(); break;
            case Defect::timestamp_malformed:
                switch (rng.below(17)) {
                    case 0: break;  // empty
                    case 1: text << "malformed-date"; break;
                    case 2: text << date.substr(0, 4) << "-02-30T" << time; break;
                    case 3: text << date << " " << time; break;                 // space for T
                    case 4: text << canonical.substr(0, 16); break;             // no seconds
                    case 5: text << canonical << (rng.chance(0.5) ? ".5" : ".123"); break;
                    case 6: text << "2023-02-29T" << time; break;               // not a leap year
                    case 7: text << date << "T24:00:00"; break;
                    case 8: text << canonical << " "; break;
                    case 9: text << " " << canonical; break;
                    case 10: text << date; break;
                    case 11: text << date.substr(0, 4) << "/" << date.substr(5, 2) << "/" << date.substr(8) << "T" << time; break;
                    case 12: text << canonical << "+24:00"; break;
                    case 13: text << canonical << "z"; break;
                    case 14: text << canonical.substr(0, 17) << "60"; break;    // leap second
                    case 15: text << canonical << "+0200"; break;
                    default: text << date.substr(0, 5) << "13" << date.substr(7) << "T" << time; break;
                }
                row.timestamp.set(JsonKind::string, text.view());
                if (rng.chance(0.05)) row.timestamp.set(JsonKind::literal, (Text{} << event.instant).view());
                break;
            case Defect::timestamp_out_of_range:
                switch (rng.below(6)) {
                    case 0: text << "1999-12-31T23:59:59"; break;
                    case 1: text << "1970-01-01T00:00:00Z"; break;
                    case 2: text << "2000-01-01T01:00:00+02:00"; break;  // 1999-12-31T23:00:00Z
                    case 3: text << "1900-01-01T00:00:00"; break;
                    case 4: text << "2099-12-31T23:59:59-05:00"; break;
                    default: text << "2099" << canonical.substr(4); break;
                }
                row.timestamp.set(JsonKind::string, text.view());
                break;
            case Defect::duration_missing:
                if (!has_duration(event.type)) set_event_type(row, rng.chance(0.5) ? EventType::play : EventType::complete);
                row.duration.set_null();
                break;
            case Defect::duration_invalid: {
                if (!has_duration(event.type)) set_event_type(row, rng.chance(0.5) ? EventType::play : EventType::complete);
                const Literal& value = rng.pick(invalid_durations);
                row.duration.set(value.kind, value.text);
                break;
            }
            case Defect::duration_unexpected: {
                if (has_duration(event.type)) set_event_type(row, rng.chance(0.5) ? EventType::pause : EventType::seek);
                const Literal& value = rng.pick(unexpected_durations);
                row.duration.set(value.kind, value.text);
                break;
            }
            case Defect::unknown_user_id:
                switch (rng.below(4)) {
                    case 0: text << "user_0"; break;
                    case 1: text << "user_" << static_cast<std::int64_t>(catalog_.users.size()) + rng.between(1, 1000); break;
                    case 2: text << "U" << user.substr(1); break;  // ids are case-sensitive
                    default: text << user << "x"; break;
                }
                row.user_id.set(JsonKind::string, text.view());
                break;
            case Defect::unknown_episode_id:
                switch (rng.below(4)) {
                    case 0: text << "ep_0"; break;
                    case 1: text << "ep_" << static_cast<std::int64_t>(catalog_.episodes.size()) + rng.between(1, 1000); break;
                    case 2: text << "EP" << episode.substr(2); break;
                    default: text << "episode_" << episode.substr(3); break;
                }
                row.episode_id.set(JsonKind::string, text.view());
                break;
        }
    }

    const Catalog& catalog_;
    double defect_rate_;
    WeightedSampler defect_sampler_;
    std::size_t damaged_ = 0;  // rows damaged so far
    TimestampFormatter timestamps_;
};

// ---------------------------------------------------------------------------------------------
// Duplicates.

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
    bool can_repeat() const { return !recent_.empty(); }
    void remember(const Emitted& emitted, Rng& rng, bool fresh) {
        recent_.push(emitted);
        if (fresh) today_.offer(emitted, rng);
    }

    // A repeat of an earlier row: from an earlier day's file (35%), verbatim in this file
    // (40%), or the same business key spelled differently in this file (25%). Repeats that
    // are spelled anew may carry another duration and may carry defects.
    Emitted repeat(Rng& rng) {
        const double kind = rng.unit();
        if (kind < 0.35) {
            if (const DaySample* day = earlier_day(rng); day != nullptr) {
                const Emitted& original = day->random(rng);
                const double how = rng.unit();
                if (how < 0.5) return original;
                return respelled(original.event, how < 0.75 ? Variant::canonical : rng.pick(unusual_variants),
                                 how < 0.75, rng);
            }
        }
        const Emitted& original = recent_.random(rng);
        if (kind < 0.75) return original;
        return respelled(original.event, rng.pick(unusual_variants), rng.chance(0.3), rng);
    }

private:
    const DaySample* earlier_day(Rng& rng) const {
        if (earlier_days_.empty()) return nullptr;
        const double r = rng.unit();
        std::size_t back = r < 0.6 ? 0 : (r < 0.85 ? 1 : 2);
        back = std::min(back, earlier_days_.size() - 1);
        return earlier_days_[back].empty() ? nullptr : &earlier_days_[back];
    }

    Emitted respelled(Event event, Variant variant, bool other_duration, Rng& rng) {
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

    Speller& speller_;
    RecentRows recent_;
    DaySample today_;
    std::deque<DaySample> earlier_days_;  // yesterday first
};

// ---------------------------------------------------------------------------------------------
// Options and the output directory.

Result<void> check_options(const GenerateOptions& options) {
    const auto usage = [](std::string message) { return fail(std::move(message), ExitCode::usage); };
    if (options.out.empty()) return usage("--out is required");
    if (options.days < 1 || options.days > 3650) {
        return usage("--days must be from 1 to 3650, got " + std::to_string(options.days));
    }
    if (!options.start.ok()) return usage("--start is not a calendar date");
    const std::chrono::sys_days first{options.start};
    const std::chrono::sys_days last = first + std::chrono::days{options.days - 1};
    if (first < std::chrono::sys_days{earliest_start} || last > std::chrono::sys_days{latest_day}) {
        return usage("--start and --days must keep the generated days from 2000-01-01 to 2098-12-30, got " +
                     date_text(first) + " to " + date_text(last));
    }
    if (options.events_per_day < 1 || options.events_per_day > 10'000'000) {
        return usage("--events-per-day must be from 1 to 10000000, got " + std::to_string(options.events_per_day));
    }
    if (options.users < 1 || options.users > 10'000'000) {
        return usage("--users must be from 1 to 10000000, got " + std::to_string(options.users));
    }
    if (options.episodes < 1 || options.episodes > 1'000'000) {
        return usage("--episodes must be from 1 to 1000000, got " + std::to_string(options.episodes));
    }
    if (!(options.defect_rate >= 0 && options.defect_rate <= 1)) {
        return usage("--defect-rate must be from 0 to 1, got " + rate_text(options.defect_rate));
    }
    if (!(options.duplicate_rate >= 0 && options.duplicate_rate <= 1)) {
        return usage("--duplicate-rate must be from 0 to 1, got " + rate_text(options.duplicate_rate));
    }
    return {};
}

// Creates OUT/reference and OUT/events. OUT may be missing, empty, or an earlier dataset (it
// holds expected.json), which is replaced; anything else is refused rather than mixed in.
Result<void> prepare_output(const fs::path& out) {
    std::error_code error;
    const auto status = fs::status(out, error);
    if (fs::exists(status)) {
        if (!fs::is_directory(status)) return fail(out.string() + " is not a directory", ExitCode::usage);
        if (!fs::is_empty(out, error)) {
            if (!fs::exists(out / "expected.json", error)) {
                return fail("refusing to write into " + out.string() +
                                ": it is not empty and holds no generated dataset (no expected.json)",
                            ExitCode::usage);
            }
            for (const char* part : {"expected.json", "events", "reference"}) {
                fs::remove_all(out / part, error);
                if (error) return fail("cannot remove " + (out / part).string() + ": " + error.message());
            }
        }
    }
    for (const char* part : {"reference", "events"}) {
        fs::create_directories(out / part, error);
        if (error) return fail("cannot create " + (out / part).string() + ": " + error.message());
    }
    return {};
}

// One day's file: the day's lines, fresh events in time order with repeats mixed in.
class DayWriter {
public:
    DayWriter(const GenerateOptions& options, SessionModel& sessions, Speller& speller,
              reference::GroundTruth& truth)
        : options_(options), sessions_(sessions), speller_(speller), duplicator_(speller), truth_(truth) {}

    Result<void> write_day(const fs::path& events_dir, std::chrono::sys_days date, std::size_t lines, Rng& rng) {
        const std::string day = date_text(date);
        const std::int64_t day_start = date.time_since_epoch().count() * seconds_per_day;

        // Which lines repeat an earlier row; the first line of a file is always fresh.
        repeats_.assign(lines, 0);
        std::size_t fresh_count = 0;
        for (std::size_t i = 0; i < lines; ++i) {
            repeats_[i] = i > 0 && rng.chance(options_.duplicate_rate) ? 1 : 0;
            fresh_count += repeats_[i] == 0 ? 1 : 0;
        }
        fresh_.clear();
        sessions_.add_day(day_start, fresh_count, rng, fresh_);
        sort_by_time(fresh_, day_start, scratch_, counts_);

        std::error_code error;
        fs::create_directories(events_dir / day, error);
        if (error) return fail("cannot create " + (events_dir / day).string() + ": " + error.message());
        auto file = AtomicFile::create(events_dir / day / "events.json");
        if (!file) return std::unexpected(file.error());

        // Full buffers are written on another thread while the next one fills, so that the
        // kernel's copying and the disk's throttling overlap with generation. `writing` is
        // declared after `file`, so it is destroyed (waited for) first on every path.
        LineBuffer* filling = &buffers_[0];
        filling->clear();
        std::future<Result<void>> writing;
        const auto hand_over = [&]() -> Result<void> {
            if (writing.valid()) {
                if (auto written = writing.get(); !written) return written;
            }
            const LineBuffer* full = filling;
            filling = filling == &buffers_[0] ? &buffers_[1] : &buffers_[0];
            filling->clear();
            writing = std::async(std::launch::async, [&file, full] { return file->write(full->view()); });
            return {};
        };

        truth_.begin_file(day + "/events.json");
        duplicator_.start_day();
        std::size_t next_fresh = 0;
        for (std::size_t i = 0; i < lines; ++i) {
            const bool fresh = repeats_[i] == 0;
            if (fresh) {
                emitted_.event = fresh_[next_fresh++];
                speller_.spell(emitted_.event, speller_.maybe_unusual(rng), rng, emitted_.row);
                speller_.maybe_damage(emitted_.event, rng, emitted_.row);
            } else {
                emitted_ = duplicator_.repeat(rng);
            }
            duplicator_.remember(emitted_, rng, fresh);
            append_line(*filling, emitted_.row);
            truth_.add_row(raw_event(emitted_.row));
            if (filling->size() >= flush_size) {
                if (auto handed = hand_over(); !handed) return handed;
            }
        }
        if (auto handed = hand_over(); !handed) return handed;
        if (auto written = writing.get(); !written) return written;
        duplicator_.end_day();
        return file->commit();
    }

private:
    static constexpr std::size_t flush_size = 4 << 20;

    const GenerateOptions& options_;
    SessionModel& sessions_;
    Speller& speller_;
    Duplicator duplicator_;
    reference::GroundTruth& truth_;
    std::vector<std::uint8_t> repeats_;
    std::vector<Event> fresh_;
    std::vector<Event> scratch_;
    std::vector<std::uint32_t> counts_;
    std::array<LineBuffer, 2> buffers_;
    Emitted emitted_;
};

// Lines per day: a weekly rhythm (weekdays' commutes above weekends) and 1.5% growth a day,
// scaled so that the days hold events_per_day on average (largest remainders round the total
// to exactly days * events_per_day); every day has at least one line.
std::vector<std::size_t> daily_lines(const GenerateOptions& options) {
    constexpr std::array<double, 7> weekly{1.04, 1.06, 1.05, 1.02, 0.97, 0.86, 0.9};  // Mon..Sun
    const std::chrono::sys_days start{options.start};
    const auto days = static_cast<std::size_t>(options.days);
    std::vector<double> factors(days);
    double sum = 0;
    for (std::size_t d = 0; d < days; ++d) {
        const unsigned weekday = std::chrono::weekday{start + std::chrono::days{d}}.iso_encoding() - 1;
        factors[d] = weekly[weekday] * (1.0 + 0.015 * static_cast<double>(d));
        sum += factors[d];
    }
    const auto total = static_cast<std::size_t>(options.events_per_day) * days;
    std::vector<std::size_t> lines(days);
    std::vector<std::pair<double, std::size_t>> remainders(days);
    std::size_t assigned = 0;
    for (std::size_t d = 0; d < days; ++d) {
        const double exact = factors[d] / sum * static_cast<double>(total);
        lines[d] = static_cast<std::size_t>(exact);
        remainders[d] = {lines[d] - exact, d};  // most negative first: the largest remainder
        assigned += lines[d];
    }
    std::sort(remainders.begin(), remainders.end());
    for (std::size_t i = 0; assigned < total; ++i, ++assigned) ++lines[remainders[i % days].second];
    for (std::size_t d = 0; d < days; ++d) {
        if (lines[d] > 0) continue;
        ++lines[d];  // taken from the fullest day
        --*std::max_element(lines.begin(), lines.end());
    }
    return lines;
}

}  // namespace

Result<GenerateSummary> generate(const GenerateOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    if (auto checked = check_options(options); !checked) return std::unexpected(checked.error());
    if (auto prepared = prepare_output(options.out); !prepared) return std::unexpected(prepared.error());

    Rng rng(options.seed);
    const Catalog catalog = make_catalog(options, rng);
    if (auto written = write_file(options.out / "reference" / "users.csv", users_csv(catalog)); !written) {
        return std::unexpected(written.error());
    }
    if (auto written = write_file(options.out / "reference" / "episodes.csv", episodes_csv(catalog)); !written) {
        return std::unexpected(written.error());
    }

    SessionModel sessions(catalog, rng);
    Speller speller(catalog, options.defect_rate);
    reference::GroundTruth truth(catalog.users, catalog.episodes, assumed_now);
    DayWriter writer(options, sessions, speller, truth);
    const std::chrono::sys_days start{options.start};
    const std::vector<std::size_t> lines = daily_lines(options);
    for (int day = 0; day < options.days; ++day) {
        if (auto written = writer.write_day(options.out / "events", start + std::chrono::days{day},
                                            lines[static_cast<std::size_t>(day)], rng);
            !written) {
            return std::unexpected(written.error());
        }
    }

    // Last, so that a complete expected.json marks a complete dataset.
    if (auto written = write_file(options.out / "expected.json", truth.expected_json().dump(2) + "\n"); !written) {
        return std::unexpected(written.error());
    }

    GenerateSummary summary;
    for (const std::size_t day_lines : lines) summary.events += static_cast<std::int64_t>(day_lines);
    summary.files = options.days;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace podcast
