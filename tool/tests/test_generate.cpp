// `podcast generate`: reproducible files, every defect class, duplicates, and an expected.json
// that an independent reading of the written files reproduces.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "podcast/generate.hpp"
#include "podcast/reference_validator.hpp"

namespace fs = std::filesystem;
using podcast::generate;
using podcast::GenerateOptions;
namespace reference = podcast::reference;

namespace {

// A fresh directory under the system's temporary directory, removed at the end of the scenario.
class Workspace {
public:
    Workspace() {
        std::random_device entropy;
        path_ = fs::temp_directory_path() /
                ("podcast-generate-test-" + std::to_string(entropy()) + std::to_string(entropy()));
        fs::create_directories(path_);
    }
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;
    ~Workspace() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// A small dataset with many defects and duplicates: 3 days of 2000 events.
GenerateOptions small_options(const fs::path& out) {
    GenerateOptions options;
    options.out = out;
    options.days = 3;
    options.events_per_day = 2000;
    options.users = 100;
    options.episodes = 30;
    options.defect_rate = 0.2;
    options.duplicate_rate = 0.1;
    options.seed = 7;
    return options;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

std::vector<std::string> lines_of(const fs::path& path) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Every regular file under `root`, by relative path, with its contents.
std::map<std::string, std::string> files_under(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
    }
    return files;
}

// The event files of a dataset in load order (name order), as relative names.
std::vector<std::string> event_files(const fs::path& out) {
    std::vector<std::string> names;
    for (const auto& [name, contents] : files_under(out / "events")) names.push_back(name);
    return names;
}

nlohmann::json expected_of(const fs::path& out) {
    return nlohmann::json::parse(read_file(out / "expected.json"));
}

// A CSV without quoting, as the generator writes it: header dropped.
std::vector<std::vector<std::string>> csv_rows(const fs::path& path) {
    std::vector<std::vector<std::string>> rows;
    const auto lines = lines_of(path);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::vector<std::string> cells;
        std::istringstream in(lines[i]);
        for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

std::vector<reference::User> users_of(const fs::path& out) {
    std::vector<reference::User> users;
    for (const auto& row : csv_rows(out / "reference" / "users.csv"))
        users.push_back({row.at(0), row.at(2)});
    return users;
}

std::vector<reference::Episode> episodes_of(const fs::path& out) {
    std::vector<reference::Episode> episodes;
    for (const auto& row : csv_rows(out / "reference" / "episodes.csv")) {
        episodes.push_back({row.at(0), row.at(1), row.at(2), std::stoi(row.at(4))});
    }
    return episodes;
}

// One line's five values as the contract stores them: a string's content, other JSON as text.
struct Values {
    std::array<std::optional<std::string>, 5> text;

    explicit Values(const std::string& line) {
        const auto object = nlohmann::json::parse(line);
        const std::array<const char*, 5> keys{"event_type", "user_id", "episode_id", "timestamp",
                                              "duration"};
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto& value = object.at(keys[i]);
            if (value.is_string())
                text[i] = value.get<std::string>();
            else if (!value.is_null())
                text[i] = value.dump();
        }
    }
    reference::RawEvent raw() const {
        const auto view =
            [](const std::optional<std::string>& value) -> std::optional<std::string_view> {
            if (!value) return std::nullopt;
            return std::string_view(*value);
        };
        return {view(text[0]), view(text[1]), view(text[2]), view(text[3]), view(text[4])};
    }
};

const std::int64_t assumed_now = *reference::parse_timestamp("2098-12-31T23:59:59");

reference::ReferenceIds ids_of(const fs::path& out) {
    std::vector<std::string> users;
    for (const auto& user : users_of(out)) users.push_back(user.user_id);
    std::vector<std::string> episodes;
    for (const auto& episode : episodes_of(out)) episodes.push_back(episode.episode_id);
    reference::ReferenceIds ids;
    ids.users = reference::IdIndex(std::move(users));
    ids.episodes = reference::IdIndex(std::move(episodes));
    return ids;
}

using BusinessKey = std::tuple<std::int32_t, std::int32_t, reference::EventType, std::int64_t>;

}  // namespace

SCENARIO("the same seed gives byte-identical files", "[generate]") {
    GIVEN("two datasets generated with the same options into different directories") {
        Workspace workspace;
        REQUIRE(generate(small_options(workspace.path() / "a")));
        REQUIRE(generate(small_options(workspace.path() / "b")));
        WHEN("their files are compared") {
            const auto a = files_under(workspace.path() / "a");
            const auto b = files_under(workspace.path() / "b");
            THEN("they are the same files with the same bytes") {
                REQUIRE(6 == a.size());
                REQUIRE(a == b);
            }
        }
    }
}

SCENARIO("a different seed gives different events", "[generate]") {
    GIVEN("two datasets generated with seeds 7 and 8") {
        Workspace workspace;
        GenerateOptions other = small_options(workspace.path() / "b");
        other.seed = 8;
        REQUIRE(generate(small_options(workspace.path() / "a")));
        REQUIRE(generate(other));
        WHEN("their first event files are compared") {
            const auto a =
                read_file(workspace.path() / "a" / "events" / "2024-08-01" / "events.json");
            const auto b =
                read_file(workspace.path() / "b" / "events" / "2024-08-01" / "events.json");
            THEN("they differ") { REQUIRE(a != b); }
        }
    }
}

SCENARIO("every event file is NDJSON objects with the five keys in order", "[generate]") {
    GIVEN("a generated dataset") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("each line is parsed") {
            THEN(
                "each is an object whose keys are event_type, user_id, episode_id, timestamp, "
                "duration") {
                const std::vector<std::string> keys{"event_type", "user_id", "episode_id",
                                                    "timestamp", "duration"};
                for (const auto& name : event_files(out)) {
                    for (const auto& line : lines_of(out / "events" / name)) {
                        const auto object = nlohmann::ordered_json::parse(line);
                        std::vector<std::string> actual;
                        for (const auto& [key, value] : object.items()) actual.push_back(key);
                        INFO(name << ": " << line);
                        REQUIRE(keys == actual);
                    }
                }
            }
        }
    }
}

SCENARIO("every validation code occurs at a defect rate of 0.2", "[generate]") {
    GIVEN("a generated dataset with defect rate 0.2") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("expected.json is read") {
            const auto codes = expected_of(out)["validation_codes"];
            THEN("each of the 14 codes counts at least one row") {
                REQUIRE(reference::validation_code_count == codes.size());
                for (const auto code : reference::all_validation_codes) {
                    INFO(reference::to_string(code));
                    REQUIRE(codes.at(std::string(reference::to_string(code))).get<int>() > 0);
                }
            }
        }
    }
}

SCENARIO("expected.json's counts add up", "[generate]") {
    GIVEN("a generated dataset of 3 days of 2000 events") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("expected.json is read") {
            const auto expected = expected_of(out);
            THEN("valid and invalid rows make the raw rows, and the files hold them all") {
                REQUIRE(6000 == expected["raw_rows"]);
                REQUIRE(expected["raw_rows"].get<int>() ==
                        expected["valid_rows"].get<int>() + expected["invalid_rows"].get<int>());
                int file_rows = 0;
                for (const auto& [name, rows] : expected["files"].items()) {
                    REQUIRE(rows.get<std::size_t>() == lines_of(out / "events" / name).size());
                    file_rows += rows.get<int>();
                }
                REQUIRE(3 == expected["files"].size());
                REQUIRE(6000 == file_rows);
            }
            THEN("the cleansed rows are fewer than the valid rows and equal the fact rows") {
                REQUIRE(expected["cleansed_rows"].get<int>() < expected["valid_rows"].get<int>());
                REQUIRE(expected["cleansed_rows"] == expected["fact_rows"]);
            }
            THEN("the invalid share is near the defect rate") {
                const double share =
                    expected["invalid_rows"].get<double>() / expected["raw_rows"].get<double>();
                REQUIRE(share > 0.15);
                REQUIRE(share < 0.25);
            }
        }
    }
}

SCENARIO("expected.json is what the contract gives on the written files", "[generate]") {
    GIVEN("a generated dataset") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN(
            "the files are read back with a JSON parser and fed to a fresh reference "
            "implementation") {
            reference::GroundTruth truth(users_of(out), episodes_of(out), assumed_now);
            for (const auto& name : event_files(out)) {
                truth.begin_file(name);
                for (const auto& line : lines_of(out / "events" / name))
                    truth.add_row(Values(line).raw());
            }
            THEN("it computes exactly expected.json") {
                REQUIRE(expected_of(out) == nlohmann::json::parse(truth.expected_json().dump()));
            }
        }
    }
}

SCENARIO("the analysis answers are not trivial", "[generate]") {
    GIVEN("a generated dataset") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("expected.json is read") {
            const auto expected = expected_of(out);
            THEN("q1 has 10 episodes as of the last day") {
                REQUIRE("2024-08-03" == expected["q1"]["as_of"]);
                REQUIRE(10 == expected["q1"]["rows"].size());
            }
            THEN("q2 has countries with rates near 1") {
                REQUIRE(expected["q2"].size() >= 3);
                for (const auto& country : expected["q2"]) {
                    REQUIRE(country["avg_listen_through_rate"].get<double>() > 0.8);
                    REQUIRE(country["avg_listen_through_rate"].get<double>() < 1.2);
                }
            }
            THEN("q3 counts some users but not all") {
                REQUIRE(expected["q3"]["users"].get<int>() > 0);
                REQUIRE(expected["q3"]["users"].get<int>() < 100);
            }
        }
    }
}

SCENARIO("duplicates occur within a file, across files, in other spellings and durations",
         "[generate]") {
    GIVEN("a generated dataset") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("the business keys of the valid rows are collected per file") {
            const auto ids = ids_of(out);
            std::map<BusinessKey, std::set<std::string>> files_of_key;
            std::map<BusinessKey, std::set<std::string>> spellings_of_key;
            std::map<BusinessKey, std::set<std::int32_t>> durations_of_key;
            int repeats_within_a_file = 0;
            for (const auto& name : event_files(out)) {
                std::set<BusinessKey> seen_here;
                for (const auto& line : lines_of(out / "events" / name)) {
                    const Values values(line);
                    const auto validation =
                        reference::validate_and_cleanse(values.raw(), ids, assumed_now);
                    if (!validation.cleansed) continue;
                    const auto& event = *validation.cleansed;
                    const BusinessKey key{event.user, event.episode, event.event_type,
                                          event.timestamp};
                    if (!seen_here.insert(key).second) ++repeats_within_a_file;
                    files_of_key[key].insert(name);
                    spellings_of_key[key].insert(*values.text[0] + "|" + *values.text[1] + "|" +
                                                 *values.text[2] + "|" + *values.text[3]);
                    if (event.duration) durations_of_key[key].insert(*event.duration);
                }
            }
            const auto some_key_has_several = [](const auto& by_key) {
                return std::any_of(by_key.begin(), by_key.end(),
                                   [](const auto& entry) { return entry.second.size() > 1; });
            };
            THEN("some key repeats within a file") { REQUIRE(repeats_within_a_file > 0); }
            THEN("some key occurs in two files") { REQUIRE(some_key_has_several(files_of_key)); }
            THEN("some key is spelled in two ways") {
                REQUIRE(some_key_has_several(spellings_of_key));
            }
            THEN("some key occurs with two durations") {
                REQUIRE(some_key_has_several(durations_of_key));
            }
        }
    }
}

SCENARIO("valid rows include the spellings that normalisation must absorb", "[generate]") {
    GIVEN("a generated dataset") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("the valid rows are inspected") {
            const auto ids = ids_of(out);
            std::set<std::string> spellings;
            for (const auto& name : event_files(out)) {
                for (const auto& line : lines_of(out / "events" / name)) {
                    const Values values(line);
                    if (!reference::validate(values.raw(), ids, assumed_now).empty()) continue;
                    const auto& [type, user, episode, timestamp, duration] = values.text;
                    if (*user != reference::trim(*user)) spellings.insert("padded user_id");
                    if (*episode != reference::trim(*episode))
                        spellings.insert("padded episode_id");
                    if (*type != reference::to_string(*reference::parse_event_type(*type)))
                        spellings.insert("event_type");
                    if (timestamp->ends_with("Z")) spellings.insert("Z");
                    if (timestamp->size() == 25) spellings.insert("offset");
                    const auto object = nlohmann::json::parse(line);
                    if (object["duration"].is_string()) spellings.insert("duration string");
                }
            }
            THEN(
                "padded ids, other event type spellings, Z, offsets and string durations all "
                "occur") {
                REQUIRE(std::set<std::string>{"padded user_id", "padded episode_id", "event_type",
                                              "Z", "offset", "duration string"} == spellings);
            }
        }
    }
}

SCENARIO("the summary counts the lines and files written", "[generate]") {
    GIVEN("options for 3 days of 2000 events") {
        Workspace workspace;
        WHEN("the dataset is generated") {
            const auto summary = generate(small_options(workspace.path() / "data"));
            THEN("it reports 6000 events in 3 files") {
                REQUIRE(summary);
                REQUIRE(6000 == summary->events);
                REQUIRE(3 == summary->files);
                REQUIRE(summary->seconds >= 0);
            }
        }
    }
}

SCENARIO("no temporary file is left behind", "[generate]") {
    GIVEN("a generated dataset") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("its files are listed") {
            const auto files = files_under(out);
            THEN("none is hidden or temporary") {
                for (const auto& [name, contents] : files) {
                    INFO(name);
                    REQUIRE(std::string::npos == name.find("/."));
                    REQUIRE(!name.ends_with(".tmp"));
                }
            }
        }
    }
}

SCENARIO("bad options are refused as usage errors with one line", "[generate]") {
    GIVEN("options that are wrong in one way each") {
        Workspace workspace;
        GenerateOptions options = small_options(workspace.path() / "data");
        const int which = GENERATE(range(0, 8));
        switch (which) {
            case 0:
                options.days = 0;
                break;
            case 1:
                options.events_per_day = -1;
                break;
            case 2:
                options.users = 0;
                break;
            case 3:
                options.episodes = 0;
                break;
            case 4:
                options.defect_rate = 1.5;
                break;
            case 5:
                options.duplicate_rate = std::nan("");
                break;
            case 6:
                options.start = std::chrono::year{2024} / 2 / 30;
                break;
            default:
                options.out.clear();
                break;
        }
        WHEN("generate runs") {
            const auto result = generate(options);
            THEN("it fails with a usage error and writes nothing") {
                REQUIRE(!result);
                REQUIRE(podcast::ExitCode::usage == result.error().code);
                REQUIRE(std::string::npos == result.error().message.find('\n'));
                REQUIRE(!fs::exists(workspace.path() / "data"));
            }
        }
    }
}

SCENARIO("a directory that holds something other than a dataset is refused", "[generate]") {
    GIVEN("a directory with an unrelated file") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        fs::create_directories(out);
        std::ofstream(out / "notes.txt") << "mine\n";
        WHEN("generate is asked to write there") {
            const auto result = generate(small_options(out));
            THEN("it refuses and leaves the file alone") {
                REQUIRE(!result);
                REQUIRE(podcast::ExitCode::usage == result.error().code);
                REQUIRE("mine\n" == read_file(out / "notes.txt"));
            }
        }
    }
}

SCENARIO("generating over an earlier dataset replaces it", "[generate]") {
    GIVEN("a dataset of 3 days") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(small_options(out)));
        WHEN("a dataset of 2 days is generated into the same directory") {
            GenerateOptions shorter = small_options(out);
            shorter.days = 2;
            REQUIRE(generate(shorter));
            THEN("only its 2 event files remain") {
                REQUIRE(std::vector<std::string>{"2024-08-01/events.json",
                                                 "2024-08-02/events.json"} == event_files(out));
                REQUIRE(2 == expected_of(out)["files"].size());
            }
        }
    }
}

SCENARIO("an output path that is a file is refused", "[generate]") {
    GIVEN("a regular file where the output directory should be") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        std::ofstream(out) << "x";
        WHEN("generate runs") {
            const auto result = generate(small_options(out));
            THEN("it fails naming the path") {
                REQUIRE(!result);
                REQUIRE(std::string::npos != result.error().message.find(out.string()));
            }
        }
    }
}

namespace {

// A week of the demo's shape, smaller: 7 days from Thursday 2024-08-01.
GenerateOptions week_options(const fs::path& out) {
    GenerateOptions options;
    options.out = out;
    options.days = 7;
    options.events_per_day = 5000;
    options.users = 400;
    options.episodes = 80;
    options.seed = 11;
    return options;
}

}  // namespace

SCENARIO("daily volume follows a weekly rhythm and grows, averaging --events-per-day",
         "[generate]") {
    GIVEN("a generated week") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(week_options(out)));
        const auto files = expected_of(out)["files"];
        WHEN("the lines per day are counted") {
            THEN("they add up to 7 times the mean") {
                std::int64_t total = 0;
                for (const auto& [name, rows] : files.items()) total += rows.get<std::int64_t>();
                REQUIRE(35000 == total);
            }
            THEN("the weekend (Sat 08-03, Sun 08-04) is quieter than the weekdays around it") {
                REQUIRE(files["2024-08-03/events.json"].get<int>() <
                        files["2024-08-02/events.json"].get<int>());
                REQUIRE(files["2024-08-04/events.json"].get<int>() <
                        files["2024-08-05/events.json"].get<int>());
            }
            THEN("a later Thursday holds more than the first (growth)") {
                REQUIRE(files["2024-08-01/events.json"].get<int>() <
                        files["2024-08-07/events.json"].get<int>() + 1);
                REQUIRE(files["2024-08-05/events.json"].get<int>() >
                        files["2024-08-01/events.json"].get<int>());
            }
        }
    }
}

SCENARIO("listen-through differs by country and completes rarely run past the episode",
         "[generate]") {
    GIVEN("a generated week") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(week_options(out)));
        WHEN("the complete events are read") {
            const auto episodes = episodes_of(out);
            std::map<std::string, int> length;
            for (const auto& episode : episodes)
                length[episode.episode_id] = episode.duration_seconds;
            int completes = 0;
            int past = 0;
            for (const auto& name : event_files(out)) {
                for (const auto& line : lines_of(out / "events" / name)) {
                    const auto object = nlohmann::json::parse(line);
                    if (object["event_type"] != "complete" ||
                        !object["duration"].is_number_integer() ||
                        !object["episode_id"].is_string() ||
                        !length.contains(object["episode_id"])) {
                        continue;
                    }
                    ++completes;
                    past += object["duration"].get<int>() > length[object["episode_id"]] ? 1 : 0;
                }
            }
            THEN("fewer than 1 in 10 completes is longer than its episode") {
                REQUIRE(completes > 1000);
                REQUIRE(past * 10 < completes);
            }
            THEN("the countries' average rates span more than 5 points") {
                double lowest = 2;
                double highest = 0;
                const auto expected = expected_of(out);
                for (const auto& country : expected["q2"]) {
                    lowest = std::min(lowest, country["avg_listen_through_rate"].get<double>());
                    highest = std::max(highest, country["avg_listen_through_rate"].get<double>());
                }
                REQUIRE(highest - lowest > 0.05);
                REQUIRE(highest < 1.0);
            }
        }
    }
}

SCENARIO("a few defect codes are common and others rare, every one present", "[generate]") {
    GIVEN("a generated week at a 5% defect rate") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(week_options(out)));
        const auto codes = expected_of(out)["validation_codes"];
        THEN("every code occurs, and the commonest at least 10 times the rarest") {
            std::int64_t rarest = std::numeric_limits<std::int64_t>::max();
            std::int64_t commonest = 0;
            for (const auto& [code, rows] : codes.items()) {
                INFO(code);
                REQUIRE(rows.get<std::int64_t>() > 0);
                rarest = std::min(rarest, rows.get<std::int64_t>());
                commonest = std::max(commonest, rows.get<std::int64_t>());
            }
            REQUIRE(commonest >= 10 * rarest);
        }
    }
}

SCENARIO("users are active on some days, not all, and listen in their local evening",
         "[generate]") {
    GIVEN("a generated week") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(week_options(out)));
        std::map<std::string, std::string> country_of;
        for (const auto& user : users_of(out)) country_of[user.user_id] = user.country;
        std::map<std::string, std::set<std::string>> days_of_user;
        std::map<std::string, std::array<int, 24>> hours_of_country;
        for (const auto& name : event_files(out)) {
            for (const auto& line : lines_of(out / "events" / name)) {
                const auto object = nlohmann::json::parse(line);
                if (!object["user_id"].is_string() || !country_of.contains(object["user_id"]) ||
                    !object["timestamp"].is_string()) {
                    continue;
                }
                const auto stamp = object["timestamp"].get<std::string>();
                const auto instant = reference::parse_timestamp(stamp);
                if (!instant) continue;
                days_of_user[object["user_id"]].insert(name.substr(0, 10));
                ++hours_of_country[country_of[object["user_id"]]]
                                  [static_cast<std::size_t>(*instant % 86400 / 3600)];
            }
        }
        THEN("fewer than half of the users who listen at all do so on all 7 days") {
            std::size_t every_day = 0;
            for (const auto& [user, days] : days_of_user) every_day += days.size() == 7 ? 1 : 0;
            REQUIRE(every_day * 2 < days_of_user.size());
        }
        THEN("the US peaks in the UTC small hours and Japan around UTC noon") {
            const auto peak = [](const std::array<int, 24>& hours) {
                return static_cast<int>(std::max_element(hours.begin(), hours.end()) -
                                        hours.begin());
            };
            const int us = peak(hours_of_country["US"]);
            const int jp = peak(hours_of_country["JP"]);
            REQUIRE((us <= 4 || us >= 23));   // 19-23 local at UTC-5
            REQUIRE((jp >= 10 && jp <= 14));  // 19-23 local at UTC+9
        }
    }
}

SCENARIO("a new episode is most popular around its release day", "[generate]") {
    GIVEN("a generated week") {
        Workspace workspace;
        const auto out = workspace.path() / "data";
        REQUIRE(generate(week_options(out)));
        std::map<std::string, std::string> released;
        for (const auto& row : csv_rows(out / "reference" / "episodes.csv"))
            released[row.at(0)] = row.at(3);
        std::map<std::string, std::map<std::string, int>> plays;  // episode -> day -> events
        for (const auto& name : event_files(out)) {
            for (const auto& line : lines_of(out / "events" / name)) {
                const auto object = nlohmann::json::parse(line);
                if (object["episode_id"].is_string())
                    ++plays[object["episode_id"]][name.substr(0, 10)];
            }
        }
        THEN("some episodes are released during the week, with no event before their release") {
            int new_episodes = 0;
            for (const auto& [episode, day] : released) {
                if (day < "2024-08-01") continue;
                ++new_episodes;
                for (const auto& [event_day, count] : plays[episode]) REQUIRE(event_day >= day);
            }
            REQUIRE(new_episodes > 0);
        }
        THEN("over the new episodes, the release day holds more events than the 4th day after") {
            int on_release = 0;
            int later = 0;
            for (const auto& [episode, day] : released) {
                if (day < "2024-08-01" || day > "2024-08-03") continue;
                on_release += plays[episode][day];
                const std::string fourth = "2024-08-0" + std::to_string(day.back() - '0' + 4);
                later += plays[episode][fourth];
            }
            REQUIRE(on_release > later);
        }
    }
}
