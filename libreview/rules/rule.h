#pragma once
// The rule interface, in the clang-tidy shape: one class per rule, each
// option declared once as a typed constant (name, default, one-line doc)
// that describe() lists, the constructor reads and the summary quotes; a bad
// option value is reported and replaced by its default, and every value read
// is recorded so the effective profile can be printed back.

#include "libreview/core/diagnostic.h"
#include "libreview/patch/patch.h"
#include "libreview/rules/profile.h"
#include "libreview/rules/repo_lookup.h"
#include "libreview/rules/topics.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace review {

namespace series {
struct Series; // series/series.h
}

enum class Scope { Patch, Series };

enum class OptionType { Int, Bool, String, List };

char const* option_type_name(OptionType);

struct OptionSpec {
    std::string name;
    OptionType type = OptionType::String;
    std::string default_value; // as YAML: 75, true, a string, [a, b]
    std::string description;
};

// A typed option declaration, written once per option as a static member of
// its rule: `static inline IntOption const Warn{"warn", 75, "..."};`.
template <typename T>
struct Option {
    std::string name;
    T fallback;
    std::string description;
    OptionSpec spec() const;
};
using IntOption = Option<long>;
using BoolOption = Option<bool>;
using StringOption = Option<std::string>;
using ListOption = Option<std::vector<std::string>>;

// Option values written as YAML (flow style for lists, quoted as needed).
std::string option_yaml(long);
std::string option_yaml(bool);
std::string option_yaml(std::string const&);
std::string option_yaml(std::vector<std::string> const&);
std::string option_yaml(char const*) = delete; // would pick the bool overload

template <typename T>
OptionSpec Option<T>::spec() const
{
    OptionType type = std::is_same_v<T, long>          ? OptionType::Int
                      : std::is_same_v<T, bool>        ? OptionType::Bool
                      : std::is_same_v<T, std::string> ? OptionType::String
                                                       : OptionType::List;
    return {name, type, option_yaml(fallback), description};
}

struct RuleInfo {
    std::string id;
    Severity severity = Severity::Warning;
    Scope scope = Scope::Patch;
    // One line; `code` in backticks (Markdown, as in the rule index);
    // "{name}" stands for option `name`'s default (see expand_defaults()).
    std::string summary;
    std::string section; // handbook section name
    std::vector<OptionSpec> options;
    // Severities other than the default a rule gives some findings
    // ("error above {error}"); shown in the rule index.
    std::string severity_note = {};
};

// `text` with every "{name}" replaced by the default of option `name`; an
// unknown name is a programming error (abort), caught by any test run.
std::string expand_defaults(std::string const& text, RuleInfo const&);

// Typed access to a rule's options; problems become messages in `problems`.
// Reading an option the rule does not declare is a programming error.
class RuleOptions {
public:
    RuleOptions(RuleInfo const& info, RuleConfig const* config, std::vector<std::string>* problems);

    long get(IntOption const&) const;
    bool get(BoolOption const&) const;
    std::string get(StringOption const&) const;
    std::vector<std::string> get(ListOption const&) const;

    // The value each option read has in effect, as YAML, by option name.
    std::map<std::string, std::string> const& effective() const { return m_effective; }

private:
    OptionValue const* find(std::string const& name, OptionType) const;
    void problem(std::string const& name, std::string const& what) const;
    template <typename T>
    T record(Option<T> const&, T value) const;

    RuleInfo const& m_info;
    RuleConfig const* m_config;
    std::vector<std::string>* m_problems;
    mutable std::map<std::string, std::string> m_effective;
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
    // The registry's signature: a rule without options inherits it (`using Rule::Rule;`).
    Rule(RuleInfo const& info, Severity severity, RuleOptions const&) : Rule(info, severity) {}
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
