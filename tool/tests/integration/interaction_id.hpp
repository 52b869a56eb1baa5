#pragma once
// The documented interaction_id formula (docs/data-contract.md), computed in the tests
// independently of the SQL: the first 31 hex digits of
// md5(user_id|episode_id|event_type|YYYY-MM-DDTHH:MM:SS in UTC), read as a base-16 integer
// (124 bits), in decimal.
#include <openssl/evp.h>

#include <cstdio>
#include <string>

namespace podcast::integration {

inline std::string expected_interaction_id(const std::string& user_id,
                                           const std::string& episode_id,
                                           const std::string& event_type,
                                           const std::string& timestamp) {
    const std::string key = user_id + "|" + episode_id + "|" + event_type + "|" + timestamp;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(key.data(), key.size(), digest, &length, EVP_md5(), nullptr);
    char hex[33];
    for (unsigned int i = 0; i < 16; ++i) {
        std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    __extension__ unsigned __int128 id = 0;
    for (int i = 0; i < 31; ++i) {
        id = id * 16 + static_cast<unsigned>(std::stoi(std::string(1, hex[i]), nullptr, 16));
    }
    std::string decimal;
    do {
        decimal.insert(decimal.begin(), static_cast<char>('0' + static_cast<int>(id % 10)));
        id /= 10;
    } while (id != 0);
    return decimal;
}

}  // namespace podcast::integration
