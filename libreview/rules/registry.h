#pragma once
// Explicit rule registration: each module's module.cpp adds its rules in
// sorted order; builtin_registry() collects every module.

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

void register_shortlog_rules(RuleRegistry&);
void register_changelog_rules(RuleRegistry&);
void register_tags_rules(RuleRegistry&);
void register_code_rules(RuleRegistry&);
void register_series_rules(RuleRegistry&);

} // namespace review
