#include "libreview/gate/text.h"

#include "libreview/report/report.h"

#include <cstdio>

namespace review::gate {

std::string clock_text(double seconds)
{
    auto s = static_cast<long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

void write_text(GateRun const& run, std::vector<Finding> const& findings, std::string const& tool_version,
                std::ostream& out)
{
    out << "kvmx gate: configuration " << run.config << (run.tier.empty() ? "" : ", tier " + run.tier) << ", "
        << run.commits.size() << " of " << run.total << " commit(s)";
    if (run.shards > 1)
        out << " (shard " << run.shard << "/" << run.shards << ")";
    out << ", base " << (run.base.empty() ? "(root)" : run.base.substr(0, 12)) << ", " << clock_text(run.seconds)
        << "\n";
    for (auto const& c : run.commits) {
        out << "[" << c.index + 1 << "/" << run.total << "] "
            << (c.source.empty() ? c.commit.substr(0, 12) : c.source) << " " << c.title << "\n";
        for (auto const& s : c.steps) {
            char line[256];
            std::snprintf(line, sizeof line, "    %-7s %-24s %-4s %8.1fs", s.kind.c_str(), s.name.c_str(),
                          std::string(status_name(s.status)).c_str(), s.seconds);
            out << line;
            if (s.status != Status::Pass)
                out << "  " << s.reason << (s.log.empty() ? "" : "; " + s.log);
            if (s.ccache_hits >= 0 && s.ccache_hits + s.ccache_misses > 0)
                out << "  ccache " << s.ccache_hits << "/" << s.ccache_hits + s.ccache_misses << " hits";
            out << "\n";
        }
    }
    long hits = 0, compiled = 0;
    for (auto const& c : run.commits)
        for (auto const& s : c.steps)
            if (s.ccache_hits >= 0) {
                hits += s.ccache_hits;
                compiled += s.ccache_hits + s.ccache_misses;
            }
    if (compiled > 0) {
        char line[128];
        std::snprintf(line, sizeof line, "ccache: %ld of %ld compilations hit (%.1f%%)\n", hits, compiled,
                      100.0 * static_cast<double>(hits) / static_cast<double>(compiled));
        out << line;
    }
    for (auto const& s : run.baseline)
        out << "    base: " << s.kind << " " << s.name << " " << status_name(s.status) << "\n";
    auto first = first_failures(run);
    if (!first.empty()) {
        out << "first failing commit per configuration:\n";
        for (auto const& [config, index] : first)
            for (auto const& c : run.commits)
                if (c.index == index)
                    out << "    " << config << ": [" << index + 1 << "/" << run.total << "] "
                        << (c.source.empty() ? c.commit.substr(0, 12) : c.source) << " " << c.title << "\n";
    }
    Report report;
    report.tool_version = tool_version;
    report.patches = run.commits.size();
    report.findings = findings;
    report.notes = run.notes;
    review::write_text(report, out);
}

} // namespace review::gate
