// The generator's writing: NDJSON lines with JSON escapes, and files that appear only whole.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "generate/output.hpp"
#include "support.hpp"

using podcast::generator::AtomicFile;
using podcast::generator::JsonKind;
using podcast::generator::LineBuffer;
using podcast::generator::Row;
using podcast::testing::TempDir;

SCENARIO("a row is one NDJSON line, strings escaped, literals and nulls as they are",
         "[generate]") {
    GIVEN("a row with a padded id, a quote, a control character, a literal and a null") {
        Row row;
        row.event_type.set(JsonKind::string, "Play\t");
        row.user_id.set(JsonKind::string, " user_1\r\n");
        row.episode_id.set(JsonKind::string, "ep_\"1\\\x01");
        row.timestamp.set(JsonKind::literal, "1722470400");
        row.duration.set_null();
        WHEN("it is appended to a buffer") {
            LineBuffer buffer;
            podcast::generator::append_line(buffer, row);
            THEN("the line has the five keys in the input files' order, escaped") {
                REQUIRE(std::string(R"({"event_type": "Play\t", "user_id": " user_1\r\n", )"
                                    R"("episode_id": "ep_\"1\\\u0001", "timestamp": 1722470400, )"
                                    R"("duration": null})"
                                    "\n") == buffer.view());
            }
        }
    }
}

SCENARIO("a file appears under its name only when committed", "[generate]") {
    GIVEN("a directory") {
        TempDir dir;
        const auto path = dir / "events.json";
        WHEN("a file is written but dropped uncommitted") {
            {
                auto file = AtomicFile::create(path);
                REQUIRE(file.has_value());
                REQUIRE(file->write("partial"));
            }
            THEN("neither the file nor its temporary is left") {
                REQUIRE(std::filesystem::is_empty(dir.path()));
            }
        }
        WHEN("a file is written and committed") {
            auto file = AtomicFile::create(path);
            REQUIRE(file.has_value());
            REQUIRE(file->write("whole\n"));
            REQUIRE(file->commit());
            THEN("it holds what was written, and nothing else is in the directory") {
                REQUIRE(std::string("whole\n") == podcast::testing::read_file(path));
                REQUIRE(1 == std::distance(std::filesystem::directory_iterator(dir.path()),
                                           std::filesystem::directory_iterator()));
            }
        }
    }
}
