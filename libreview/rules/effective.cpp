#include "libreview/rules/effective.h"

#include <map>
#include <sstream>

namespace review {
std::string effective_profile_yaml(Engine const& engine, RuleRegistry const& registry)
{
    Profile const& p = engine.profile();
    std::ostringstream out;
    out << "# The effective profile: every rule as it runs, options with their defaults.\n";
    out << "profile: " << option_yaml(p.name) << "\n";
    out << "subsystem: " << option_yaml(p.subsystem) << "\n";
    out << "topics: " << option_yaml(p.topics) << "\n";
    std::map<std::string, std::vector<std::string>> tree;
    for (auto const& [child, parent] : p.topic_parent)
        tree[parent].push_back(child);
    out << "topic-tree:" << (tree.empty() ? " {}" : "") << "\n";
    for (auto const& [parent, children] : tree)
        out << "  " << option_yaml(parent) << ": " << option_yaml(children) << "\n";
    out << "path-topics:" << (p.path_topics.empty() ? " {}" : "") << "\n";
    for (auto const& pt : p.path_topics)
        out << "  " << option_yaml(pt.prefix) << ": " << (pt.topic.empty() ? "~" : option_yaml(pt.topic)) << "\n";
    out << "subsystem-paths: " << option_yaml(p.subsystem_paths) << "\n";
    out << "guest-paths: " << option_yaml(p.guest_paths) << "\n";
    out << "rules:\n";
    std::map<std::string, RuleSetting> enabled;
    for (auto& s : engine.settings())
        enabled[s.rule->id()] = std::move(s);
    for (auto const& entry : registry.entries()) {
        auto it = enabled.find(entry.info.id);
        if (it == enabled.end()) {
            out << "  " << entry.info.id << ": off\n";
            continue;
        }
        RuleSetting const& s = it->second;
        out << "  " << entry.info.id << ":\n";
        out << "    severity: " << severity_name(s.rule->severity()) << "\n";
        out << "    paths: " << option_yaml(s.paths) << "\n";
        if (!s.paths.empty()) {
            out << "    outside: " << (s.outside ? severity_name(*s.outside) : std::string_view("off")) << "\n";
        }
        for (auto const& [name, value] : s.options)
            out << "    " << name << ": " << value << "\n";
    }
    return out.str();
}

} // namespace review
