#pragma once
// Running gate commands: `sh -c` in its own process group with output going
// straight to a log file, and SIGINT/SIGTERM forwarded to that group so an
// interrupted gate stops its children and unwinds to clean up.

#include "libreview/core/result.h"
#include "libreview/gate/config.h"

#include <filesystem>
#include <string>

namespace review::gate {

struct ProcessResult {
    int status = 0;       // exit status, or 128 + signal number
    double seconds = 0;
    bool interrupted = false; // the gate itself got SIGINT or SIGTERM
};

// Install handlers for SIGINT and SIGTERM that record the signal and forward
// it to the running command's process group. Without SA_RESTART, so a wait
// returns early.
void install_signal_handlers();
// The signal that interrupted the gate, or 0.
int interrupted_by();

// Run `command` with /bin/sh in `cwd`, the gate's environment plus `env`,
// appending stdout and stderr to `log`.
Result<ProcessResult> run_shell(std::string const& command, std::filesystem::path const& cwd, Environment const& env,
                                std::filesystem::path const& log);

} // namespace review::gate
