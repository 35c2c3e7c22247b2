#include "libreview/gate/run.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace review::gate {

std::string_view status_name(Status s)
{
    switch (s) {
    case Status::Pass:
        return "pass";
    case Status::Fail:
        return "fail";
    case Status::Skip:
        return "skip";
    case Status::Warn:
        return "warn";
    }
    return "?";
}

StepResult const* CommitResult::step(std::string const& key) const
{
    for (auto const& s : steps)
        if (s.key() == key)
            return &s;
    return nullptr;
}

StepResult const* GateRun::baseline_step(std::string const& key) const
{
    for (auto const& s : baseline)
        if (s.key() == key)
            return &s;
    return nullptr;
}

std::vector<std::string> failure_signature(std::string const& log_text)
{
    static constexpr std::string_view markers[] = {"error:", "Error:", "ERROR", "FAIL", "not ok", "Assertion",
                                                   "fail:", "undefined reference", "runtime error:"};
    std::set<std::string> lines;
    for (auto line : text::split_lines(log_text)) {
        if (line.starts_with("$ ") || line.starts_with("[exit "))
            continue; // the gate's own command echo and footer
        bool hit = std::any_of(std::begin(markers), std::end(markers),
                               [&](std::string_view m) { return line.find(m) != std::string_view::npos; });
        if (!hit)
            continue;
        // Mask numbers (line numbers, times, addresses, pids) so the same
        // failure on the base commit compares equal.
        std::string masked;
        for (std::size_t i = 0; i < line.size();) {
            if (text::is_digit(line[i]) || (line[i] == '0' && i + 1 < line.size() && line[i + 1] == 'x')) {
                while (i < line.size() && (text::is_digit(line[i]) || line[i] == 'x' ||
                                           (line[i] >= 'a' && line[i] <= 'f')))
                    ++i;
                masked += '#';
                continue;
            }
            masked += line[i++];
        }
        lines.insert(std::string(text::trim(masked)));
        if (lines.size() >= 200)
            break;
    }
    return {lines.begin(), lines.end()};
}

Blame classify_failure(StepResult const& at_commit, StepResult const* at_base)
{
    if (!at_base || at_base->status != Status::Fail)
        return Blame::New;
    if (at_commit.signature.empty())
        return at_commit.exit_code == at_base->exit_code ? Blame::PreExisting : Blame::New;
    for (auto const& line : at_commit.signature)
        if (!std::binary_search(at_base->signature.begin(), at_base->signature.end(), line))
            return Blame::New;
    return Blame::PreExisting;
}

namespace {

Location location_of(CommitResult const& c)
{
    Location loc;
    if (c.source.empty())
        loc.commit = c.commit;
    else
        loc.file = c.source;
    loc.subject = c.title;
    return loc;
}

std::string short_id(std::string const& id) { return id.substr(0, 12); }

std::string describe(CommitResult const& c)
{
    return c.source.empty() ? short_id(c.commit) + " (\"" + c.title + "\")" : c.source + " (\"" + c.title + "\")";
}

char const* rule_for(std::string const& kind)
{
    if (kind == "build")
        return "gate.build";
    if (kind == "variant")
        return "gate.variants";
    if (kind == "docs")
        return "gate.docs";
    return "gate.tests";
}

struct Blamed {
    std::size_t commit; // position in run.commits
    StepResult const* step;
    bool order = false; // explained by series.selftest-order
};

// Step keys in first-seen order.
std::vector<std::string> step_keys(GateRun const& run)
{
    std::vector<std::string> keys;
    for (auto const& c : run.commits)
        for (auto const& s : c.steps)
            if (std::find(keys.begin(), keys.end(), s.key()) == keys.end())
                keys.push_back(s.key());
    return keys;
}

struct Classified {
    std::vector<Blamed> blamed;
    std::vector<Finding> findings; // selftest-order and baseline findings
};

Classified analyse(GateRun const& run)
{
    Classified out;
    for (auto const& key : step_keys(run)) {
        std::vector<std::size_t> pre_existing;
        constexpr std::size_t none = static_cast<std::size_t>(-1);
        std::size_t streak = none; // index into out.blamed of a failing streak's first entry
        for (std::size_t i = 0; i < run.commits.size(); ++i) {
            auto const& c = run.commits[i];
            StepResult const* s = c.step(key);
            if (!s || s->status == Status::Skip)
                continue;
            if (s->status == Status::Pass || s->status == Status::Warn) {
                if (streak != none && s->kind != "build") {
                    Blamed& first = out.blamed[streak];
                    auto const& culprit = run.commits[first.commit];
                    if (culprit.adds_tests) {
                        for (std::size_t b = streak; b < out.blamed.size(); ++b)
                            out.blamed[b].order = true;
                        Finding f;
                        f.rule = "series.selftest-order";
                        f.severity = Severity::Warning;
                        f.location = location_of(culprit);
                        f.message = "test '" + s->name + "'" +
                                    (first.step->config.empty() ? "" : " (" + first.step->config + ")") +
                                    " fails from this commit until " +
                                    describe(c) + ", which it needs; place the fix before the test so every "
                                    "commit passes (bisection)";
                        out.findings.push_back(std::move(f));
                    }
                }
                streak = none;
                continue;
            }
            if (classify_failure(*s, run.baseline_step(key)) == Blame::PreExisting) {
                pre_existing.push_back(i);
                continue;
            }
            if (streak == none)
                streak = out.blamed.size();
            out.blamed.push_back(Blamed{i, s});
        }
        if (!pre_existing.empty()) {
            auto const& first = run.commits[pre_existing.front()];
            StepResult const* s = first.step(key);
            Finding f;
            f.rule = "gate.baseline";
            f.severity = Severity::Info;
            f.location = location_of(first);
            f.message = s->kind + " '" + s->name + "' fails the same way on the base commit " + short_id(run.base) +
                        ": pre-existing, not blamed on the series (" + std::to_string(pre_existing.size()) +
                        " commit(s)); log: " + s->log;
            out.findings.push_back(std::move(f));
        }
    }
    return out;
}

} // namespace

std::vector<Finding> classify(GateRun const& run)
{
    std::vector<Finding> findings;
    for (auto const& c : run.commits)
        findings.insert(findings.end(), c.checks.begin(), c.checks.end());
    Classified cl = analyse(run);
    std::map<std::size_t, std::vector<std::string>> failing_by_commit;
    for (auto const& b : cl.blamed) {
        failing_by_commit[b.commit].push_back(b.step->name);
        if (b.order)
            continue;
        auto const& c = run.commits[b.commit];
        Finding f;
        f.rule = rule_for(b.step->kind);
        f.severity = Severity::Error;
        f.location = location_of(c);
        if (b.step->kind == "build")
            f.message = "build configuration '" + b.step->name + "' fails";
        else
            f.message = b.step->kind + " '" + b.step->name + "'" +
                        (b.step->config.empty() ? "" : " (" + b.step->config + ")") + " fails";
        f.message += " (exit " + std::to_string(b.step->exit_code) + (b.step->reason.empty() ? "" : ", " + b.step->reason) +
                     "); log: " + b.step->log;
        findings.push_back(std::move(f));
    }
    findings.insert(findings.end(), cl.findings.begin(), cl.findings.end());
    if (!run.tier.empty())
        for (auto const& [index, names] : failing_by_commit) {
            std::string list;
            for (auto const& n : names)
                list += (list.empty() ? "" : ", ") + n;
            Finding f;
            f.rule = "gate.branch-tier";
            f.severity = Severity::Error;
            f.location = location_of(run.commits[index]);
            f.message = "not ready for tier '" + run.tier + "': fails " + list;
            findings.push_back(std::move(f));
        }
    std::stable_sort(findings.begin(), findings.end(), [&](Finding const& a, Finding const& b) {
        auto pos = [&](Finding const& f) {
            for (std::size_t i = 0; i < run.commits.size(); ++i)
                if ((!f.location.commit.empty() && f.location.commit == run.commits[i].commit) ||
                    (!f.location.file.empty() && f.location.file == run.commits[i].source))
                    return i;
            return run.commits.size();
        };
        return pos(a) < pos(b);
    });
    return findings;
}

std::map<std::string, std::size_t> first_failures(GateRun const& run)
{
    std::map<std::string, std::size_t> out;
    for (auto const& b : analyse(run).blamed) {
        std::string config = b.step->config.empty() ? b.step->name : b.step->config;
        std::size_t index = run.commits[b.commit].index;
        auto it = out.find(config);
        if (it == out.end() || index < it->second)
            out[config] = index;
    }
    return out;
}

std::pair<std::size_t, std::size_t> shard_range(std::size_t total, std::size_t shard, std::size_t shards)
{
    if (shards == 0 || shard == 0 || shard > shards)
        return {0, 0};
    return {(shard - 1) * total / shards, shard * total / shards};
}

Result<std::pair<std::size_t, std::size_t>> parse_shard(std::string const& spec)
{
    auto slash = spec.find('/');
    std::size_t i = 0, n = 0;
    auto bad = make_error("--shard must be I/N with 1 <= I <= N, not '" + spec + "'");
    if (slash == std::string::npos)
        return bad;
    auto a = std::from_chars(spec.data(), spec.data() + slash, i);
    auto b = std::from_chars(spec.data() + slash + 1, spec.data() + spec.size(), n);
    if (a.ec != std::errc{} || a.ptr != spec.data() + slash || b.ec != std::errc{} ||
        b.ptr != spec.data() + spec.size() || i == 0 || n == 0 || i > n)
        return bad;
    return std::pair{i, n};
}

Result<GateRun> merge(std::vector<GateRun> const& shards)
{
    if (shards.empty())
        return make_error("no reports to merge");
    GateRun out = shards.front();
    out.commits.clear();
    out.baseline.clear();
    out.notes.clear();
    out.shard = out.shards = 1;
    out.seconds = 0;
    std::set<std::size_t> seen;
    for (auto const& s : shards) {
        if (s.config != out.config || s.base != out.base || s.total != out.total || s.tier != out.tier)
            return make_error("report of shard " + std::to_string(s.shard) + "/" + std::to_string(s.shards) +
                              " is for another run (configuration, tier, base or commit count differ)");
        out.seconds += s.seconds;
        for (auto const& c : s.commits)
            if (seen.insert(c.index).second)
                out.commits.push_back(c);
        for (auto const& b : s.baseline)
            if (!out.baseline_step(b.key()))
                out.baseline.push_back(b);
        out.notes.insert(out.notes.end(), s.notes.begin(), s.notes.end());
    }
    std::sort(out.commits.begin(), out.commits.end(),
              [](CommitResult const& a, CommitResult const& b) { return a.index < b.index; });
    std::size_t missing = out.total - std::min(out.total, seen.size());
    if (missing)
        out.notes.push_back(std::to_string(missing) + " of " + std::to_string(out.total) +
                            " commits are missing: merge the reports of every shard");
    return out;
}

} // namespace review::gate
