#pragma once
// kvmx subcommands. Each registers its options on the CLI11 app and returns
// the exit status through `status`.

#include <CLI/CLI.hpp>

namespace kvmx {

inline constexpr char const* version = "0.1.0";

// Exit statuses shared by every command.
enum Exit : int { ExitClean = 0, ExitFindings = 1, ExitError = 2 };

void add_check_command(CLI::App&, int& status);
void add_gate_command(CLI::App&, int& status);
void add_hook_command(CLI::App&, int& status);
void add_rules_command(CLI::App&, int& status);
void add_topic_command(CLI::App&, int& status);
void add_queue_command(CLI::App&, int& status);
void add_range_diff_command(CLI::App&, int& status);
void add_am_command(CLI::App&, int& status);
void add_ty_command(CLI::App&, int& status);
void add_serve_command(CLI::App&, int& status);

// Print "kvmx: error: <reason>" on stderr and return ExitError.
int fail(std::string const& reason);

} // namespace kvmx
