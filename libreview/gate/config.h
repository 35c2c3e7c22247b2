#pragma once
// Gate configuration: build configurations, test steps, path-triggered
// variants, the docs build and branch tiers, read from YAML (rules/gate/*.yaml
// are embedded as builtins; docs/gate.md lists every key).

#include "libreview/core/result.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace review::gate {

using Environment = std::vector<std::pair<std::string, std::string>>;

// A build configuration: commands run in order in the private source tree
// with KVMX_GATE_BUILD pointing at a build directory that persists across
// commits, so each commit builds incrementally.
struct BuildConfig {
    std::string name;
    std::vector<std::string> commands;
    Environment env;
};

enum class StepKind { Test, Variant, Docs };

// A test, a path-triggered variant or the docs build: commands run after the
// build configuration `build` succeeded at the same commit.
struct TestStep {
    std::string name;
    StepKind kind = StepKind::Test;
    std::string build; // the build configuration it runs against (empty: none)
    std::vector<std::string> commands;
    Environment env;
    std::vector<std::string> paths; // variants and docs: run only when the commit touches these (fnmatch)
    int skip_status = 77;           // exit status that means "skipped"
    // NIPA's exit codes: 250 is a warning, 111 is pending (a result not
    // available yet); 0 still passes and anything else fails.
    bool nipa_exit_codes = false;
    // `requires`: a shell check run before the step; when it fails the step
    // is not run and is reported as skipped with "not run here: <reason>"
    // (hardware or a booted kernel this host does not have), never a pass.
    std::string requires_check;
    std::string requires_reason;
};

// `preflight`: checks run once in the first commit's tree before anything is
// built. A failing check is the gate's own error (exit 2), naming the check:
// a tree that is not what the configuration builds, a missing tool.
struct Preflight {
    std::string check;
    std::string error;
};

struct Tier {
    std::string name;
    std::string extends;            // a tier whose tests this one runs too
    std::vector<std::string> tests; // test, variant or docs step names
};

struct Config {
    std::string name;
    std::string description;
    std::string profile;               // rule profile for the message checks (empty: default)
    bool checks = true;                // run the message checks
    bool baseline = true;              // re-run failures on the base commit
    bool ccache = false;               // offer ccache to builds (KVMX_GATE_CCACHE) and count its hits
    std::vector<Preflight> preflight;
    std::vector<std::string> test_paths; // files that are tests, for series.selftest-order
    std::vector<BuildConfig> builds;
    std::vector<TestStep> steps;      // tests, variants and docs in run order
    std::vector<Tier> tiers;
    std::string default_tier;

    BuildConfig const* build(std::string const& name) const;
    TestStep const* step(std::string const& name) const;
    Tier const* tier(std::string const& name) const;
    // The step names a tier runs, following `extends`; error for an unknown tier.
    Result<std::vector<std::string>> tier_steps(std::string const& tier) const;
};

// Parse a configuration. `name` is used in errors ("file:line: ...").
Result<Config> parse_config(std::string const& text, std::string const& name);

// A builtin name ("xenvmm", "kernel-example") or a YAML file path.
Result<Config> load_config(std::string const& name_or_path);

std::vector<std::string> builtin_config_names();
char const* builtin_config_text(std::string const& name);

// The name of the embedded configuration used without --config.
inline constexpr char const* default_config = "xenvmm";

// fnmatch(3) without FNM_PATHNAME: '*' also crosses '/', so "dir/*" covers a
// whole subtree and "*.rst" any .rst file.
bool path_matches(std::string const& path, std::vector<std::string> const& patterns);

} // namespace review::gate
