#pragma once
// What a gate run produced: per commit, the message-check findings and one
// result per step (build configuration, test, variant, docs), plus the steps
// re-run on the base commit. Findings are derived from these results by
// classify(), so shard reports merged later classify exactly like one run.

#include "libreview/core/diagnostic.h"
#include "libreview/core/result.h"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace review::gate {

// Warn: a step that passed with a warning (NIPA's exit 250); never blamed.
enum class Status { Pass, Fail, Skip, Warn };

std::string_view status_name(Status);

struct StepResult {
    std::string kind;   // "build", "test", "variant" or "docs"
    std::string name;   // the build configuration's or the step's name
    std::string config; // the build configuration it ran against (a build: itself)
    Status status = Status::Pass;
    int exit_code = 0;
    double seconds = 0;
    std::string log;    // path relative to the output directory
    std::string reason; // why it was skipped, or which command failed
    std::vector<std::string> signature; // the log's failure lines, for baseline comparison
    // ccache's verdicts on this step's compilations (ccache's stats log),
    // -1 when the configuration does not use ccache or it is not installed.
    long ccache_hits = -1, ccache_misses = -1;

    std::string key() const { return kind + ":" + name; }
};

struct CommitResult {
    std::size_t index = 0; // 0-based position in the whole range or series
    std::string commit;    // commit id, or the tree id for an applied patch
    std::string title;
    std::string source;    // patch file for series input
    bool adds_tests = false; // touches the configuration's test-paths
    std::vector<Finding> checks; // message-check findings
    std::vector<StepResult> steps;

    StepResult const* step(std::string const& key) const;
};

struct GateRun {
    std::string tool_version;
    std::string config;
    std::string tier;
    std::string input;
    std::string base;       // base commit id
    std::size_t total = 0;  // commits in the whole range or series
    std::size_t shard = 1, shards = 1;
    double seconds = 0;
    std::vector<CommitResult> commits;
    std::vector<StepResult> baseline; // steps re-run on the base commit
    std::vector<std::string> notes;

    StepResult const* baseline_step(std::string const& key) const;
};

// Failure lines of a log: compiler errors and warnings-as-errors, test
// "FAIL"/"not ok"/"Assertion" lines. Numbers that vary between runs (times,
// addresses) are masked so two runs of the same failure compare equal.
std::vector<std::string> failure_signature(std::string const& log_text);

enum class Blame { New, PreExisting };

// A failure is pre-existing when the base commit fails the same step and
// every failure line at the commit also appears on the base.
Blame classify_failure(StepResult const& at_commit, StepResult const* at_base);

// Findings (gate.build, gate.tests, gate.variants, gate.docs, gate.baseline,
// gate.branch-tier, series.selftest-order) plus the message checks.
std::vector<Finding> classify(GateRun const&);

// For each build configuration, the first commit (index) whose build or
// tests against it fail, not counting pre-existing failures.
std::map<std::string, std::size_t> first_failures(GateRun const&);

// Indices [begin, end) of shard `shard` (1-based) of `shards` over `total`
// commits: contiguous blocks, so each shard builds incrementally.
std::pair<std::size_t, std::size_t> shard_range(std::size_t total, std::size_t shard, std::size_t shards);

// "I/N" as given to --shard.
Result<std::pair<std::size_t, std::size_t>> parse_shard(std::string const&);

// Merge shard reports of one range into one run: same configuration, input
// and base; commits ordered by index; missing commits noted.
Result<GateRun> merge(std::vector<GateRun> const& shards);

nlohmann::json to_json(GateRun const&);

// Per-patch checks in patchwork's shape, each ready to POST to
// /api/patches/<id>/checks/: {state: pending|success|warning|fail, context
// ([-a-zA-Z0-9_]+), target_url (the step's log below `log_url`, or null),
// description}. One "kvmx-checks" context for the message checks, one
// "kvmx-<kind>-<name>" per step.
nlohmann::json to_patchwork(GateRun const&, std::string const& log_url);
Result<GateRun> from_json(nlohmann::json const&, std::string const& name);

} // namespace review::gate
