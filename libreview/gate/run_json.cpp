// The gate's report.json: a GateRun written and read back (shard reports
// merge through it); findings use the finding codec of report/.

#include "libreview/gate/run.h"

#include "libreview/report/finding_json.h"

#include <nlohmann/json.hpp>

namespace review::gate {

namespace {

nlohmann::json step_json(StepResult const& s)
{
    nlohmann::json j = {{"kind", s.kind},        {"name", s.name},     {"config", s.config},
                        {"status", std::string(status_name(s.status))}, {"exit", s.exit_code},
                        {"seconds", s.seconds},  {"log", s.log},       {"reason", s.reason},
                        {"signature", s.signature}};
    if (s.ccache_hits >= 0)
        j["ccache"] = {{"hits", s.ccache_hits}, {"misses", s.ccache_misses}};
    return j;
}

Result<StepResult> step_from(nlohmann::json const& j, std::string const& name)
{
    StepResult s;
    s.kind = j.value("kind", "");
    s.name = j.value("name", "");
    s.config = j.value("config", "");
    std::string st = j.value("status", "");
    if (st == "pass")
        s.status = Status::Pass;
    else if (st == "fail")
        s.status = Status::Fail;
    else if (st == "skip")
        s.status = Status::Skip;
    else if (st == "warn")
        s.status = Status::Warn;
    else
        return make_error("step '" + s.name + "' has unknown status '" + st + "'", name);
    s.exit_code = j.value("exit", 0);
    s.seconds = j.value("seconds", 0.0);
    s.log = j.value("log", "");
    s.reason = j.value("reason", "");
    if (j.contains("signature"))
        s.signature = j["signature"].get<std::vector<std::string>>();
    if (j.contains("ccache")) {
        s.ccache_hits = j["ccache"].value("hits", -1L);
        s.ccache_misses = j["ccache"].value("misses", -1L);
    }
    return s;
}

} // namespace

nlohmann::json to_json(GateRun const& run)
{
    nlohmann::json commits = nlohmann::json::array();
    for (auto const& c : run.commits) {
        nlohmann::json steps = nlohmann::json::array();
        for (auto const& s : c.steps)
            steps.push_back(step_json(s));
        nlohmann::json checks = nlohmann::json::array();
        for (auto const& f : c.checks)
            checks.push_back(finding_to_json(f));
        commits.push_back({{"index", c.index},
                           {"commit", c.commit},
                           {"title", c.title},
                           {"source", c.source},
                           {"adds_tests", c.adds_tests},
                           {"checks", checks},
                           {"steps", steps}});
    }
    nlohmann::json baseline = nlohmann::json::array();
    for (auto const& s : run.baseline)
        baseline.push_back(step_json(s));
    nlohmann::json findings = nlohmann::json::array();
    for (auto const& f : classify(run))
        findings.push_back(finding_to_json(f));
    nlohmann::json first = nlohmann::json::object();
    for (auto const& [config, index] : first_failures(run)) {
        for (auto const& c : run.commits)
            if (c.index == index)
                first[config] = {{"index", index}, {"commit", c.commit}, {"title", c.title}};
    }
    return {{"format", "kvmx-gate"},
            {"version", 1},
            {"tool_version", run.tool_version},
            {"config", run.config},
            {"tier", run.tier},
            {"input", run.input},
            {"base", run.base},
            {"total", run.total},
            {"shard", run.shard},
            {"shards", run.shards},
            {"seconds", run.seconds},
            {"notes", run.notes},
            {"commits", commits},
            {"baseline", baseline},
            {"first_failures", first},
            {"findings", findings}};
}

Result<GateRun> from_json(nlohmann::json const& j, std::string const& name)
{
    try {
        if (j.value("format", "") != "kvmx-gate")
            return make_error("not a kvmx gate report (\"format\": \"kvmx-gate\" missing)", name);
        GateRun run;
        run.tool_version = j.value("tool_version", "");
        run.config = j.value("config", "");
        run.tier = j.value("tier", "");
        run.input = j.value("input", "");
        run.base = j.value("base", "");
        run.total = j.value("total", std::size_t{0});
        run.shard = j.value("shard", std::size_t{1});
        run.shards = j.value("shards", std::size_t{1});
        run.seconds = j.value("seconds", 0.0);
        if (j.contains("notes"))
            run.notes = j["notes"].get<std::vector<std::string>>();
        for (auto const& c : j.at("commits")) {
            CommitResult cr;
            cr.index = c.value("index", std::size_t{0});
            cr.commit = c.value("commit", "");
            cr.title = c.value("title", "");
            cr.source = c.value("source", "");
            cr.adds_tests = c.value("adds_tests", false);
            for (auto const& f : c.at("checks"))
                cr.checks.push_back(TRY(finding_from_json(f, name)));
            for (auto const& s : c.at("steps"))
                cr.steps.push_back(TRY(step_from(s, name)));
            run.commits.push_back(std::move(cr));
        }
        for (auto const& s : j.at("baseline"))
            run.baseline.push_back(TRY(step_from(s, name)));
        return run;
    } catch (nlohmann::json::exception const& e) {
        return make_error(std::string("malformed gate report: ") + e.what(), name);
    }
}

} // namespace review::gate
