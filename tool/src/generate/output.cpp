#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <string>

namespace podcast::generator {

namespace fs = std::filesystem;

Result<AtomicFile> AtomicFile::create(fs::path path) {
    fs::path temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        return fail("cannot write " + temporary.string() + ": " + std::strerror(errno));
    }
    return AtomicFile(file, std::move(path), std::move(temporary));
}

Result<void> AtomicFile::write(std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
        return fail("cannot write " + temporary_.string() + ": " + std::strerror(errno));
    }
    return {};
}

Result<void> AtomicFile::commit() {
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
        return fail("cannot rename " + temporary_.string() + " to " + path_.string() + ": " +
                    error.message());
    }
    return {};
}

Result<void> write_file(const fs::path& path, std::string_view contents) {
    auto file = AtomicFile::create(path);
    if (!file) return std::unexpected(file.error());
    if (auto written = file->write(contents); !written) return written;
    return file->commit();
}

namespace {

char* put(char* out, std::string_view text) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
}

char* put_json_string(char* out, std::string_view text) {
    *out++ = '"';
    for (const char c : text) {
        switch (c) {
            case '"':
                out = put(out, "\\\"");
                break;
            case '\\':
                out = put(out, "\\\\");
                break;
            case '\t':
                out = put(out, "\\t");
                break;
            case '\n':
                out = put(out, "\\n");
                break;
            case '\r':
                out = put(out, "\\r");
                break;
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
        case JsonKind::null:
            return put(out, "null");
        case JsonKind::string:
            return put_json_string(out, field.text());
        case JsonKind::literal:
            return put(out, field.text());
    }
    return out;
}

}  // namespace

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

}  // namespace podcast::generator
