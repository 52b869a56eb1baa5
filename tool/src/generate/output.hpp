#pragma once
// Writing: the bytes of the event files (one NDJSON line per row, keys in the order of the input
// files) and files written under a temporary name in the same directory, renamed when complete.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "podcast/result.hpp"
#include "rows.hpp"

namespace podcast::generator {

// A file written under a temporary name in the same directory, renamed when complete; removed
// when dropped uncommitted.
class AtomicFile {
public:
    // Opens .NAME.tmp beside NAME for writing.
    static Result<AtomicFile> create(std::filesystem::path path);

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
            std::filesystem::remove(temporary_, ignored);
        }
    }

    Result<void> write(std::string_view bytes);

    // Closes the file and renames it to its name.
    Result<void> commit();

private:
    AtomicFile(std::FILE* file, std::filesystem::path path, std::filesystem::path temporary)
        : file_(file), path_(std::move(path)), temporary_(std::move(temporary)) {}

    std::FILE* file_;
    std::filesystem::path path_;
    std::filesystem::path temporary_;
};

// Writes the whole file atomically.
Result<void> write_file(const std::filesystem::path& path, std::string_view contents);

// The bytes of the event files, written through a raw pointer: one capacity check per line.
class LineBuffer {
public:
    static constexpr std::size_t longest_line = 2048;  // five values of at most 46 bytes, escaped

    void clear() { size_ = 0; }
    std::size_t size() const { return size_; }
    std::string_view view() const { return {bytes_.data(), size_}; }
    char* room() {
        if (size_ + longest_line > bytes_.size())
            bytes_.resize(std::max(bytes_.size() * 2, size_ + longest_line));
        return bytes_.data() + size_;
    }
    void filled_to(const char* end) { size_ = static_cast<std::size_t>(end - bytes_.data()); }

private:
    std::vector<char> bytes_;
    std::size_t size_ = 0;
};

// One NDJSON line, keys in the order of the input files.
void append_line(LineBuffer& buffer, const Row& row);

}  // namespace podcast::generator
