#include "podcast/checksum.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace podcast {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext new_context(const EVP_MD* digest) {
    DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (context && EVP_DigestInit_ex(context.get(), digest, nullptr) != 1) {
        context.reset();
    }
    return context;
}

// Finishes the digest; empty if OpenSSL fails.
std::string hex_digest(EVP_MD_CTX* context) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context, digest.data(), &length) != 1) {
        return {};
    }
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        std::array<char, 3> pair{};
        std::snprintf(pair.data(), pair.size(), "%02x", digest[i]);
        hex += pair.data();
    }
    return hex;
}

std::string hex_of(const EVP_MD* digest, std::string_view text) {
    DigestContext context = new_context(digest);
    if (!context || EVP_DigestUpdate(context.get(), text.data(), text.size()) != 1) {
        throw std::runtime_error("OpenSSL could not compute a digest");
    }
    return hex_digest(context.get());
}

Result<std::string> hex_of_file(const EVP_MD* digest, const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail("could not read " + path.string(), ExitCode::not_found);
    }
    DigestContext context = new_context(digest);
    if (!context) {
        return fail("could not start a digest");
    }
    std::array<char, 1 << 16> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        const auto count = static_cast<std::size_t>(in.gcount());
        if (count > 0 && EVP_DigestUpdate(context.get(), buffer.data(), count) != 1) {
            return fail("could not digest " + path.string());
        }
    }
    if (in.bad()) {
        return fail("could not read " + path.string());
    }
    std::string hex = hex_digest(context.get());
    if (hex.empty()) {
        return fail("could not finish the digest of " + path.string());
    }
    return hex;
}

}  // namespace

std::string md5_hex(std::string_view text) { return hex_of(EVP_md5(), text); }

Result<std::string> md5_file(const std::filesystem::path& path) {
    return hex_of_file(EVP_md5(), path);
}

std::string sha256_hex(std::string_view text) { return hex_of(EVP_sha256(), text); }

Result<std::string> sha256_file(const std::filesystem::path& path) {
    return hex_of_file(EVP_sha256(), path);
}

}  // namespace podcast
