// Per-patch checks in patchwork's shape (--format patchwork).

#include "libreview/gate/run.h"

#include "libreview/core/text.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>

namespace review::gate {

namespace {

std::string patchwork_context(std::string const& s)
{
    std::string out;
    for (char c : s)
        out += (text::is_alpha(c) || text::is_digit(c) || c == '-' || c == '_') ? c : '-';
    return out;
}

std::string seconds_text(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fs", s);
    return buf;
}

} // namespace

nlohmann::json to_patchwork(GateRun const& run, std::string const& log_url)
{
    std::string base_url = log_url;
    while (!base_url.empty() && base_url.back() == '/')
        base_url.pop_back();
    auto target = [&](std::string const& log) -> nlohmann::json {
        if (base_url.empty() || log.empty())
            return nullptr;
        return base_url + "/" + log;
    };
    nlohmann::json patches = nlohmann::json::array();
    for (auto const& c : run.commits) {
        nlohmann::json checks = nlohmann::json::array();
        std::size_t errors = 0, warnings = 0;
        std::set<std::string> rules;
        for (auto const& f : c.checks) {
            errors += f.severity == Severity::Error;
            warnings += f.severity == Severity::Warning;
            if (f.severity != Severity::Info)
                rules.insert(f.rule);
        }
        std::string description = std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)";
        if (!rules.empty()) {
            std::string list;
            for (auto const& r : rules)
                list += (list.empty() ? "" : ", ") + r;
            description += ": " + list;
        }
        checks.push_back({{"context", "kvmx-checks"},
                          {"state", errors ? "fail" : warnings ? "warning" : "success"},
                          {"target_url", nullptr},
                          {"description", "kvmx message checks (" + run.config + "): " + description}});
        for (auto const& s : c.steps) {
            std::string state, what;
            switch (s.status) {
            case Status::Pass:
                state = "success";
                what = "pass in " + seconds_text(s.seconds);
                break;
            case Status::Warn:
                state = "warning";
                what = s.reason;
                break;
            case Status::Skip:
                state = s.reason.starts_with("pending") ? "pending" : "warning";
                what = s.reason;
                break;
            case Status::Fail:
                if (classify_failure(s, run.baseline_step(s.key())) == Blame::PreExisting) {
                    state = "warning";
                    what = "fails the same way on the base commit: pre-existing, not blamed";
                } else {
                    state = "fail";
                    what = "fails (exit " + std::to_string(s.exit_code) + (s.reason.empty() ? "" : ", " + s.reason) + ")";
                }
                break;
            }
            if (s.ccache_hits >= 0 && s.ccache_hits + s.ccache_misses > 0)
                what += "; ccache " + std::to_string(s.ccache_hits) + "/" +
                        std::to_string(s.ccache_hits + s.ccache_misses) + " hits";
            checks.push_back({{"context", patchwork_context("kvmx-" + s.kind + "-" + s.name)},
                              {"state", state},
                              {"target_url", target(s.log)},
                              {"description", s.kind + " " + s.name + ": " + what}});
        }
        patches.push_back({{"index", c.index},
                           {"commit", c.commit},
                           {"title", c.title},
                           {"source", c.source},
                           {"checks", checks}});
    }
    return {{"format", "kvmx-gate-patchwork"}, {"version", 1}, {"config", run.config},
            {"base", run.base},                 {"total", run.total}, {"patches", patches}};
}

} // namespace review::gate
