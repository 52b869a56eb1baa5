#pragma once
// Rows: five JSON values, each kept as the text the warehouse stores for it, and the small text
// builder the spellings are put together with.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <system_error>

#include "podcast/reference_validator.hpp"

namespace podcast::generator {

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

inline reference::RawEvent raw_event(const Row& row) {
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
        const auto [end, error] =
            std::to_chars(bytes_.data() + size_, bytes_.data() + bytes_.size(), number);
        if (error == std::errc{}) size_ = static_cast<std::size_t>(end - bytes_.data());
        return *this;
    }
    std::string_view view() const { return {bytes_.data(), size_}; }

private:
    std::array<char, 64> bytes_{};
    std::size_t size_ = 0;
};

}  // namespace podcast::generator
