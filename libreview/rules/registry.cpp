#include "libreview/rules/registry.h"

#include <cstdlib>
#include <cstdio>

namespace review {

void RuleRegistry::add_entry(RuleInfo info, Factory make)
{
    if (find(info.id)) {
        // A duplicate id is a programming error caught by the first test run.
        std::fprintf(stderr, "internal error: rule %s registered twice\n", info.id.c_str());
        std::abort();
    }
    for (auto const& o : info.options)
        for (char const* reserved : {"enabled", "severity", "paths", "outside"})
            if (o.name == reserved) {
                // The profile key would set the rule's scope, never the option.
                std::fprintf(stderr, "internal error: rule %s names an option '%s'\n", info.id.c_str(), reserved);
                std::abort();
            }
    info.summary = expand_defaults(info.summary, info);
    info.severity_note = expand_defaults(info.severity_note, info);
    m_entries.push_back(Entry{std::move(info), std::move(make)});
}

RuleRegistry::Entry const* RuleRegistry::find(std::string const& id) const
{
    for (auto const& e : m_entries)
        if (e.info.id == id)
            return &e;
    return nullptr;
}

std::vector<std::string> RuleRegistry::ids() const
{
    std::vector<std::string> out;
    for (auto const& e : m_entries)
        out.push_back(e.info.id);
    return out;
}

ProfileLoadOptions RuleRegistry::load_options() const
{
    ProfileLoadOptions opts;
    opts.known_rules = ids();
    for (auto const& e : m_entries) {
        auto& names = opts.rule_options[e.info.id];
        for (auto const& o : e.info.options)
            names.push_back(o.name);
    }
    return opts;
}

RuleRegistry const& builtin_registry()
{
    static RuleRegistry const registry = [] {
        RuleRegistry r;
#define KVMX_RULE(name) add_##name(r);
#include "libreview/rules/builtin_rules.def"
#undef KVMX_RULE
        return r;
    }();
    return registry;
}

} // namespace review
