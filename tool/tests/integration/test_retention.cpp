// Retention (docs/data-contract.md, "Retention"): with a window of retention_days, the cleansed and
// fact tables hold exactly the events of the window and the archive (Parquet beside the
// warehouse) every older one, each exactly once, whatever the sequence of runs: day by day, in
// one run, rerun, fully refreshed, stopped while archiving, or fed late events. Each generated
// dataset is checked against the generator's expected.json, and each window against a reference
// warehouse built from the same files without retention.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "expected_figures.hpp"
#include "workspace.hpp"

using namespace podcast::integration;
using nlohmann::json;

namespace {

constexpr int refused = 5;

// 'YYYY-MM-DD' moved by `days` days.
std::string day_after(const std::string& day, int days) {
    using namespace std::chrono;
    const year_month_day date{year{std::stoi(day.substr(0, 4))},
                              month{static_cast<unsigned>(std::stoi(day.substr(5, 2)))},
                              std::chrono::day{static_cast<unsigned>(std::stoi(day.substr(8, 2)))}};
    const year_month_day moved{sys_days{date} + std::chrono::days{days}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(moved.year()),
                  static_cast<unsigned>(moved.month()), static_cast<unsigned>(moved.day()));
    return text;
}

// The "now" of the run that takes in the files of `day`: noon of the next day (every event of a
// day's file is before it).
std::string now_after(const std::string& day) { return day_after(day, 1) + " 12:00:00"; }

fs::path archive_of(const Workspace& ws) { return ws.warehouse().string() + ".archive"; }

// A relation of everything archived from `table` (every Parquet file of its month folders), or
// of no row, with the table's columns, when there is none.
std::string archived(const Workspace& ws, const std::string& table) {
    const std::string pattern = (archive_of(ws) / table / "month=*/*.parquet").string();
    if (ws.count("select count(*) from glob('" + pattern + "')") == 0) {
        const std::string schema = table == "cleansed_events" ? "silver" : "gold";
        return "(select * from " + schema + "." + table + " where false)";
    }
    return "read_parquet('" + pattern + "')";
}

// Files in the archive's folders whose name is not a complete archive file's (run-*.parquet).
std::int64_t stray_archive_files(const Workspace& ws) {
    return ws.count(
        "select count(*) from glob('" + (archive_of(ws) / "*/*/*").string() +
        "') where not regexp_matches(file, '/month=[0-9]{4}-[0-9]{2}/run-[^/]*[.]parquet$')");
}

const std::string cleansed_columns =
    "user_id, episode_id, cast(event_type as varchar), strftime(timestamp, '%Y-%m-%dT%H:%M:%S'), "
    "duration, filename, line_number";
const std::string cleansed_key =
    "user_id, episode_id, cast(event_type as varchar), strftime(timestamp, '%Y-%m-%dT%H:%M:%S')";

// What a warehouse and its archive hold, for the properties every scenario checks.
struct Holdings {
    std::int64_t cleansed_rows = 0, fact_rows = 0, archived_cleansed = 0, archived_fact = 0;
    std::int64_t distinct_keys = 0;  // over cleansed table and archive together
    std::int64_t distinct_ids = 0;   // over fact table and archive together
    json interaction_ids;            // expected.json's id figures, over fact table and archive
    std::string oldest_kept;         // the earliest timestamp in either table
    std::string newest_archived;     // the latest timestamp in either archive
    std::int64_t fact_without_cleansed = 0;  // fact rows (table; archive) with no cleansed twin
    std::int64_t archived_fact_without_cleansed = 0;
    std::int64_t stray_files = 0;
    std::string digest;  // every row of both tables and both archives, and the archive's files
};

Holdings holdings(const Workspace& ws) {
    Holdings h;
    const std::string cleansed_archive = archived(ws, "cleansed_events");
    const std::string fact_archive = archived(ws, "fact_user_interactions");
    h.cleansed_rows = ws.count("select count(*) from silver.cleansed_events");
    h.fact_rows = ws.count("select count(*) from gold.fact_user_interactions");
    h.archived_cleansed = ws.count("select count(*) from " + cleansed_archive);
    h.archived_fact = ws.count("select count(*) from " + fact_archive);
    h.distinct_keys = ws.count(
        "select count(*) from (select distinct user_id, episode_id, cast(event_type as varchar), "
        "timestamp from (select user_id, episode_id, event_type::varchar as event_type, timestamp "
        "from silver.cleansed_events union all select user_id, episode_id, "
        "event_type::varchar, timestamp from " +
        cleansed_archive + "))");
    const std::string all_facts =
        "(select interaction_id::hugeint as interaction_id from gold.fact_user_interactions "
        "union all select interaction_id::hugeint from " +
        fact_archive + ")";
    h.distinct_ids = ws.count("select count(distinct interaction_id) from " + all_facts);
    const auto ids = ws.query(
                           "select cast(min(interaction_id) as varchar), "
                           "cast(max(interaction_id) as varchar), "
                           "cast(sum(interaction_id % 1000000007) as bigint) from " +
                           all_facts)
                         .rows.at(0);
    h.interaction_ids = interaction_id_figures(ids.at(0), ids.at(1), ids.at(2));
    h.oldest_kept = ws.scalar(
        "select coalesce(cast(min(timestamp) as varchar), 'none') from (select timestamp from "
        "silver.cleansed_events union all select timestamp from gold.fact_user_interactions)");
    h.newest_archived = ws.scalar(
        "select coalesce(cast(max(timestamp) as varchar), 'none') from (select timestamp from " +
        cleansed_archive + " union all select timestamp from " + fact_archive + ")");
    const auto unmatched = [&](const std::string& fact, const std::string& cleansed) {
        return ws.count("select count(*) from " + fact + " as f anti join " + cleansed +
                        " as c on f.user_id = c.user_id and f.episode_id = c.episode_id and "
                        "f.event_type::varchar = c.event_type::varchar and "
                        "f.timestamp = c.timestamp");
    };
    h.fact_without_cleansed = unmatched("gold.fact_user_interactions", "silver.cleansed_events");
    h.archived_fact_without_cleansed = unmatched(fact_archive, cleansed_archive);
    h.stray_files = stray_archive_files(ws);
    const auto lines = [](const std::string& line, const std::string& relation) {
        return "(select string_agg(line, ',' order by line) from (select concat_ws('|', " + line +
               ") as line from " + relation + "))";
    };
    h.digest =
        ws.scalar("select md5(concat_ws('#', " +
                  lines(cleansed_columns + ", load_at", "silver.cleansed_events") + ", " +
                  lines("interaction_id, " + cleansed_key + ", duration, load_at",
                        "gold.fact_user_interactions") +
                  ", " + lines(cleansed_columns + ", load_at", cleansed_archive) + ", " +
                  lines("interaction_id, " + cleansed_key + ", duration, load_at", fact_archive) +
                  ", " + "(select string_agg(file, ',' order by file) from glob('" +
                  (archive_of(ws) / "*/*/*").string() + "'))))");
    return h;
}

// The properties of every retained warehouse: its tables and archive together hold the whole
// dataset's cleansed events (expected.json), each once; the tables hold nothing before the
// window's first day, the archive nothing from it on; fact and cleansed agree; no stray file.
void require_retained(const Holdings& h, const json& expected, const std::string& window_start) {
    INFO("window from " << window_start);
    REQUIRE(expected["cleansed_rows"].get<std::int64_t>() == h.cleansed_rows + h.archived_cleansed);
    REQUIRE(expected["fact_rows"].get<std::int64_t>() == h.fact_rows + h.archived_fact);
    REQUIRE(h.cleansed_rows + h.archived_cleansed == h.distinct_keys);
    REQUIRE(h.fact_rows + h.archived_fact == h.distinct_ids);
    REQUIRE(expected["interaction_ids"] == h.interaction_ids);
    REQUIRE(h.oldest_kept >= window_start);
    REQUIRE((h.newest_archived == "none" || h.newest_archived < window_start));
    REQUIRE(h.cleansed_rows == h.fact_rows);
    REQUIRE(0 == h.fact_without_cleansed);
    REQUIRE(h.archived_cleansed == h.archived_fact);
    REQUIRE(0 == h.archived_fact_without_cleansed);
    REQUIRE(0 == h.stray_files);
}

// A generated dataset in a workspace (landing moves its event files into the loading directory;
// the same options generate the same bytes again).
struct Dataset {
    fs::path dir;
    json expected;
    std::vector<std::string> days;  // YYYY-MM-DD, in order
    std::vector<std::string> options;
};

// podcast generate's options for a small dataset of `days` days.
std::vector<std::string> generation(int days, int events_per_day, int seed) {
    return {"--days",           std::to_string(days),
            "--events-per-day", std::to_string(events_per_day),
            "--users",          "60",
            "--episodes",       "20",
            "--seed",           std::to_string(seed)};
}

Dataset generate_into(const Workspace& ws, const std::vector<std::string>& options) {
    Dataset dataset{ws.root() / "generated", {}, {}, options};
    std::vector<std::string> arguments{"generate", "--out", dataset.dir.string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    const auto generated = run_podcast_binary(arguments);
    if (generated.exit_code != 0) {
        throw std::runtime_error("podcast generate failed: " + generated.output);
    }
    std::ifstream in(dataset.dir / "expected.json");
    dataset.expected = json::parse(in);
    for (const auto& entry : fs::directory_iterator(dataset.dir / "events")) {
        dataset.days.push_back(entry.path().filename().string());
    }
    std::sort(dataset.days.begin(), dataset.days.end());
    for (const char* name : {"users.csv", "episodes.csv"}) {
        fs::copy_file(dataset.dir / "reference" / name, ws.reference() / name,
                      fs::copy_options::overwrite_existing);
    }
    return dataset;
}

void land_day(const Workspace& ws, const Dataset& dataset, const std::string& day) {
    const auto landed = run_podcast_binary(
        {"land", (dataset.dir / "events" / day / "events.json").string(), "--data-dir",
         ws.loading().string(), "--warehouse", ws.warehouse().string()});
    if (landed.exit_code != 0) {
        throw std::runtime_error("podcast land failed: " + landed.output);
    }
}

CommandOutcome run_retained(const Workspace& ws, const std::string& now, int retention_days,
                            std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments{"--var", "now=" + now, "--var",
                                       "retention_days=" + std::to_string(retention_days)};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return ws.run(arguments);
}

// A warehouse of the same files without retention: the window's rows and the archived keys must
// be exactly its rows from the window's first day on, and its keys before it.
struct Reference {
    std::vector<std::string> window_rows;
    std::vector<std::string> keys_before_window;
};

Reference reference_for(const Dataset& dataset, const std::string& now,
                        const std::string& window_start) {
    Workspace ws;
    const Dataset same = generate_into(ws, dataset.options);
    for (const auto& day : same.days) {
        land_day(ws, same, day);
    }
    const auto run = ws.run({"--var", "now=" + now});
    if (run.exit_code != 0) {
        throw std::runtime_error("the reference run failed: " + run.output);
    }
    return {rows_as_text(ws.query("select " + cleansed_columns +
                                  " from silver.cleansed_events where timestamp >= '" +
                                  window_start + "' order by all")),
            rows_as_text(ws.query("select " + cleansed_key +
                                  " from silver.cleansed_events where timestamp < '" +
                                  window_start + "' order by all"))};
}

std::vector<std::string> window_rows(const Workspace& ws) {
    return rows_as_text(
        ws.query("select " + cleansed_columns + " from silver.cleansed_events order by all"));
}

std::vector<std::string> archived_keys(const Workspace& ws) {
    return rows_as_text(ws.query("select " + cleansed_key + " from " +
                                 archived(ws, "cleansed_events") + " order by all"));
}

// A run of dbt with nothing new (another var, the same meaning), then a full refresh, each with the
// holdings after it: neither may change the tables or the archive.
template <class State>
void rerun_then_full_refresh(State& state, const std::string& now) {
    state.more_exit_codes.push_back(
        run_retained(*state.ws, now, 20, {"--var", "session_gap_minutes=30"}).exit_code);
    state.after_rerun = holdings(*state.ws);
    state.more_exit_codes.push_back(run_retained(*state.ws, now, 20, {"--full-refresh"}).exit_code);
    state.after_refresh = holdings(*state.ws);
}

}  // namespace

SCENARIO("Forty days loaded day by day keep a 20-day window and archive the rest, once",
         "[retention][e2e]") {
    GIVEN("40 generated days, each landed and run on the next day with retention_days=20") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            Dataset dataset;
            std::string window_start;
            std::vector<int> exit_codes;
            Holdings after_days, after_nothing_new, after_rerun, after_refresh;
            CommandOutcome nothing_new;
            std::vector<int> more_exit_codes;
            std::vector<std::string> rows, keys;
            Reference reference;
        };
        auto& s = once([] {
            State state;
            state.dataset = generate_into(*state.ws, generation(40, 200, 11));
            const std::string now = now_after(state.dataset.days.back());
            state.window_start = day_after(now.substr(0, 10), -20);
            for (const auto& day : state.dataset.days) {
                land_day(*state.ws, state.dataset, day);
                state.exit_codes.push_back(run_retained(*state.ws, now_after(day), 20).exit_code);
            }
            state.after_days = holdings(*state.ws);
            state.rows = window_rows(*state.ws);
            state.keys = archived_keys(*state.ws);
            state.nothing_new = run_retained(*state.ws, now, 20);
            state.after_nothing_new = holdings(*state.ws);
            rerun_then_full_refresh(state, now);
            state.reference = reference_for(state.dataset, now, state.window_start);
            return state;
        });
        WHEN("the last day has run") {
            THEN("every run succeeded") { REQUIRE(std::vector<int>(40, 0) == s.exit_codes); }
            THEN("tables and archive hold every cleansed event once, split at the window") {
                require_retained(s.after_days, s.dataset.expected, s.window_start);
                REQUIRE(s.after_days.archived_cleansed > 0);
            }
            THEN("the tables hold exactly the window a run without retention has") {
                REQUIRE(s.reference.window_rows == s.rows);
            }
            THEN("the archive holds exactly the keys before it") {
                REQUIRE(s.reference.keys_before_window == s.keys);
            }
        }
        WHEN("it runs again with nothing new, then dbt runs again, then a full refresh") {
            THEN("the first is up to date and nothing changes, in the tables or the archive") {
                REQUIRE(0 == s.nothing_new.exit_code);
                REQUIRE_THAT(s.nothing_new.output, Catch::Contains("Nothing new"));
                REQUIRE(s.after_days.digest == s.after_nothing_new.digest);
                REQUIRE(std::vector<int>{0, 0} == s.more_exit_codes);
                REQUIRE(s.after_days.digest == s.after_rerun.digest);
                REQUIRE(s.after_days.digest == s.after_refresh.digest);
            }
        }
    }
}

SCENARIO("Forty days loaded in one run keep a 20-day window and archive the rest, once",
         "[retention][e2e]") {
    GIVEN("40 generated days landed at once and run with retention_days=20") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            Dataset dataset;
            std::string window_start;
            int exit_code = -1;
            Holdings after_run, after_rerun, after_refresh;
            std::vector<int> more_exit_codes;
            std::vector<std::string> rows, keys;
            Reference reference;
        };
        auto& s = once([] {
            State state;
            state.dataset = generate_into(*state.ws, generation(40, 200, 12));
            const std::string now = now_after(state.dataset.days.back());
            state.window_start = day_after(now.substr(0, 10), -20);
            for (const auto& day : state.dataset.days) {
                land_day(*state.ws, state.dataset, day);
            }
            state.exit_code = run_retained(*state.ws, now, 20).exit_code;
            state.after_run = holdings(*state.ws);
            state.rows = window_rows(*state.ws);
            state.keys = archived_keys(*state.ws);
            rerun_then_full_refresh(state, now);
            state.reference = reference_for(state.dataset, now, state.window_start);
            return state;
        });
        WHEN("the run is done") {
            THEN("it succeeded, and tables and archive hold every cleansed event once") {
                REQUIRE(0 == s.exit_code);
                require_retained(s.after_run, s.dataset.expected, s.window_start);
                REQUIRE(s.after_run.archived_cleansed > 0);
            }
            THEN("the tables hold exactly the window, the archive exactly the keys before it") {
                REQUIRE(s.reference.window_rows == s.rows);
                REQUIRE(s.reference.keys_before_window == s.keys);
            }
            THEN("a rerun and a full refresh change neither tables nor archive") {
                REQUIRE(std::vector<int>{0, 0} == s.more_exit_codes);
                REQUIRE(s.after_run.digest == s.after_rerun.digest);
                REQUIRE(s.after_run.digest == s.after_refresh.digest);
            }
        }
    }
}

SCENARIO("A run stopped after writing the archive and before its commit is completed by the next",
         "[retention][kill]") {
    GIVEN(
        "30 generated days: 20 run with a 10-day window, then 10 more in a run that stops "
        "after writing its archive files, and an unfinished file a kill left behind") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            Dataset dataset;
            std::string window_start;
            int first_exit = -1, stopped_exit = -1, next_exit = -1;
            std::int64_t archived_before_stop = 0, archived_after_stop = 0;
            std::int64_t cleansed_after_stop = 0, cleansed_before_stop = 0;
            std::int64_t kept_and_archived_after_stop = 0;
            bool unfinished_left = false;
            std::string next_output;
            Holdings after_next, after_refresh;
        };
        auto& s = once([] {
            State state;
            state.dataset = generate_into(*state.ws, generation(30, 150, 13));
            const auto& days = state.dataset.days;
            for (std::size_t i = 0; i < 20; ++i) {
                land_day(*state.ws, state.dataset, days[i]);
            }
            state.first_exit = run_retained(*state.ws, now_after(days[19]), 10).exit_code;
            state.cleansed_before_stop =
                state.ws->count("select count(*) from silver.cleansed_events");
            state.archived_before_stop =
                state.ws->count("select count(*) from " + archived(*state.ws, "cleansed_events"));
            // The record's last write fails once anything is archived before the new window:
            // the post-hook has then written its files, and the transaction rolls back, as when
            // the process is killed between the rename of its files and the commit.
            const std::string stop_at = day_after(now_after(days[29]).substr(0, 10), -10);
            state.ws->execute(
                "create table silver.record_copy as select * from silver.retention_record; "
                "drop table silver.retention_record; "
                "create table silver.retention_record (table_name varchar not null, "
                "retention_days integer, window_start date, archived_before date, "
                "archive_location varchar not null, loaded_through timestamp, load_at timestamp "
                "not null, check (archived_before < date '" +
                stop_at +
                "')); "
                "insert into silver.retention_record select * from silver.record_copy; "
                "drop table silver.record_copy");
            for (std::size_t i = 20; i < 30; ++i) {
                land_day(*state.ws, state.dataset, days[i]);
            }
            state.stopped_exit = run_retained(*state.ws, now_after(days[29]), 10).exit_code;
            state.cleansed_after_stop =
                state.ws->count("select count(*) from silver.cleansed_events");
            state.archived_after_stop =
                state.ws->count("select count(*) from " + archived(*state.ws, "cleansed_events"));
            state.kept_and_archived_after_stop = state.ws->count(
                "select count(*) from silver.cleansed_events as kept semi join " +
                archived(*state.ws, "cleansed_events") +
                " as archived on kept.user_id = archived.user_id and kept.episode_id = "
                "archived.episode_id and kept.event_type::varchar = archived.event_type and "
                "kept.timestamp = archived.timestamp");
            // The constraint goes (the "restart"); a kill during a write leaves a temporary file.
            state.ws->execute(
                "create table silver.record_copy as select * from silver.retention_record; "
                "drop table silver.retention_record; "
                "create table silver.retention_record as select * from silver.record_copy; "
                "drop table silver.record_copy");
            const fs::path month =
                *fs::directory_iterator(archive_of(*state.ws) / "cleansed_events");
            const fs::path unfinished = month / "tmp_run-20990101T000000000000-killed.parquet";
            std::ofstream(unfinished) << "half a Parquet file";
            const auto next = run_retained(*state.ws, now_after(days[29]), 10);
            state.next_exit = next.exit_code;
            state.next_output = next.output;
            state.unfinished_left = fs::exists(unfinished);
            state.after_next = holdings(*state.ws);
            state.window_start = day_after(now_after(days[29]).substr(0, 10), -10);
            (void)run_retained(*state.ws, now_after(days[29]), 10, {"--full-refresh"});
            state.after_refresh = holdings(*state.ws);
            return state;
        });
        WHEN("the stopped run has failed") {
            THEN("its archive files are written while its table still holds their rows") {
                REQUIRE(0 == s.first_exit);
                REQUIRE(0 != s.stopped_exit);
                REQUIRE(s.archived_after_stop > s.archived_before_stop);
                REQUIRE(s.cleansed_before_stop == s.cleansed_after_stop);
                REQUIRE(s.archived_after_stop - s.archived_before_stop ==
                        s.kept_and_archived_after_stop);
            }
        }
        WHEN("the next run has completed it") {
            THEN("it succeeded and removed the unfinished file") {
                REQUIRE(0 == s.next_exit);
                REQUIRE_FALSE(s.unfinished_left);
                REQUIRE_THAT(s.next_output, Catch::Contains("Removed 1 unfinished archive file"));
            }
            THEN("nothing is lost or doubled: every cleansed event once, split at the window") {
                require_retained(s.after_next, s.dataset.expected, s.window_start);
            }
            THEN("a full refresh changes nothing") {
                REQUIRE(s.after_next.digest == s.after_refresh.digest);
            }
        }
    }
}

SCENARIO(
    "A late event older than the window lands only in the archive, and a late duplicate "
    "of an archived event is not archived again",
    "[retention]") {
    GIVEN(
        "a 7-day window, then a file with an event older than it, then a re-delivery of that "
        "event with another duration") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            std::vector<int> exit_codes;
            std::int64_t late_in_tables = -1;
            std::vector<std::string> archived_cleansed, archived_fact, archive_files_before,
                archive_files_after, raw_durations;
            std::int64_t kept = -1;
            CommandOutcome status, report, query, query_json;
        };
        auto& s = once([] {
            State state;
            const std::string now = "2024-08-22 12:00:00";
            state.ws->drop(
                "2024-08-20/events.json",
                event_line("play", "user_1", "ep_1", "2024-08-20T10:00:00", 100) +
                    event_line("complete", "user_2", "ep_2", "2024-08-21T10:00:00", 1800));
            state.exit_codes.push_back(run_retained(*state.ws, now, 7).exit_code);
            state.ws->drop(
                "2024-08-21/events.json",
                event_line("complete", "user_3", "ep_3", "2024-08-01T09:00:00", 7000) +
                    event_line("pause", "user_3", "ep_1", "2024-08-21T11:00:00", nullptr));
            state.exit_codes.push_back(run_retained(*state.ws, now, 7).exit_code);
            state.late_in_tables = state.ws->count(
                "select (select count(*) from silver.cleansed_events where timestamp < "
                "'2024-08-15') + (select count(*) from gold.fact_user_interactions where "
                "timestamp < '2024-08-15')");
            state.archive_files_before = rows_as_text(
                state.ws->query("select file from glob('" +
                                (archive_of(*state.ws) / "*/*/*").string() + "') order by 1"));
            state.ws->drop("2024-08-22/events.json",
                           event_line("complete", "user_3", "ep_3", "2024-08-01T09:00:00", 6500));
            state.exit_codes.push_back(run_retained(*state.ws, now, 7).exit_code);
            state.archive_files_after = rows_as_text(
                state.ws->query("select file from glob('" +
                                (archive_of(*state.ws) / "*/*/*").string() + "') order by 1"));
            state.archived_cleansed = rows_as_text(
                state.ws->query("select user_id, event_type, timestamp, duration, filename from " +
                                archived(*state.ws, "cleansed_events") + " order by all"));
            state.archived_fact = rows_as_text(
                state.ws->query("select user_id, event_type, timestamp, duration from " +
                                archived(*state.ws, "fact_user_interactions") + " order by all"));
            state.kept = state.ws->count("select count(*) from silver.cleansed_events");
            state.raw_durations = rows_as_text(state.ws->query(
                "select duration from bronze.raw_events where user_id = 'user_3' and "
                "episode_id = 'ep_3' order by load_at"));
            const std::string warehouse = state.ws->warehouse().string();
            state.status = run_podcast_binary({"status", "--warehouse", warehouse});
            state.report = run_podcast_binary({"report", "--warehouse", warehouse});
            state.query = run_podcast_binary(
                {"query", "select user_id, month, duration from fact_user_interactions_archive",
                 "--format", "csv", "--warehouse", warehouse});
            state.query_json = run_podcast_binary({"status", "--json", "--warehouse", warehouse});
            return state;
        });
        WHEN("the runs are done") {
            THEN("every run succeeded") { REQUIRE(std::vector<int>{0, 0, 0} == s.exit_codes); }
            THEN("the late event is in neither table, and in both archives, as first loaded") {
                REQUIRE(0 == s.late_in_tables);
                REQUIRE(std::vector<std::string>{
                            "user_3|complete|2024-08-01 09:00:00|7000|2024-08-21/events.json"} ==
                        s.archived_cleansed);
                REQUIRE(std::vector<std::string>{"user_3|complete|2024-08-01 09:00:00|7000"} ==
                        s.archived_fact);
                REQUIRE(3 == s.kept);
            }
            THEN("the re-delivery wrote no archive file, and its raw row stays in bronze") {
                REQUIRE(2 == s.archive_files_before.size());
                REQUIRE(s.archive_files_before == s.archive_files_after);
                REQUIRE(std::vector<std::string>{"7000", "6500"} == s.raw_durations);
            }
            THEN("status shows the window and the archived months") {
                REQUIRE(0 == s.status.exit_code);
                REQUIRE_THAT(
                    s.status.output,
                    Catch::Contains("Retention window: 7 days: the tables keep events "
                                    "from 2024-08-15 on; older events are in the archive " +
                                    archive_of(*s.ws).string()));
                REQUIRE_THAT(s.status.output, Catch::Contains("Archived months\n"));
                const auto document = json::parse(s.query_json.output);
                REQUIRE(json::parse(
                            R"([{"table": "silver.cleansed_events", "month": "2024-08", "rows": 1},
                    {"table": "gold.fact_user_interactions", "month": "2024-08", "rows": 1}])") ==
                        document["archived_months"]);
                REQUIRE("2024-08-15" == document["retention"][0]["window_start"]);
            }
            THEN("the report says which window it covers and that older events are archived") {
                REQUIRE(0 == s.report.exit_code);
                REQUIRE_THAT(s.report.output,
                             Catch::Contains("Analysis window: the 7 days the warehouse keeps, "
                                             "events from 2024-08-15 on; older events are in the "
                                             "archive " +
                                             archive_of(*s.ws).string() +
                                             ": 1 event (podcast query: "
                                             "fact_user_interactions_archive)"));
            }
            THEN("podcast query reads the archive beside the tables") {
                REQUIRE(0 == s.query.exit_code);
                REQUIRE("user_id,month,duration\nuser_3,2024-08,7000\n" == s.query.output);
            }
        }
    }
}

SCENARIO("Lengthening the window or turning retention off brings no archived event back",
         "[retention]") {
    GIVEN(
        "events archived by a 7-day window, then runs with a 30-day window and none, each "
        "a full refresh, then a file with a new old event and a duplicate of an archived one") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            std::vector<int> exit_codes;
            std::vector<std::string> kept_after_archiving, kept_longer, kept_without, kept_last;
            std::vector<std::string> files_after_archiving, files_last;
            std::vector<std::string> archived_last;
        };
        auto& s = once([] {
            State state;
            const auto kept = [&] {
                return rows_as_text(state.ws->query(
                    "select user_id, timestamp from silver.cleansed_events union all select "
                    "user_id, timestamp from gold.fact_user_interactions order by all"));
            };
            const auto files = [&] {
                return rows_as_text(state.ws->query("select file from glob('" +
                                                    (archive_of(*state.ws) / "*/*/*").string() +
                                                    "') order by 1"));
            };
            const std::string now = "2024-08-21 12:00:00";
            state.ws->drop("2024-08-20/events.json",
                           event_line("play", "user_1", "ep_1", "2024-08-01T10:00:00", 100) +
                               event_line("play", "user_2", "ep_1", "2024-08-10T10:00:00", 100) +
                               event_line("play", "user_3", "ep_1", "2024-08-20T10:00:00", 100));
            state.exit_codes.push_back(run_retained(*state.ws, now, 7).exit_code);
            state.kept_after_archiving = kept();
            state.files_after_archiving = files();
            state.exit_codes.push_back(
                run_retained(*state.ws, now, 30, {"--full-refresh"}).exit_code);
            state.kept_longer = kept();
            state.exit_codes.push_back(
                state.ws->run({"--var", "now=" + now, "--full-refresh"}).exit_code);
            state.kept_without = kept();
            state.ws->drop("2024-08-21/events.json",
                           event_line("play", "user_4", "ep_2", "2024-08-05T10:00:00", 100) +
                               event_line("play", "user_1", "ep_1", "2024-08-01T10:00:00", 555));
            state.exit_codes.push_back(state.ws->run({"--var", "now=" + now}).exit_code);
            state.kept_last = kept();
            state.files_last = files();
            state.archived_last = rows_as_text(state.ws->query(
                "select user_id, duration from " + archived(*state.ws, "cleansed_events") +
                " union all select user_id, duration from " +
                archived(*state.ws, "fact_user_interactions") + " order by all"));
            return state;
        });
        WHEN("the runs are done") {
            THEN("every run succeeded") { REQUIRE(std::vector<int>{0, 0, 0, 0} == s.exit_codes); }
            THEN("the 7-day window archived the two older events") {
                REQUIRE(std::vector<std::string>{"user_3|2024-08-20 10:00:00",
                                                 "user_3|2024-08-20 10:00:00"} ==
                        s.kept_after_archiving);
                REQUIRE(2 == s.files_after_archiving.size());
            }
            THEN("a longer window and no window keep them archived, even rebuilt from bronze") {
                REQUIRE(s.kept_after_archiving == s.kept_longer);
                REQUIRE(s.kept_after_archiving == s.kept_without);
            }
            THEN(
                "without a window a new old event stays, and a duplicate of an archived one "
                "does not, and nothing is archived again") {
                REQUIRE(std::vector<std::string>{"user_3|2024-08-20 10:00:00",
                                                 "user_3|2024-08-20 10:00:00",
                                                 "user_4|2024-08-05 10:00:00",
                                                 "user_4|2024-08-05 10:00:00"} == s.kept_last);
                REQUIRE(s.files_after_archiving == s.files_last);
                REQUIRE(std::vector<std::string>{"user_1|100", "user_1|100", "user_2|100",
                                                 "user_2|100"} == s.archived_last);
            }
        }
    }
}

SCENARIO("The archive can live elsewhere, and a path DuckDB would glob is refused",
         "[retention][edge][settings]") {
    GIVEN("a file with an event older than a 10-day window") {
        struct State {
            std::unique_ptr<Workspace> ws = std::make_unique<Workspace>();
            fs::path elsewhere;
            CommandOutcome globbed_var, globbed_default, moved, status, query;
            bool warehouse_after_refusals = true;
            std::vector<std::string> files;
        };
        auto& s = once([] {
            State state;
            state.ws->drop("2024-08-01/events.json",
                           event_line("play", "user_1", "ep_1", "2024-08-01T10:00:00", 100) +
                               event_line("play", "user_2", "ep_1", "2024-08-20T10:00:00", 100));
            const std::vector<std::string> retained{"--var", "now=2024-08-21 00:00:00", "--var",
                                                    "retention_days=10"};
            auto with = [&](std::vector<std::string> arguments, const fs::path& warehouse) {
                std::vector<std::string> all{"run",
                                             "--reference-dir",
                                             state.ws->reference().string(),
                                             "--data-dir",
                                             state.ws->loading().string(),
                                             "--warehouse",
                                             warehouse.string()};
                all.insert(all.end(), retained.begin(), retained.end());
                all.insert(all.end(), arguments.begin(), arguments.end());
                return run_podcast_binary(all);
            };
            state.globbed_var =
                with({"--var", "archive_dir=" + (state.ws->root() / "arch*").string()},
                     state.ws->warehouse());
            state.globbed_default = with({}, state.ws->root() / "w[1]" / "warehouse.duckdb");
            state.warehouse_after_refusals =
                fs::exists(state.ws->warehouse()) || fs::exists(state.ws->root() / "w[1]");
            state.elsewhere = state.ws->root() / "cold" / "storage" / "podcast archive";
            state.moved =
                with({"--var", "archive_dir=" + state.elsewhere.string()}, state.ws->warehouse());
            state.files = rows_as_text(state.ws->query(
                "select replace(file, '" + state.elsewhere.string() + "/', '') from glob('" +
                (state.elsewhere / "*/*/*").string() + "') order by 1"));
            const std::string warehouse = state.ws->warehouse().string();
            state.status = run_podcast_binary({"status", "--warehouse", warehouse});
            state.query =
                run_podcast_binary({"query", "select user_id, month from cleansed_events_archive",
                                    "--format", "csv", "--warehouse", warehouse});
            return state;
        });
        WHEN("archive_dir, or the warehouse's own path, holds a glob character") {
            THEN("the run is refused before anything is loaded, naming the var") {
                REQUIRE(2 == s.globbed_var.exit_code);
                REQUIRE_THAT(s.globbed_var.output,
                             Catch::Contains("--var archive_dir: expected a directory path"));
                REQUIRE(2 == s.globbed_default.exit_code);
                REQUIRE_THAT(s.globbed_default.output, Catch::Contains("holds a glob character") &&
                                                           Catch::Contains("--var archive_dir"));
                REQUIRE_FALSE(s.warehouse_after_refusals);
            }
        }
        WHEN("archive_dir names a directory whose parents do not exist") {
            THEN("the run creates them and archives there, one file per table") {
                REQUIRE(0 == s.moved.exit_code);
                REQUIRE(2 == s.files.size());
                REQUIRE_THAT(s.files.at(0),
                             Catch::StartsWith("cleansed_events/month=2024-08/run-") &&
                                 Catch::EndsWith(".parquet"));
                REQUIRE_THAT(s.files.at(1),
                             Catch::StartsWith("fact_user_interactions/month=2024-08/run-"));
            }
            THEN("status and query find it through the warehouse's record") {
                REQUIRE_THAT(s.status.output, Catch::Contains(s.elsewhere.string()));
                REQUIRE("user_id,month\nuser_1,2024-08\n" == s.query.output);
            }
        }
    }
}

SCENARIO("podcast query reads the archive directory and nothing beside it",
         "[retention][edge][query]") {
    GIVEN(
        "a warehouse with an archive, a file beside the warehouse and a folder named like the "
        "archive") {
        auto& ws = once([] {
            auto workspace = std::make_unique<Workspace>();
            workspace->drop("2024-08-01/events.json",
                            event_line("play", "user_1", "ep_1", "2024-08-01T10:00:00", 100) +
                                event_line("play", "user_2", "ep_1", "2024-08-20T10:00:00", 100));
            const auto run = run_retained(*workspace, "2024-08-21 00:00:00", 10);
            if (run.exit_code != 0) {
                throw std::runtime_error("the fixture run failed: " + run.output);
            }
            std::ofstream(workspace->root() / "outside.csv") << "secret\nvalue\n";
            fs::create_directories(workspace->root() / "warehouse.duckdb.archive2");
            std::ofstream(workspace->root() / "warehouse.duckdb.archive2/other.csv")
                << "secret\nvalue\n";
            return workspace;
        });
        const fs::path archive = archive_of(*ws);
        const auto query = [&](const std::string& sql) {
            return run_podcast_binary({"query", sql, "--warehouse", ws->warehouse().string()});
        };
        WHEN("a query reads the archive's files with read_parquet") {
            const auto outcome = query("select count(*) as n from read_parquet('" +
                                       (archive / "*/month=*/run-*.parquet").string() + "')");
            THEN("it reads them") {
                REQUIRE(0 == outcome.exit_code);
                REQUIRE_THAT(outcome.output, Catch::Matches("n\\s+-+\\s+2\\s*"));
            }
        }
        for (const std::string& path :
             {(ws->root() / "outside.csv").string(), (archive / "../outside.csv").string(),
              (ws->root() / "warehouse.duckdb.archive2/other.csv").string(),
              std::string("/etc/passwd")}) {
            WHEN("a query reads " + path) {
                const auto outcome = query("select * from read_csv('" + path + "')");
                THEN("it fails in one line without the file's content") {
                    REQUIRE(0 != outcome.exit_code);
                    REQUIRE_THAT(outcome.output, Catch::Contains("disabled by configuration"));
                    REQUIRE_THAT(outcome.output, !Catch::Contains("value"));
                }
            }
        }
        WHEN("a query copies into the archive") {
            const fs::path target = archive / "cleansed_events/month=2024-07/run-evil.parquet";
            const auto outcome = query("copy (select 1) to '" + target.string() + "'");
            THEN("it is refused and writes nothing") {
                REQUIRE(refused == outcome.exit_code);
                REQUIRE_FALSE(fs::exists(target));
            }
        }
    }
}
