#include "podcast/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace podcast {
namespace {

class Pipe {
public:
    Pipe() = default;
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        close_read();
        close_write();
    }
    bool open() { return ::pipe2(fds_.data(), O_CLOEXEC) == 0; }
    [[nodiscard]] int read_end() const noexcept { return fds_[0]; }
    [[nodiscard]] int write_end() const noexcept { return fds_[1]; }
    void close_read() { close_fd(fds_[0]); }
    void close_write() { close_fd(fds_[1]); }

private:
    static void close_fd(int& fd) {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }
    std::array<int, 2> fds_{-1, -1};
};

class SpawnAttributes {
public:
    SpawnAttributes() { ::posix_spawnattr_init(&attributes_); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    ~SpawnAttributes() { ::posix_spawnattr_destroy(&attributes_); }
    posix_spawnattr_t* get() noexcept { return &attributes_; }

private:
    posix_spawnattr_t attributes_{};
};

class SpawnActions {
public:
    SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    posix_spawn_file_actions_t* get() noexcept { return &actions_; }

private:
    posix_spawn_file_actions_t actions_{};
};

std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::map<std::string, std::string> variables;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        const auto equals = text.find('=');
        if (equals != std::string::npos) {
            variables[text.substr(0, equals)] = text.substr(equals + 1);
        }
    }
    for (const auto& [name, value] : overrides) {
        variables[name] = value;
    }
    std::vector<std::string> result;
    for (const auto& [name, value] : variables) {
        result.push_back(name + "=" + value);
    }
    return result;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& text : strings) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

Result<int> run_process(const ProcessSpec& spec,
                        const std::function<void(std::string_view)>& on_line) {
    Pipe output;
    if (!output.open()) {
        return fail(std::string("could not create a pipe: ") + std::strerror(errno));
    }
    SpawnActions actions;
    ::posix_spawn_file_actions_adddup2(actions.get(), output.write_end(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(actions.get(), output.write_end(), STDERR_FILENO);
    if (!spec.working_directory.empty()) {
        ::posix_spawn_file_actions_addchdir_np(actions.get(), spec.working_directory.c_str());
    }

    // The child starts with default signal handling and no blocked signals, whatever this
    // process ignores or blocks (run ignores SIGINT while dbt handles it).
    SpawnAttributes attributes;
    sigset_t defaults;
    ::sigemptyset(&defaults);
    for (int signal_number : {SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGHUP}) {
        ::sigaddset(&defaults, signal_number);
    }
    sigset_t empty_mask;
    ::sigemptyset(&empty_mask);
    ::posix_spawnattr_setsigdefault(attributes.get(), &defaults);
    ::posix_spawnattr_setsigmask(attributes.get(), &empty_mask);
    ::posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<std::string> arguments{spec.executable.string()};
    arguments.insert(arguments.end(), spec.arguments.begin(), spec.arguments.end());
    std::vector<std::string> environment = environment_with(spec.environment);
    std::vector<char*> argv = pointers_to(arguments);
    std::vector<char*> envp = pointers_to(environment);

    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, spec.executable.c_str(), actions.get(),
                                      attributes.get(), argv.data(), envp.data());
    output.close_write();
    if (spawned != 0) {
        return fail("could not start " + spec.executable.string() + ": " + std::strerror(spawned),
                    spawned == ENOENT ? ExitCode::not_found : ExitCode::failure);
    }

    std::string pending;
    std::array<char, 1 << 16> buffer{};
    for (;;) {
        const ssize_t count = ::read(output.read_end(), buffer.data(), buffer.size());
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            break;
        }
        pending.append(buffer.data(), static_cast<std::size_t>(count));
        std::size_t start = 0;
        for (auto newline = pending.find('\n'); newline != std::string::npos;
             newline = pending.find('\n', start)) {
            on_line(std::string_view(pending).substr(start, newline - start));
            start = newline + 1;
        }
        pending.erase(0, start);
    }
    if (!pending.empty()) {
        on_line(pending);
    }

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return fail("could not wait for " + spec.executable.string() + ": " +
                        std::strerror(errno));
        }
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

}  // namespace podcast
