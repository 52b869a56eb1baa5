#pragma once
// Expected failures travel as values up to the one top-level handler in cli.cpp.
#include <expected>
#include <string>
#include <utility>

namespace podcast {

// The one list of exit codes; `podcast --help` and docs/data-contract.md print it.
enum class ExitCode : int {
    ok = 0,
    failure = 1,    // the pipeline failed (a dbt node or data test), or something unexpected
    usage = 2,      // a bad flag, argument or --var value, or a selection matching nothing
    busy = 3,       // the warehouse is held by a run (or by a reader, for a run)
    not_found = 4,  // a missing file, directory or warehouse
    refused = 5,    // input refused before anything was loaded or replaced: an event or
                    // reference file breaking the contract, a file the warehouse's load
                    // refused (Snowflake), an unsafe name, a re-delivery
};

// Every exit code with its meaning, in order: what --help and docs/data-contract.md list.
struct ExitCodeMeaning {
    ExitCode code;
    const char* name;
    const char* meaning;
};

inline constexpr ExitCodeMeaning exit_code_meanings[] = {
    {ExitCode::ok, "ok", "success"},
    {ExitCode::failure, "failure", "the pipeline failed (a dbt node or data test), or a query"},
    {ExitCode::usage, "usage",
     "a bad flag, argument or --var value, or a selection that matches no node"},
    {ExitCode::busy, "busy", "the warehouse is held by a run (or by a reader, for a run)"},
    {ExitCode::not_found, "not_found", "a missing file, directory or warehouse"},
    {ExitCode::refused, "refused",
     "input refused before anything was loaded or replaced (a contract violation, a file the "
     "load refused, an unsafe name, a re-delivery, a query that is not one SELECT)"},
};

struct Error {
    std::string message;  // one line: what went wrong and where
    ExitCode code = ExitCode::failure;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message, ExitCode code = ExitCode::failure) {
    return std::unexpected<Error>(Error{std::move(message), code});
}

}  // namespace podcast
