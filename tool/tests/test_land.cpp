#include <catch2/catch.hpp>

#include <algorithm>

#include "podcast/checksum.hpp"
#include "podcast/land.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using podcast::LandOutcome;
using podcast::testing::read_file;
using podcast::testing::TempDir;
using podcast::testing::write_file;

namespace {

std::vector<std::string> files_below(const fs::path& root) {
    std::vector<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            names.push_back(entry.path().lexically_relative(root).generic_string());
        }
    }
    std::ranges::sort(names);
    return names;
}

}  // namespace

SCENARIO("complete files move into the loading directory under their relative name", "[land]") {
    GIVEN("a staging directory with two day files") {
        TempDir dir;
        write_file(dir / "staging/2024-08-01/events.json", "{\"a\":1}\n");
        write_file(dir / "staging/2024-08-02/events.json", "{\"a\":2}\n");
        WHEN("it is landed") {
            const auto landed = podcast::land({dir / "staging"}, dir / "loading");
            REQUIRE(landed.has_value());
            THEN("the loading directory holds exactly those files, with their content") {
                REQUIRE(
                    std::vector<std::string>{"2024-08-01/events.json", "2024-08-02/events.json"} ==
                    files_below(dir / "loading"));
                REQUIRE(std::string("{\"a\":2}\n") ==
                        read_file(dir / "loading/2024-08-02/events.json"));
            }
            THEN("the sources are gone from staging") {
                REQUIRE(files_below(dir / "staging").empty());
            }
            THEN("both are reported as landed") {
                REQUIRE(2 == std::ranges::count(*landed, LandOutcome::landed,
                                                &podcast::LandedFile::outcome));
            }
        }
    }
}

SCENARIO("incomplete files are ignored and stay in staging", "[land]") {
    GIVEN("files being written: a .tmp name, a dot name and a file in a hidden directory") {
        TempDir dir;
        write_file(dir / "staging/2024-08-01/events.json.tmp", "partial");
        write_file(dir / "staging/2024-08-01/.events.json", "partial");
        write_file(dir / "staging/.incoming/events.json", "partial");
        WHEN("the staging directory is landed") {
            const auto landed = podcast::land({dir / "staging"}, dir / "loading");
            THEN("nothing is landed and nothing leaves staging") {
                REQUIRE(landed.has_value());
                REQUIRE(landed->empty());
                REQUIRE(files_below(dir / "loading").empty());
                REQUIRE(3 == files_below(dir / "staging").size());
            }
        }
    }
}

SCENARIO("a name unsafe to glob or quote is refused naming the file, and nothing moves", "[land]") {
    GIVEN("a safe file and one whose name holds a quote and a space") {
        TempDir dir;
        write_file(dir / "staging/2024-08-01/events.json", "{}\n");
        write_file(dir / "staging/2024-08-02/it's here.json", "{}\n");
        WHEN("the staging directory is landed") {
            const auto landed = podcast::land({dir / "staging"}, dir / "loading");
            THEN("it fails naming the unsafe file") {
                REQUIRE_FALSE(landed.has_value());
                REQUIRE_THAT(landed.error().message, Catch::Contains("2024-08-02/it's here.json"));
            }
            THEN("the safe file was not moved either") {
                REQUIRE_FALSE(fs::exists(dir / "loading/2024-08-01/events.json"));
                REQUIRE(fs::exists(dir / "staging/2024-08-01/events.json"));
            }
        }
    }
}

SCENARIO("re-landing a file with the same content only removes the source", "[land]") {
    GIVEN("a file already landed and the same file staged again") {
        TempDir dir;
        write_file(dir / "loading/2024-08-01/events.json", "same\n");
        write_file(dir / "staging/2024-08-01/events.json", "same\n");
        WHEN("it is landed") {
            const auto landed = podcast::land({dir / "staging"}, dir / "loading");
            THEN("it is reported as already present") {
                REQUIRE(landed.has_value());
                REQUIRE(1 == landed->size());
                REQUIRE(LandOutcome::already_present == landed->front().outcome);
            }
            THEN("the staged copy is removed and the landed one is unchanged") {
                REQUIRE(files_below(dir / "staging").empty());
                REQUIRE(std::string("same\n") == read_file(dir / "loading/2024-08-01/events.json"));
            }
        }
    }
}

SCENARIO("a landed name with different content is refused naming both checksums", "[land]") {
    GIVEN("a landed file and a staged file of the same name with other content") {
        TempDir dir;
        write_file(dir / "loading/2024-08-01/events.json", "old\n");
        write_file(dir / "staging/2024-08-01/events.json", "new\n");
        WHEN("it is landed") {
            const auto landed = podcast::land({dir / "staging"}, dir / "loading");
            THEN("it fails naming the file and both MD5s") {
                REQUIRE_FALSE(landed.has_value());
                const std::string& message = landed.error().message;
                REQUIRE_THAT(message, Catch::Contains("2024-08-01/events.json"));
                REQUIRE_THAT(message, Catch::Contains(podcast::md5_hex("old\n")));
                REQUIRE_THAT(message, Catch::Contains(podcast::md5_hex("new\n")));
            }
            THEN("both files keep their content") {
                REQUIRE(std::string("old\n") == read_file(dir / "loading/2024-08-01/events.json"));
                REQUIRE(std::string("new\n") == read_file(dir / "staging/2024-08-01/events.json"));
            }
        }
    }
}

SCENARIO("a single file lands as <parent dir>/<file>", "[land]") {
    GIVEN("one day file given by its path") {
        TempDir dir;
        write_file(dir / "drop/2024-08-03/events.json", "{}\n");
        WHEN("it is landed") {
            const auto landed =
                podcast::land({dir / "drop/2024-08-03/events.json"}, dir / "loading");
            THEN("it is named by its parent directory and file name") {
                REQUIRE(landed.has_value());
                REQUIRE(std::vector<std::string>{"2024-08-03/events.json"} ==
                        files_below(dir / "loading"));
            }
        }
    }
}

SCENARIO("a missing source is a not-found error naming it", "[land]") {
    TempDir dir;
    WHEN("a path that does not exist is landed") {
        const auto landed = podcast::land({dir / "nowhere"}, dir / "loading");
        THEN("it fails with ExitCode::not_found naming the path") {
            REQUIRE_FALSE(landed.has_value());
            REQUIRE(podcast::ExitCode::not_found == landed.error().code);
            REQUIRE_THAT(landed.error().message, Catch::Contains((dir / "nowhere").string()));
        }
    }
}

SCENARIO("names are safe only with A-Z a-z 0-9 . _ - and /, no part starting with a dot",
         "[land]") {
    REQUIRE(podcast::is_safe_name("2024-08-01/events_v2.json"));
    REQUIRE_FALSE(podcast::is_safe_name("2024-08-01/events 1.json"));
    REQUIRE_FALSE(podcast::is_safe_name("2024-08-01/o'brien.json"));
    REQUIRE_FALSE(podcast::is_safe_name("2024-08-01/*.json"));
    REQUIRE_FALSE(podcast::is_safe_name("../events.json"));
    REQUIRE_FALSE(podcast::is_safe_name("a//b.json"));
}

SCENARIO("a source in, or around, the loading directory is refused and nothing moves", "[land]") {
    TempDir dir;
    write_file(dir / "loading/2024-08-01/events.json", "{\"a\":1}\n");
    for (const fs::path& source :
         {dir / "loading", dir / "loading/2024-08-01", dir.path(),
          dir / "loading/2024-08-01/events.json", dir / "loading/../loading/."}) {
        const auto landed = podcast::land({source}, dir / "loading");
        REQUIRE_FALSE(landed.has_value());
        REQUIRE(podcast::ExitCode::refused == landed.error().code);
    }
    REQUIRE(std::vector<std::string>{"2024-08-01/events.json"} == files_below(dir / "loading"));
    REQUIRE("{\"a\":1}\n" == read_file(dir / "loading/2024-08-01/events.json"));
}

SCENARIO("a name the record holds is checked against the recorded content", "[land]") {
    GIVEN("a record of 2024-08-01/events.json, archived from the loading directory") {
        TempDir dir;
        podcast::LoadRecord record;
        record["2024-08-01/events.json"] = {"2024-08-01/events.json", "2024-08-02 00:00:00.000000",
                                            1, 8, podcast::sha256_hex("{\"a\":1}\n")};
        WHEN("other content is delivered under the name") {
            write_file(dir / "staging/2024-08-01/events.json", "{\"a\":2}\n");
            const auto landed = podcast::land({dir / "staging"}, dir / "loading", record);
            THEN("it is refused and stays in staging") {
                REQUIRE_FALSE(landed.has_value());
                REQUIRE(podcast::ExitCode::refused == landed.error().code);
                REQUIRE_THAT(landed.error().message,
                             Catch::Contains("was loaded at 2024-08-02 00:00:00.000000 with "
                                             "different content"));
                REQUIRE(fs::exists(dir / "staging/2024-08-01/events.json"));
            }
        }
        WHEN("the same content is delivered again") {
            write_file(dir / "staging/2024-08-01/events.json", "{\"a\":1}\n");
            const auto landed = podcast::land({dir / "staging"}, dir / "loading", record);
            THEN("it is already loaded, leaves staging and is not landed again") {
                REQUIRE(landed.has_value());
                REQUIRE(LandOutcome::already_loaded == landed->front().outcome);
                REQUIRE_FALSE(fs::exists(dir / "staging/2024-08-01/events.json"));
                REQUIRE_FALSE(fs::exists(dir / "loading/2024-08-01/events.json"));
            }
        }
    }
}

SCENARIO("a symlink in a staging directory, or a loading path with glob characters, is refused",
         "[land]") {
    TempDir dir;
    write_file(dir / "elsewhere/events.json", "{\"a\":1}\n");
    WHEN("staging holds a symlink") {
        fs::create_directories(dir / "staging/2024-08-01");
        fs::create_symlink(dir / "elsewhere/events.json", dir / "staging/2024-08-01/events.json");
        const auto landed = podcast::land({dir / "staging"}, dir / "loading");
        REQUIRE_FALSE(landed.has_value());
        REQUIRE_THAT(landed.error().message, Catch::Contains("a symlink in a staging directory"));
    }
    WHEN("the loading directory's path holds a glob character") {
        write_file(dir / "staging/2024-08-01/events.json", "{\"a\":1}\n");
        const auto landed = podcast::land({dir / "staging"}, dir / "load*");
        REQUIRE_FALSE(landed.has_value());
        REQUIRE(podcast::ExitCode::refused == landed.error().code);
        REQUIRE(fs::exists(dir / "staging/2024-08-01/events.json"));
    }
}

SCENARIO(
    "a landing plan lists every file with its outcome, refusals with their reason, and moves "
    "nothing",
    "[land]") {
    GIVEN("staging with a new file, a file landed before, a changed landed name and a part file") {
        TempDir dir;
        write_file(dir / "staging/2024-08-01/events.json", "{\"a\":1}\n");
        write_file(dir / "staging/2024-08-02/events.json", "{\"a\":2}\n");
        write_file(dir / "loading/2024-08-02/events.json", "{\"a\":2}\n");
        write_file(dir / "staging/2024-08-03/events.json", "{\"a\":3}\n");
        write_file(dir / "loading/2024-08-03/events.json", "{\"a\":4}\n");
        write_file(dir / "staging/2024-08-04/.events.json.part", "partial");
        WHEN("the landing is planned") {
            const auto landing = podcast::plan_landing({dir / "staging"}, dir / "loading");
            REQUIRE(landing.has_value());
            THEN("each complete file has its outcome, by name") {
                REQUIRE(3 == landing->files.size());
                REQUIRE("2024-08-01/events.json" == landing->files[0].name);
                REQUIRE(LandOutcome::landed == landing->files[0].outcome);
                REQUIRE_FALSE(landing->files[0].refusal.has_value());
                REQUIRE(LandOutcome::already_present == landing->files[1].outcome);
                REQUIRE_FALSE(landing->files[1].refusal.has_value());
            }
            THEN("the changed name is refused with both checksums, and is the first refusal") {
                REQUIRE(landing->files[2].refusal.has_value());
                REQUIRE(podcast::ExitCode::refused == landing->files[2].refusal->code);
                REQUIRE_THAT(landing->files[2].refusal->message,
                             Catch::Contains("already landed with different content"));
                REQUIRE(landing->first_refusal() == &*landing->files[2].refusal);
            }
            THEN("the part file is listed as left alone") {
                REQUIRE(std::vector<std::string>{"2024-08-04/.events.json.part"} ==
                        landing->ignored);
            }
            THEN("nothing moved") {
                REQUIRE(4 == files_below(dir / "staging").size());
                REQUIRE(
                    std::vector<std::string>{"2024-08-02/events.json", "2024-08-03/events.json"} ==
                    files_below(dir / "loading"));
            }
        }
    }
}
