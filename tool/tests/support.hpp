#pragma once
// Helpers shared by the unit tests: a private temporary directory per test, small file helpers
// and a way to call the command line in-process.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "podcast/cli.hpp"
#include "temp_dir.hpp"

namespace podcast::testing {

inline void write_file(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct CliOutcome {
    int exit_code = 0;
    std::string out;
    std::string err;
};

// Runs `podcast <arguments...>` in this process, capturing both streams.
inline CliOutcome run_podcast(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "podcast");
    std::vector<const char*> argv;
    for (const auto& argument : arguments) {
        argv.push_back(argument.c_str());
    }
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
    return CliOutcome{code, out.str(), err.str()};
}

inline std::size_t line_count(const std::string& text) {
    std::size_t lines = 0;
    for (char c : text) {
        lines += c == '\n' ? 1 : 0;
    }
    return lines;
}

}  // namespace podcast::testing
