#include <catch2/catch.hpp>

#include "podcast/checksum.hpp"
#include "podcast/event_files.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using podcast::ExitCode;
using podcast::testing::TempDir;
using podcast::testing::write_file;

namespace {

const std::string event =
    R"({"event_type": "play", "user_id": "u", "episode_id": "e", "timestamp": "t", "duration": 1})";

std::string check_error(const TempDir& dir, const std::string& content) {
    write_file(dir / "loading/day/events.json", content);
    const auto checked = podcast::check_event_file(dir / "loading", "day/events.json");
    REQUIRE_FALSE(checked.has_value());
    REQUIRE(ExitCode::refused == checked.error().code);
    return checked.error().message;
}

}  // namespace

SCENARIO("glob characters are the ones DuckDB's reader expands", "[load]") {
    REQUIRE(podcast::has_glob_characters("/data/load*"));
    REQUIRE(podcast::has_glob_characters("/data/load[1]"));
    REQUIRE(podcast::has_glob_characters("/data/lo{a,b}d"));
    REQUIRE(podcast::has_glob_characters("/data/load?"));
    REQUIRE_FALSE(podcast::has_glob_characters("/data/it's a \"dir\", really"));
}

SCENARIO("the loading directory lists event files and names the others", "[load]") {
    GIVEN("event files, a hidden temporary file, a hidden directory and a compressed file") {
        TempDir dir;
        write_file(dir / "loading/2024-08-02/events.json", event);
        write_file(dir / "loading/2024-08-01/events.json", event + "\n");
        write_file(dir / "loading/2024-08-01/.events.json.123.landing", "partial");
        write_file(dir / "loading/.staging/x.json", event);
        write_file(dir / "loading/2024-08-03/events.json.gz", "gz");
        const auto listing = podcast::list_loading_directory(dir / "loading");
        REQUIRE(listing.has_value());
        THEN("event files come in name order with their sizes") {
            REQUIRE(2 == listing->event_files.size());
            REQUIRE("2024-08-01/events.json" == listing->event_files[0].name);
            REQUIRE(event.size() + 1 == listing->event_files[0].bytes);
            REQUIRE("2024-08-02/events.json" == listing->event_files[1].name);
        }
        THEN("hidden entries are passed over and other files named") {
            REQUIRE(std::vector<std::string>{"2024-08-03/events.json.gz"} == listing->ignored);
        }
    }
}

SCENARIO("the loading directory refuses what would load from elsewhere or be skipped", "[load]") {
    TempDir dir;
    write_file(dir / "elsewhere/events.json", event);
    write_file(dir / "loading/2024-08-01/events.json", event);
    WHEN("it holds a symlinked file") {
        fs::create_symlink(dir / "elsewhere/events.json", dir / "loading/linked.json");
        const auto listing = podcast::list_loading_directory(dir / "loading");
        REQUIRE_FALSE(listing.has_value());
        REQUIRE(ExitCode::refused == listing.error().code);
        REQUIRE_THAT(listing.error().message, Catch::Contains("symlink, linked.json"));
    }
    WHEN("it holds a symlinked directory") {
        fs::create_directory_symlink(dir / "elsewhere", dir / "loading/2024-08-02");
        const auto listing = podcast::list_loading_directory(dir / "loading");
        REQUIRE_FALSE(listing.has_value());
        REQUIRE_THAT(listing.error().message, Catch::Contains("symlink, 2024-08-02"));
    }
    WHEN("an event file's name is unsafe to quote") {
        write_file(dir / "loading/it's.json", event);
        const auto listing = podcast::list_loading_directory(dir / "loading");
        REQUIRE_FALSE(listing.has_value());
        REQUIRE_THAT(listing.error().message, Catch::Contains("'it's.json'"));
    }
    WHEN("its own path holds a glob character") {
        write_file(dir / "load[1]/events.json", event);
        const auto listing = podcast::list_loading_directory(dir / "load[1]");
        REQUIRE_FALSE(listing.has_value());
        REQUIRE(ExitCode::refused == listing.error().code);
        REQUIRE_THAT(listing.error().message, Catch::Contains("glob character"));
    }
}

SCENARIO("a valid file's rows are its non-blank lines, its digest its whole content", "[load]") {
    GIVEN("a byte-order mark, CRLF line ends, blank and whitespace lines, no final newline") {
        TempDir dir;
        const std::string content = "\xEF\xBB\xBF" + event + "\r\n \t\r\n\n" + event + "\n" + event;
        write_file(dir / "loading/day/events.json", content);
        const auto checked = podcast::check_event_file(dir / "loading", "day/events.json");
        REQUIRE(checked.has_value());
        THEN("three rows, the size, the SHA-256 and the mark are known") {
            REQUIRE(3 == checked->rows);
            REQUIRE(content.size() == checked->bytes);
            REQUIRE(podcast::sha256_hex(content) == checked->sha256);
            REQUIRE(checked->byte_order_mark);
        }
    }
    GIVEN("an integer beyond 64 bits and nested extra keys") {
        TempDir dir;
        write_file(
            dir / "loading/day/events.json",
            R"({"x": {"y": [1, {"z": null}]}, "event_type": "play", "user_id": "u", )"
            R"("episode_id": "e", "timestamp": "t", "duration": 123456789012345678901234567890})"
            "\n");
        const auto checked = podcast::check_event_file(dir / "loading", "day/events.json");
        THEN("the line is valid JSON") {
            REQUIRE(checked.has_value());
            REQUIRE(1 == checked->rows);
        }
    }
}

SCENARIO("a faulty line is named by its physical number and its fault", "[load]") {
    TempDir dir;
    const std::string keys =
        R"({"event_type": "play", "user_id": "u", "episode_id": "e", "timestamp": "t")";
    REQUIRE_THAT(check_error(dir, event + "\n\n" + keys + "}\n"),
                 Catch::Equals("load contract violated: file day/events.json, line 3: missing key "
                               "\"duration\""));
    REQUIRE_THAT(check_error(dir, keys + R"(, "duration": 1, "user_id": "v"})"),
                 Catch::EndsWith("line 1: duplicate key \"user_id\""));
    REQUIRE_THAT(check_error(dir, event + "\n" + keys + R"(, "duration": 1,})"),
                 Catch::Contains("line 2: is not a JSON object"));
    REQUIRE_THAT(check_error(dir, keys + R"(, "duration": NaN})"),
                 Catch::Contains("line 1: is not a JSON object"));
    REQUIRE_THAT(check_error(dir, event + " " + event), Catch::Contains("line 1: is not a JSON"));
    REQUIRE_THAT(check_error(dir, event + "\n" + event + event),
                 Catch::Contains("line 2: is not a JSON"));
    REQUIRE_THAT(check_error(dir, R"({"event_type": "play",)"
                                  "\n"
                                  R"("user_id": "u"})"),
                 Catch::Contains("line 1: is not a JSON object"));
    REQUIRE_THAT(check_error(dir, keys + ", \"duration\": \"\xff\"}"),
                 Catch::Contains("line 1: is not a JSON object: invalid UTF-8"));
    REQUIRE_THAT(check_error(dir, event + "\n\xEF\xBB\xBF" + event),
                 Catch::Contains("line 2: is not a JSON object"));
    REQUIRE_THAT(check_error(dir, "[1]"), Catch::EndsWith("line 1: is not a JSON object"));
}

SCENARIO("a line over the limit is refused, naming the limit", "[load]") {
    TempDir dir;
    const std::string pad(podcast::max_line_bytes, 'x');
    REQUIRE_THAT(check_error(dir, event + "\n" + R"({"pad": ")" + pad + "\"}\n"),
                 Catch::Contains("line 2: is longer than the limit of 16777216 bytes"));
}

SCENARIO("checking several files reports the first failing one in the given order", "[load]") {
    TempDir dir;
    write_file(dir / "loading/a.json", event);
    write_file(dir / "loading/b.json", "{}");
    write_file(dir / "loading/c.json", "[");
    const auto all = podcast::check_event_files(dir / "loading", {"a.json", "b.json", "c.json"}, 2);
    REQUIRE_FALSE(all.has_value());
    REQUIRE_THAT(all.error().message, Catch::Contains("file b.json, line 1"));
    const auto good = podcast::check_event_files(dir / "loading", {"a.json"}, 2);
    REQUIRE(good.has_value());
    REQUIRE(1 == good->size());
}
