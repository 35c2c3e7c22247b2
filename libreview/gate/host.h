#pragma once
// What the gate learns from the build host and a step's files: programs on
// $PATH, ccache's stats log, disk usage, and failures that are the
// machine's rather than the commit's.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace review::gate {

// The full path of `program` on $PATH, or empty.
std::string find_program(std::string const& program);

// Compilations that hit and missed in ccache's stats log (CCACHE_STATSLOG),
// compiler probes on /dev/null or stdin left out.
std::pair<long, long> ccache_counts(std::filesystem::path const& stats_log);

// Bytes on disk under a directory (regular files, symlinks not followed).
std::uintmax_t disk_usage(std::filesystem::path const& dir);

// "<n> MiB".
std::string mib(std::uintmax_t bytes);

// Why a failed step is the machine's fault (a full disk, a killed build),
// from its log and exit status; empty for an ordinary failure.
std::string infrastructure_failure(std::filesystem::path const& log, int status);

// `s` with every character but [A-Za-z0-9._-] replaced by '_', for file names.
std::string safe_name(std::string const& s);

} // namespace review::gate
