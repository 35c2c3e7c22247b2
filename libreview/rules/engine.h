#pragma once
// The engine: a profile turned into configured rule instances, run over
// patches (and, for series rules, over series). Checking is const and
// thread-safe; each thread brings its own RepoLookup.

#include "libreview/core/diagnostic.h"
#include "libreview/core/result.h"
#include "libreview/rules/registry.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace review {

// One enabled rule as it runs: its severity (rule->severity()), where it
// runs, and every option's effective value as YAML, in declaration order.
struct RuleSetting {
    Rule const* rule = nullptr;
    std::vector<std::string> paths; // empty: everywhere
    std::optional<Severity> outside; // severity outside `paths`; nullopt: off
    std::vector<std::pair<std::string, std::string>> options;
};

class Engine {
public:
    static Result<Engine> create(Profile profile, RuleRegistry const& registry = builtin_registry());

    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;
    ~Engine();

    void check_patch(Patch const&, RepoLookup const*, std::vector<Finding>&, SkipLog&) const;
    void check_series(SeriesContext const&, std::vector<Finding>&, SkipLog&) const;

    Profile const& profile() const;
    TopicTree const& topics() const;
    std::vector<std::string> const& option_problems() const;
    std::vector<Rule const*> rules() const;
    std::vector<RuleSetting> settings() const;
    bool needs_hunks() const;

private:
    struct State;
    explicit Engine(std::unique_ptr<State>);
    std::unique_ptr<State> m_state;
};

// Cover letters ("[PATCH 0/N]") carry no change; per-patch rules skip them.
bool is_cover_letter(Patch const&);

} // namespace review
