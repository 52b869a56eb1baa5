#pragma once
// The settings of a pipeline run: THE list of dbt vars `podcast run --var` accepts, each with its
// kind (the check its value must pass, and how it reaches dbt) and a one-line doc. `podcast run
// --help` and docs/data-contract.md ("Settings") show this list; any other name is refused.
#include <chrono>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "podcast/result.hpp"

namespace podcast {

// What a var's value must be: a description ("a timestamp YYYY-MM-DD HH:MM:SS") and the check,
// which turns the text after '=' into the JSON value dbt gets, or says what is wrong with it.
struct VarKind {
    std::string_view description;
    Result<nlohmann::json> (*parse)(std::string_view text);
};

// A date YYYY-MM-DD of the proleptic Gregorian calendar.
extern const VarKind date_kind;
// A timestamp YYYY-MM-DD HH:MM:SS (optionally .f to .ffffff), UTC.
extern const VarKind timestamp_kind;
// A non-empty JSON list of distinct event types from play, pause, seek, complete.
extern const VarKind event_types_kind;
// A JSON list of event file names relative to the loading directory (land's complete names).
extern const VarKind event_files_kind;
// A Snowflake stage name: one to three dot-separated identifiers ([A-Za-z_][A-Za-z0-9_$]*).
extern const VarKind stage_name_kind;
// true or false.
extern const VarKind boolean_kind;
// An integer from 1 to 2147483647 written as digits.
extern const VarKind positive_integer_kind;
// A directory path: not empty, no control character, none of * ? [ ] { } (globbed below it).
extern const VarKind directory_kind;

struct VarSpec {
    std::string_view name;
    const VarKind& kind;
    std::string_view doc;  // one line, for --help and docs/data-contract.md
};

// Every var a run accepts, in the order --help lists them.
std::span<const VarSpec> run_vars();

// The vars of a run as dbt gets them (a name given again takes the later value), or the first
// bad --var: ExitCode::usage with "--var NAME: ..." (no '=', an unknown name, a value that fails
// its kind's check).
Result<nlohmann::json> parse_run_vars(const std::vector<std::string>& key_values);

// "  load_at   a timestamp ...: doc" lines for `podcast run --help`.
std::string run_vars_help();

// The day 'YYYY-MM-DD' names, when it is a real calendar day.
std::optional<std::chrono::year_month_day> calendar_date(std::string_view text);
// True for 'YYYY-MM-DD' naming a real calendar day.
bool is_calendar_date(std::string_view text);
// True for 'YYYY-MM-DD HH:MM:SS' (optionally with 1 to 6 fractional digits), a real date and time.
bool is_timestamp(std::string_view text);

// Where load_at came from, for the message when it is not later than the warehouse's loads.
enum class LoadAtOrigin { var, clock };

// load_at must be later than every load_at in bronze.raw_events (else the incremental models would
// skip the run's rows). Reads the warehouse read-only while the caller holds the run's lock; a
// missing warehouse or table means no load yet. ExitCode::usage when the --var is too early.
Result<void> check_load_at_is_new(const std::filesystem::path& warehouse,
                                  const std::string& load_at, LoadAtOrigin origin);

}  // namespace podcast
