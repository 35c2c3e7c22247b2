#pragma once
// The rule interface, in the clang-tidy shape: one class per rule, options
// read once in the constructor through typed getters with defaults, a bad
// option value reported and replaced by its default.

#include "libreview/core/diagnostic.h"
#include "libreview/patch/patch.h"
#include "libreview/rules/profile.h"
#include "libreview/rules/repo_lookup.h"
#include "libreview/rules/topics.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace review {

namespace series {
struct Series; // series/series.h
}

enum class Scope { Patch, Series };

struct OptionSpec {
    std::string name;
    std::string default_value;
    std::string description;
};

struct RuleInfo {
    std::string id;
    Severity severity = Severity::Warning;
    Scope scope = Scope::Patch;
    std::string summary;
    std::string section; // handbook section name
    std::vector<OptionSpec> options;
};

// Typed access to a rule's options; problems become messages in `problems`.
class RuleOptions {
public:
    RuleOptions(RuleInfo const& info, RuleConfig const* config, std::vector<std::string>* problems);

    long get_int(std::string const& name, long fallback) const;
    bool get_bool(std::string const& name, bool fallback) const;
    std::string get_string(std::string const& name, std::string fallback) const;
    std::vector<std::string> get_list(std::string const& name, std::vector<std::string> fallback) const;

private:
    OptionValue const* find(std::string const& name) const;
    void problem(std::string const& name, std::string const& what) const;

    RuleInfo const& m_info;
    RuleConfig const* m_config;
    std::vector<std::string>* m_problems;
};

// Rules that could not run, with how many inputs each reason covered.
class SkipLog {
public:
    void add(std::string const& rule, std::string const& reason, std::size_t count = 1);
    void merge(SkipLog const&);
    std::vector<std::pair<Skipped, std::size_t>> entries() const;
    bool empty() const { return m_counts.empty(); }

private:
    std::map<std::pair<std::string, std::string>, std::size_t> m_counts;
};

struct PatchContext {
    Patch const& patch;
    TopicTree const& topics;
    RepoLookup const* repo = nullptr;
    SkipLog* skips = nullptr; // for rules that run in part
};

struct SeriesContext;

class Rule {
public:
    Rule(RuleInfo const& info, Severity severity) : m_info(info), m_severity(severity) {}
    virtual ~Rule() = default;

    RuleInfo const& info() const { return m_info; }
    std::string const& id() const { return m_info.id; }
    Severity severity() const { return m_severity; }

    // Rules that read hunks (added lines, function names, sizes) say so:
    // the engine skips them on input without hunks, and when none is
    // enabled, ranges are read with paths only, much faster.
    virtual bool needs_hunks() const { return false; }

    // Why the rule cannot run on this patch (missing repository, diff, ...).
    virtual std::optional<std::string> skip_reason(PatchContext const&) const { return std::nullopt; }
    virtual void check(PatchContext const&, std::vector<Finding>&) const {}
    virtual std::optional<std::string> skip_reason(SeriesContext const&) const { return std::nullopt; }
    virtual void check(SeriesContext const&, std::vector<Finding>&) const {}

protected:
    // A finding at `line` of the patch (0: the patch as a whole).
    Finding finding(PatchContext const&, int line, std::string message, std::optional<std::string> fix = {}) const;
    Finding finding(PatchContext const&, int line, Severity, std::string message,
                    std::optional<std::string> fix = {}) const;

private:
    RuleInfo const& m_info;
    Severity m_severity;
};

Location patch_location(Patch const&, int line);

} // namespace review
