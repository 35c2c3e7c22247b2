#pragma once
// Explicit rule registration: each rule's file defines its add function
// with KVMX_REGISTER_RULE(), and libreview/rules/builtin_rules.def lists it
// once; builtin_registry() adds every rule of that list in its order.

#include "libreview/rules/rule.h"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace review {

class RuleRegistry {
public:
    using Factory = std::function<std::unique_ptr<Rule>(RuleInfo const&, Severity, RuleOptions const&)>;

    struct Entry {
        RuleInfo info;
        Factory make;
    };

    // Options' defaults replace "{name}" in the summary and severity note.
    template <typename RuleType>
    void add()
    {
        add_entry(RuleType::describe(), [](RuleInfo const& info, Severity severity, RuleOptions const& options) {
            return std::unique_ptr<Rule>(new RuleType(info, severity, options));
        });
    }

    void add_entry(RuleInfo info, Factory make);

    std::deque<Entry> const& entries() const { return m_entries; }
    Entry const* find(std::string const& id) const;
    std::vector<std::string> ids() const;
    ProfileLoadOptions load_options() const;

private:
    std::deque<Entry> m_entries; // deque: RuleInfo addresses stay stable
};

RuleRegistry const& builtin_registry();

#define KVMX_RULE(name) void add_##name(RuleRegistry&);
#include "libreview/rules/builtin_rules.def"
#undef KVMX_RULE

} // namespace review

// Ends a rule's file: the add function builtin_rules.def names.
#define KVMX_REGISTER_RULE(name, RuleType)                                                                        \
    namespace review {                                                                                            \
    void add_##name(RuleRegistry& r) { r.add<RuleType>(); }                                                       \
    }
