#include "spelling.hpp"

#include <cstdlib>

namespace podcast::generator {

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

namespace {

constexpr std::size_t defect_count = 14;

// How often each defect occurs, in the contract's order: a few common (a malformed timestamp,
// a missing duration, a null user id), others rare.
constexpr std::array<std::uint64_t, defect_count> defect_weights{60, 4, 18, 2,  6, 24, 12,
                                                                 90, 3, 70, 10, 1, 8,  5};

// Defects of one group touch the same value, so a row with several defects takes them from
// different groups (else one would hide the other).
int group_of(Defect defect) {
    switch (defect) {
        case Defect::user_id_null:
        case Defect::user_id_blank:
        case Defect::unknown_user_id:
            return 0;
        case Defect::episode_id_null:
        case Defect::episode_id_blank:
        case Defect::unknown_episode_id:
            return 1;
        case Defect::timestamp_null:
        case Defect::timestamp_malformed:
        case Defect::timestamp_out_of_range:
            return 2;
        default:
            return 3;  // event type and duration
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
constexpr std::array<std::int32_t, 10> offset_minutes{120, -330, 330, -480, 540,
                                                      60,  -180, 345, -300, 600};
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
constexpr std::array<Literal, 4> unexpected_durations{{{JsonKind::literal, "30"},
                                                       {JsonKind::string, "30"},
                                                       {JsonKind::literal, "0"},
                                                       {JsonKind::string, ""}}};

Text padded(std::string_view id, Rng& rng) {
    Text text;
    const std::uint64_t where = rng.below(3);  // before, after, both
    if (where != 1) text << rng.pick(paddings);
    text << id;
    if (where != 0) text << rng.pick(paddings);
    return text;
}

Text respelled_event_type(EventType type, Rng& rng) {
    const std::string_view word = reference::to_string(type);
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    std::string capital(word);
    capital[0] = static_cast<char>(capital[0] - 'a' + 'A');
    Text text;
    switch (rng.below(5)) {
        case 0:
            text << capital;
            break;
        case 1:
            text << upper;
            break;
        case 2:
            text << " " << word << " ";
            break;
        case 3:
            text << word << "\t";
            break;
        default:
            text << " " << capital;
            break;
    }
    return text;
}

Text offset_text(std::int32_t minutes) {
    Text text;
    text << (minutes < 0 ? "-" : "+");
    const std::int32_t magnitude = std::abs(minutes);
    const std::array<char, 5> digits{
        static_cast<char>('0' + magnitude / 600), static_cast<char>('0' + magnitude / 60 % 10), ':',
        static_cast<char>('0' + magnitude % 60 / 10), static_cast<char>('0' + magnitude % 10)};
    text << std::string_view(digits.data(), digits.size());
    return text;
}

void set_event_type(Row& row, EventType type) {
    row.event_type.set(JsonKind::string, reference::to_string(type));
}

}  // namespace

Speller::Speller(const Catalog& catalog, double defect_rate)
    : catalog_(catalog),
      defect_rate_(defect_rate),
      defect_sampler_(std::vector<std::uint64_t>(defect_weights.begin(), defect_weights.end())) {}

void Speller::spell(const Event& event, Variant variant, Rng& rng, Row& row) {
    const std::string_view user = catalog_.users[static_cast<std::size_t>(event.user)].user_id;
    const std::string_view episode =
        catalog_.episodes[static_cast<std::size_t>(event.episode)].episode_id;
    if (!has_duration(event.type) &&
        (variant == Variant::duration_string || variant == Variant::zero_padded_duration)) {
        variant = Variant::zulu;
    }

    if (variant == Variant::event_type_spelling) {
        row.event_type.set(JsonKind::string, respelled_event_type(event.type, rng).view());
    } else {
        row.event_type.set(JsonKind::string, reference::to_string(event.type));
    }
    row.user_id.set(JsonKind::string,
                    variant == Variant::padded_user_id ? padded(user, rng).view() : user);
    row.episode_id.set(JsonKind::string, variant == Variant::padded_episode_id
                                             ? padded(episode, rng).view()
                                             : episode);

    Text timestamp;
    if (variant == Variant::local_offset) {
        const std::int32_t minutes = rng.pick(offset_minutes);
        timestamp << timestamps_.format(event.instant + minutes * 60)
                  << offset_text(minutes).view();
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
        const bool quoted =
            variant == Variant::duration_string || variant == Variant::zero_padded_duration;
        row.duration.set(quoted ? JsonKind::string : JsonKind::literal, duration.view());
    }
}

void Speller::maybe_damage(const Event& event, Rng& rng, Row& row) {
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
        while (used[static_cast<std::size_t>(group_of(next))])
            next = static_cast<Defect>(defect_sampler_.sample(rng));
        used[static_cast<std::size_t>(group_of(next))] = true;
        damage(next, event, rng, row);
    }
}

Variant Speller::maybe_unusual(Rng& rng) const {
    return rng.chance(defect_rate_) ? rng.pick(unusual_variants) : Variant::canonical;
}

void Speller::damage(Defect defect, const Event& event, Rng& rng, Row& row) {
    const std::string_view user = catalog_.users[static_cast<std::size_t>(event.user)].user_id;
    const std::string_view episode =
        catalog_.episodes[static_cast<std::size_t>(event.episode)].episode_id;
    const std::string_view canonical = timestamps_.format(event.instant);
    const std::string_view date = canonical.substr(0, 10);
    const std::string_view time = canonical.substr(11);
    Text text;
    switch (defect) {
        case Defect::user_id_null:
            row.user_id.set_null();
            break;
        case Defect::user_id_blank:
            row.user_id.set(JsonKind::string, rng.pick(blanks));
            break;
        case Defect::episode_id_null:
            row.episode_id.set_null();
            break;
        case Defect::episode_id_blank:
            row.episode_id.set(JsonKind::string, rng.pick(blanks));
            break;
        case Defect::event_type_null:
            row.event_type.set_null();
            break;
        case Defect::event_type_invalid:
            row.event_type.set(JsonKind::string, rng.pick(invalid_event_types));
            break;
        case Defect::timestamp_null:
            row.timestamp.set_null();
            break;
        case Defect::timestamp_malformed:
            switch (rng.below(17)) {
                case 0:
                    break;  // empty
                case 1:
                    text << "malformed-date";
                    break;
                case 2:
                    text << date.substr(0, 4) << "-02-30T" << time;
                    break;
                case 3:
                    text << date << " " << time;
                    break;  // space for T
                case 4:
                    text << canonical.substr(0, 16);
                    break;  // no seconds
                case 5:
                    text << canonical << (rng.chance(0.5) ? ".5" : ".123");
                    break;
                case 6:
                    text << "2023-02-29T" << time;
                    break;  // not a leap year
                case 7:
                    text << date << "T24:00:00";
                    break;
                case 8:
                    text << canonical << " ";
                    break;
                case 9:
                    text << " " << canonical;
                    break;
                case 10:
                    text << date;
                    break;
                case 11:
                    text << date.substr(0, 4) << "/" << date.substr(5, 2) << "/" << date.substr(8)
                         << "T" << time;
                    break;
                case 12:
                    text << canonical << "+24:00";
                    break;
                case 13:
                    text << canonical << "z";
                    break;
                case 14:
                    text << canonical.substr(0, 17) << "60";
                    break;  // leap second
                case 15:
                    text << canonical << "+0200";
                    break;
                default:
                    text << date.substr(0, 5) << "13" << date.substr(7) << "T" << time;
                    break;
            }
            row.timestamp.set(JsonKind::string, text.view());
            if (rng.chance(0.05))
                row.timestamp.set(JsonKind::literal, (Text{} << event.instant).view());
            break;
        case Defect::timestamp_out_of_range:
            switch (rng.below(6)) {
                case 0:
                    text << "1999-12-31T23:59:59";
                    break;
                case 1:
                    text << "1970-01-01T00:00:00Z";
                    break;
                case 2:
                    text << "2000-01-01T01:00:00+02:00";
                    break;  // 1999-12-31T23:00:00Z
                case 3:
                    text << "1900-01-01T00:00:00";
                    break;
                case 4:
                    text << "2099-12-31T23:59:59-05:00";
                    break;
                default:
                    text << "2099" << canonical.substr(4);
                    break;
            }
            row.timestamp.set(JsonKind::string, text.view());
            break;
        case Defect::duration_missing:
            if (!has_duration(event.type))
                set_event_type(row, rng.chance(0.5) ? EventType::play : EventType::complete);
            row.duration.set_null();
            break;
        case Defect::duration_invalid: {
            if (!has_duration(event.type))
                set_event_type(row, rng.chance(0.5) ? EventType::play : EventType::complete);
            const Literal& value = rng.pick(invalid_durations);
            row.duration.set(value.kind, value.text);
            break;
        }
        case Defect::duration_unexpected: {
            if (has_duration(event.type))
                set_event_type(row, rng.chance(0.5) ? EventType::pause : EventType::seek);
            const Literal& value = rng.pick(unexpected_durations);
            row.duration.set(value.kind, value.text);
            break;
        }
        case Defect::unknown_user_id:
            switch (rng.below(4)) {
                case 0:
                    text << "user_0";
                    break;
                case 1:
                    text << "user_"
                         << static_cast<std::int64_t>(catalog_.users.size()) + rng.between(1, 1000);
                    break;
                case 2:
                    text << "U" << user.substr(1);
                    break;  // ids are case-sensitive
                default:
                    text << user << "x";
                    break;
            }
            row.user_id.set(JsonKind::string, text.view());
            break;
        case Defect::unknown_episode_id:
            switch (rng.below(4)) {
                case 0:
                    text << "ep_0";
                    break;
                case 1:
                    text << "ep_"
                         << static_cast<std::int64_t>(catalog_.episodes.size()) +
                                rng.between(1, 1000);
                    break;
                case 2:
                    text << "EP" << episode.substr(2);
                    break;
                default:
                    text << "episode_" << episode.substr(3);
                    break;
            }
            row.episode_id.set(JsonKind::string, text.view());
            break;
    }
}

}  // namespace podcast::generator
