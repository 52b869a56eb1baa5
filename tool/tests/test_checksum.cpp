#include <catch2/catch.hpp>

#include "podcast/checksum.hpp"
#include "support.hpp"

using podcast::testing::TempDir;

SCENARIO("the MD5 of a file is its content's digest in lower-case hex", "[land][checksum]") {
    GIVEN("a file holding 'abc'") {
        TempDir dir;
        podcast::testing::write_file(dir / "abc.txt", "abc");
        WHEN("its MD5 is computed") {
            const auto md5 = podcast::md5_file(dir / "abc.txt");
            THEN("it is the well-known digest of 'abc'") {
                REQUIRE(md5.has_value());
                REQUIRE(std::string("900150983cd24fb0d6963f7d28e17f72") == *md5);
            }
        }
    }
}

SCENARIO("the MD5 of a missing file is a not-found error", "[land][checksum]") {
    TempDir dir;
    WHEN("the MD5 of a file that does not exist is computed") {
        const auto md5 = podcast::md5_file(dir / "missing.json");
        THEN("it fails with ExitCode::not_found") {
            REQUIRE_FALSE(md5.has_value());
            REQUIRE(podcast::ExitCode::not_found == md5.error().code);
        }
    }
}

SCENARIO("the MD5 of a string matches the MD5 of a file with that content", "[checksum]") {
    TempDir dir;
    podcast::testing::write_file(dir / "text", "podcast");
    REQUIRE(*podcast::md5_file(dir / "text") == podcast::md5_hex("podcast"));
}
