#pragma once
// The command line: parses argv, runs one subcommand and is the one place that turns an Error
// into "podcast: <message>" on stderr and an exit code.
#include <ostream>

namespace podcast {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace podcast
