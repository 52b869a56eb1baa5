#pragma once
// Expected failures travel as values up to the one top-level handler in cli.cpp.
#include <expected>
#include <string>
#include <utility>

namespace podcast {

enum class ExitCode : int {
    ok = 0,
    failure = 1,      // the pipeline or a check failed
    usage = 2,        // a bad flag or argument
    busy = 3,         // the warehouse is held by a running pipeline
    not_found = 4,    // a missing file, directory or warehouse
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
