#pragma once
// Runs a child process without a shell (posix_spawn) and streams its output line by line.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "podcast/result.hpp"

namespace podcast {

struct ProcessSpec {
    std::filesystem::path executable;
    std::vector<std::string> arguments;  // without argv[0]
    std::filesystem::path working_directory;
    // Added to (or replacing in) this process's environment.
    std::vector<std::pair<std::string, std::string>> environment;
};

// Runs the process with stdout and stderr joined, calling on_line for each line (without the
// newline). Returns its exit status, or 128 + signal number if a signal ended it.
Result<int> run_process(const ProcessSpec& spec,
                        const std::function<void(std::string_view)>& on_line);

}  // namespace podcast
