#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "podcast/result.hpp"

namespace podcast {

// The MD5 of a file's content as 32 lower-case hex digits (OpenSSL EVP).
Result<std::string> md5_file(const std::filesystem::path& path);

// The MD5 of a string as 32 lower-case hex digits.
std::string md5_hex(std::string_view text);

// The SHA-256 of a file's content, or of a string, as 64 lower-case hex digits: how the load
// record identifies a file's content.
Result<std::string> sha256_file(const std::filesystem::path& path);
std::string sha256_hex(std::string_view text);

}  // namespace podcast
