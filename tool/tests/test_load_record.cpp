#include <catch2/catch.hpp>

#include <fstream>

#include "podcast/checksum.hpp"
#include "podcast/load_record.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using podcast::ExitCode;
using podcast::testing::read_file;
using podcast::testing::TempDir;
using podcast::testing::write_file;

namespace {

podcast::ListedFile listed(const TempDir& dir, const std::string& name) {
    const fs::path path = dir / "loading" / name;
    return {name, fs::file_size(path), fs::last_write_time(path)};
}

}  // namespace

SCENARIO("a run loads the names the record does not hold", "[load]") {
    GIVEN("a record of one file and a loading directory with it and a new one") {
        TempDir dir;
        write_file(dir / "loading/a.json", "{}\n");
        write_file(dir / "loading/b.json", "{}\n");
        podcast::LoadRecord record;
        record["a.json"] = {"a.json", "2999-01-01 00:00:00.000000", 1, 3,
                            podcast::sha256_hex("{}\n")};
        const auto names = podcast::new_event_files(
            dir / "loading", {listed(dir, "a.json"), listed(dir, "b.json")}, record);
        THEN("only the new one") {
            REQUIRE(names.has_value());
            REQUIRE(std::vector<std::string>{"b.json"} == *names);
        }
    }
}

SCENARIO("a recorded name with other content refuses the run", "[load]") {
    TempDir dir;
    podcast::LoadRecord record;
    WHEN("its size differs") {
        write_file(dir / "loading/a.json", "{}\n{}\n");
        record["a.json"] = {"a.json", "2024-08-01 00:00:00.000000", 1, 3,
                            podcast::sha256_hex("{}\n")};
        const auto names =
            podcast::new_event_files(dir / "loading", {listed(dir, "a.json")}, record);
        REQUIRE_FALSE(names.has_value());
        REQUIRE(ExitCode::refused == names.error().code);
        REQUIRE_THAT(names.error().message,
                     Catch::Contains("a.json was loaded at 2024-08-01 00:00:00.000000 and now "
                                     "holds 6 bytes instead of 3"));
    }
    WHEN("it was modified after its load, with the same size and another digest") {
        write_file(dir / "loading/a.json", "[]\n");
        record["a.json"] = {"a.json", "2001-01-01 00:00:00.000000", 1, 3,
                            podcast::sha256_hex("{}\n")};
        const auto names =
            podcast::new_event_files(dir / "loading", {listed(dir, "a.json")}, record);
        REQUIRE_FALSE(names.has_value());
        REQUIRE_THAT(names.error().message, Catch::Contains("was changed since"));
    }
    WHEN("it was modified after its load with the same content") {
        write_file(dir / "loading/a.json", "{}\n");
        record["a.json"] = {"a.json", "2001-01-01 00:00:00.000000", 1, 3,
                            podcast::sha256_hex("{}\n")};
        const auto names =
            podcast::new_event_files(dir / "loading", {listed(dir, "a.json")}, record);
        REQUIRE(names.has_value());
        REQUIRE(names->empty());
    }
}

SCENARIO("the load manifest lists the checked files, a marked file read from a copy", "[load]") {
    GIVEN("a plain file and one starting with a byte-order mark, in a path with a quote") {
        TempDir dir;
        const fs::path loading = dir / "it's \"here\"";
        write_file(loading / "a.json", "{}\n");
        write_file(loading / "b.json", "\xEF\xBB\xBF{}\n");
        const fs::path manifest = dir / "state/load_manifest.csv";
        const auto written = podcast::write_load_manifest(
            manifest, loading, {{"a.json", 1, 3, "aa", false}, {"b.json", 1, 6, "bb", true}});
        REQUIRE(written.has_value());
        THEN("one CSV line per file, the path quoted") {
            const std::string quoted_dir =
                "\"" + dir.path().string() + "/it's \"\"here\"\"/a.json\"";
            REQUIRE(
                "filename,row_count,byte_count,sha256,read_path\n"
                "a.json,1,3,aa," +
                    quoted_dir +
                    "\n"
                    "b.json,1,6,bb,\"" +
                    (dir / "state/unmarked/b.json").string() + "\"\n" ==
                read_file(manifest));
        }
        THEN("the copy lacks only the mark") {
            REQUIRE("{}\n" == read_file(dir / "state/unmarked/b.json"));
        }
    }
}
