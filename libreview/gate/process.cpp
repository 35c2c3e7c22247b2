#include "libreview/gate/process.h"

#include "libreview/core/file_descriptor.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace review::gate {
namespace {

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_child_group = 0;

void on_signal(int sig)
{
    g_signal = sig;
    if (g_child_group > 0)
        ::kill(-static_cast<pid_t>(g_child_group), SIGTERM);
}

} // namespace

void install_signal_handlers()
{
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: waitpid() must return to notice the signal
    // sigaction() fails only for an invalid signal number or handler.
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        if (sigaction(sig, &sa, nullptr) != 0)
            std::abort();
}

int interrupted_by() { return g_signal; }

Result<ProcessResult> run_shell(std::string const& command, std::filesystem::path const& cwd, Environment const& env,
                                std::filesystem::path const& log)
{
    ProcessResult result;
    if (g_signal) {
        result.interrupted = true;
        result.status = 128 + g_signal;
        return result;
    }
    auto log_fd = TRY(FileDescriptor::open(log.string(), O_WRONLY | O_CREAT | O_APPEND));
    int const fd = log_fd.get();
    TRY_VOID(log_fd.write_all("$ " + command + "\n"));

    // Build the environment before fork(): only async-signal-safe calls after.
    std::vector<std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string_view v(*e);
        bool overridden = false;
        for (auto const& [k, _] : env)
            if (v.size() > k.size() && v.substr(0, k.size()) == k && v[k.size()] == '=')
                overridden = true;
        if (!overridden)
            vars.emplace_back(v);
    }
    for (auto const& [k, v] : env)
        vars.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& v : vars)
        envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string shell_command = command;
    char const* argv[] = {"sh", "-c", shell_command.c_str(), nullptr};

    auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0)
        return make_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        // Only async-signal-safe calls here; any failure is exit 126, as a
        // shell reports a command it cannot run.
        if (::setpgid(0, 0) != 0 || signal(SIGINT, SIG_DFL) == SIG_ERR || signal(SIGTERM, SIG_DFL) == SIG_ERR ||
            signal(SIGHUP, SIG_DFL) == SIG_ERR)
            ::_exit(126);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0)
            ::_exit(126);
        if (::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        ::execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
        ::_exit(127);
    }
    // Also in the parent, so the group exists before any signal. EACCES: the
    // child already ran execve() after its own setpgid(), so the group exists.
    if (::setpgid(pid, pid) != 0 && errno != EACCES)
        return make_error(std::string("setpgid: ") + std::strerror(errno));
    g_child_group = pid;
    // Signal the command's group; ESRCH (the group is gone) is no error.
    auto signal_group = [pid](int sig) -> Result<void> {
        if (::kill(-pid, sig) != 0 && errno != ESRCH)
            return make_error("kill " + std::to_string(-pid) + ": " + std::strerror(errno));
        return {};
    };
    // A signal that arrived between fork() and here found no group to
    // forward to; forward it now, or the wait below would not end.
    if (g_signal)
        TRY_VOID(signal_group(SIGTERM));
    int wstatus = 0;
    for (;;) {
        pid_t r = ::waitpid(pid, &wstatus, 0);
        if (r == pid)
            break;
        if (r < 0 && errno == EINTR) {
            if (g_signal)
                TRY_VOID(signal_group(SIGTERM));
            continue;
        }
        g_child_group = 0;
        return make_error(std::string("waitpid: ") + std::strerror(errno));
    }
    g_child_group = 0;
    // Reap anything the shell left running in its group.
    TRY_VOID(signal_group(SIGKILL));
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (WIFEXITED(wstatus))
        result.status = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        result.status = 128 + WTERMSIG(wstatus);
    TRY_VOID(log_fd.write_all("[exit " + std::to_string(result.status) + ", " + std::to_string(result.seconds) +
                              "s]\n"));
    TRY_VOID(log_fd.close());
    result.interrupted = g_signal != 0;
    return result;
}

} // namespace review::gate
