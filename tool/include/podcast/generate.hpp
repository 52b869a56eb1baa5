#pragma once
// `podcast generate`: a realistic synthetic dataset and its ground truth.
//
// OUT/reference/users.csv, OUT/reference/episodes.csv, one NDJSON file per day in
// OUT/events/YYYY-MM-DD/events.json, and OUT/expected.json: what the pipeline must compute
// on these files, found by applying the C++ reference implementation of
// docs/data-contract.md (reference_validator.hpp) to the text actually written.
//
// The output is a function of the options alone: the same options give byte-identical files.
// The event files hold `events_per_day` lines on average (exactly days * events_per_day in
// all), in a weekly rhythm with daily growth. Users are active on some days, not all, and
// listen in their country's local evening; plays stop early, completes come close to (rarely
// past) the episode's length, by episode and country; new episodes (one in eight is released
// during the generated days) are popular on their release day. A share `defect_rate` of the
// lines carries at least one defect, a few codes common and others rare, every code at least
// once (when there are 14 damaged lines); the same share is written
// in valid but unusual forms that normalisation must absorb (padded ids, "Play", offsets,
// durations as strings). A share `duplicate_rate` of the lines repeats an earlier event:
// verbatim, in another spelling of the same business key, or from an earlier day's file,
// sometimes with another duration.
//
// expected.json (keys in this order):
//   now_assumed       the rule for the run's "now": "any instant from A to B UTC ..."; the
//                     answers hold for any now in [A, B] (A: the latest timestamp before the
//                     far-future defects, B: 2098-12-31T23:59:59, just before them)
//   now_range         {"from": A, "to": B}, both YYYY-MM-DDTHH:MM:SS UTC
//   files             {"2024-08-01/events.json": rows, ...} names relative to OUT/events
//   raw_rows, valid_rows, invalid_rows
//   validation_codes  {code: rows carrying it} for all 14 codes, zeros included
//   cleansed_rows     distinct business keys among valid rows; fact_rows the same
//   q1                {"as_of": "YYYY-MM-DD", "rows": [{"rank", "episode_id", "podcast_id",
//                     "title", "completions"}, ...]}
//   q2                [{"country", "avg_listen_through_rate", "completions"}, ...] by country;
//                     the rate is a double, equal to the warehouse's up to summation order
//   q3                {"users": n}
//   sessions          {"gap_minutes": 30, "sessions", "events", "episodes", "listened_seconds",
//                     "duration_seconds"}: totals over gold.user_sessions' rows
//   q4                {"users", "mean_avg_session_duration_seconds"}: users with sessions and
//                     the mean over them of their average session duration
#include <chrono>
#include <cstdint>
#include <filesystem>

#include "podcast/result.hpp"

namespace podcast {

struct GenerateOptions {
    std::filesystem::path out;  // created if missing; refused when it holds anything but a dataset
    int days = 7;
    std::chrono::year_month_day start{std::chrono::year{2024}, std::chrono::month{8},
                                      std::chrono::day{1}};
    std::int64_t events_per_day = 20000;
    int users = 2000;
    int episodes = 300;
    double defect_rate = 0.05;
    double duplicate_rate = 0.02;
    std::uint64_t seed = 42;
};

struct GenerateSummary {
    std::int64_t events = 0;  // lines written over all event files
    std::int64_t files = 0;   // event files written
    double seconds = 0;       // wall time of the whole generation
};

// Writes the dataset. Bad options fail with ExitCode::usage, an unwritable OUT with
// ExitCode::failure; the message is one line. Prints nothing.
Result<GenerateSummary> generate(const GenerateOptions& options);

}  // namespace podcast
