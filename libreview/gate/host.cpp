#include "libreview/gate/host.h"

#include "libreview/core/text.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace review::gate {

// The full path of `program` on $PATH, or empty.
std::string find_program(std::string const& program)
{
    char const* path = std::getenv("PATH");
    std::string_view rest = path ? path : "/usr/bin:/bin";
    while (!rest.empty()) {
        auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        if (dir.empty())
            continue;
        std::string candidate = dir + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

// Counts ccache's stats log (CCACHE_STATSLOG): one "# <input>" line per
// invocation followed by its counters. Compiler probes on /dev/null or stdin
// (kbuild's cc-option and friends, run by every make) are left out, so the
// figures are about compiling source files.
std::pair<long, long> ccache_counts(std::filesystem::path const& stats_log)
{
    std::ifstream in(stats_log);
    long hits = 0, misses = 0;
    bool probe = false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("# ")) {
            probe = line == "# /dev/null" || line == "# -";
            continue;
        }
        if (probe)
            continue;
        if (line == "direct_cache_hit" || line == "preprocessed_cache_hit")
            ++hits;
        else if (line == "cache_miss")
            ++misses;
    }
    return {hits, misses};
}

// Bytes on disk under a directory (regular files, symlinks not followed).
std::uintmax_t disk_usage(std::filesystem::path const& dir)
{
    std::uintmax_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             dir, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code e2;
        if (it->is_regular_file(e2) && !it->is_symlink(e2))
            total += it->file_size(e2);
    }
    return total;
}

std::string mib(std::uintmax_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

// A failed step whose log says the machine, not the commit, failed: the disk
// filled up or the build was killed (the OOM killer, or by hand). Empty when
// the failure is an ordinary one.
std::string infrastructure_failure(std::filesystem::path const& log, int status)
{
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("No space left on device") != std::string::npos)
            return "the disk is full (No space left on device)";
        if (line.find("Killed signal terminated program") != std::string::npos ||
            line.find("Error 137") != std::string::npos || text::trim(line).ends_with("] Killed"))
            return "a build process was killed (signal 9: out of memory or killed by hand)";
    }
    if (status == 128 + SIGKILL)
        return "the command was killed (signal 9: out of memory or killed by hand)";
    return {};
}

std::string safe_name(std::string const& s)
{
    std::string out;
    for (char c : s)
        out += (text::is_alpha(c) || text::is_digit(c) || c == '-' || c == '_' || c == '.') ? c : '_';
    return out;
}

} // namespace review::gate
