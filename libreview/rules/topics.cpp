#include "libreview/rules/topics.h"

#include "libreview/core/text.h"

#include <algorithm>

namespace review {

static bool is_prefix_segment(std::string_view seg)
{
    if (seg.empty() || seg.size() > 40)
        return false;
    if (seg.find(' ') == std::string_view::npos) {
        // "x86/mmu", "nVMX", "kvm/vmx/nested.c": no quotes or parentheses.
        return std::none_of(seg.begin(), seg.end(), [](char c) { return c == '"' || c == '(' || c == '`'; });
    }
    // "selftests / xen": words joined by " / ".
    auto w = text::words(seg);
    if (w.size() != 3 || w[1] != "/")
        return false;
    return true;
}

Shortlog split_shortlog(std::string_view title)
{
    Shortlog s;
    std::string_view rest = text::trim(title);
    std::size_t offset = static_cast<std::size_t>(rest.data() - title.data());
    if (rest.substr(0, 8) == "Revert \"") {
        s.is_revert = true;
        s.description = std::string(rest);
        s.description_offset = offset;
        return s;
    }
    if (rest.substr(0, 6) == "Merge ") {
        s.is_merge = true;
        s.description = std::string(rest);
        s.description_offset = offset;
        return s;
    }
    while (s.prefixes.size() < 6) {
        std::size_t colon = rest.find(": ");
        if (colon == std::string_view::npos)
            break;
        std::string_view seg = rest.substr(0, colon);
        if (!is_prefix_segment(seg))
            break;
        std::string_view after = text::trim_left(rest.substr(colon + 1));
        if (after.empty())
            break;
        s.prefixes.emplace_back(seg);
        offset += static_cast<std::size_t>(after.data() - rest.data());
        rest = after;
    }
    s.description = std::string(rest);
    s.description_offset = offset;
    return s;
}

bool looks_like_file_name(std::string_view seg)
{
    static constexpr std::string_view extensions[] = {".c",   ".h",   ".S",   ".rst", ".txt",  ".py", ".sh",
                                                      ".lds", ".json", ".yml", ".yaml", ".cfg", ".pl", ".bash",
                                                      ".md",  ".mak"};
    for (auto ext : extensions)
        if (seg.size() > ext.size() && seg.substr(seg.size() - ext.size()) == ext)
            return true;
    if (seg.size() > 1 && seg[0] == '.' && text::is_alpha(seg[1])) // ".gitignore"
        return true;
    static constexpr std::string_view roots[] = {"arch/", "virt/", "include/", "kvm/", "tools/", "drivers/"};
    for (auto root : roots)
        if (seg.substr(0, root.size()) == root && seg.size() > root.size())
            return true;
    return false;
}

TopicTree::TopicTree(Profile const& profile) : m_profile(profile) {}

bool TopicTree::known(std::string_view topic) const
{
    return std::find(m_profile.topics.begin(), m_profile.topics.end(), topic) != m_profile.topics.end();
}

bool TopicTree::in_tree(std::string_view topic) const
{
    for (auto const& [child, parent] : m_profile.topic_parent)
        if (child == topic || parent == topic)
            return true;
    return false;
}

bool TopicTree::is_ancestor(std::string_view ancestor, std::string_view topic) const
{
    std::string current(topic);
    for (int guard = 0; guard < 32; ++guard) {
        if (current == ancestor)
            return true;
        auto it = m_profile.topic_parent.find(current);
        if (it == m_profile.topic_parent.end())
            return false;
        current = it->second;
    }
    return false;
}

std::string TopicTree::common_ancestor(std::string const& a, std::string const& b) const
{
    std::string current = a;
    for (int guard = 0; guard < 32; ++guard) {
        if (is_ancestor(current, b))
            return current;
        auto it = m_profile.topic_parent.find(current);
        if (it == m_profile.topic_parent.end())
            return {};
        current = it->second;
    }
    return {};
}

std::optional<std::string> TopicTree::topic_for_path(std::string_view path) const
{
    PathTopic const* best = nullptr;
    for (auto const& pt : m_profile.path_topics)
        if (path.substr(0, pt.prefix.size()) == pt.prefix && (!best || pt.prefix.size() > best->prefix.size()))
            best = &pt;
    if (!best)
        return std::nullopt;
    return best->topic;
}

std::optional<std::string> TopicTree::suggest(std::vector<std::string> const& paths) const
{
    std::vector<std::string> topics;
    for (auto const& p : paths) {
        auto t = topic_for_path(p);
        if (t && !t->empty() && std::find(topics.begin(), topics.end(), *t) == topics.end())
            topics.push_back(*t);
    }
    if (topics.size() > 1) {
        // Tests that ride along with the change they test do not widen the topic.
        std::erase(topics, std::string("selftests"));
    }
    if (topics.empty())
        return std::nullopt;
    std::string common = topics.front();
    for (std::size_t i = 1; i < topics.size(); ++i) {
        common = common_ancestor(common, topics[i]);
        if (common.empty())
            return std::string();
    }
    return common;
}

static bool matches_prefix_list(std::vector<std::string> const& list, std::string_view path)
{
    return std::any_of(list.begin(), list.end(), [&](std::string const& p) { return path.substr(0, p.size()) == p; });
}

bool TopicTree::is_subsystem_path(std::string_view path) const
{
    return matches_prefix_list(m_profile.subsystem_paths, path) && !is_guest_path(path);
}

bool TopicTree::is_guest_path(std::string_view path) const { return matches_prefix_list(m_profile.guest_paths, path); }

std::string compose_shortlog(std::string const& subsystem, std::string const& topic, std::string_view description)
{
    std::string out;
    if (!subsystem.empty())
        out += subsystem + ": ";
    if (!topic.empty())
        out += topic + ": ";
    out += std::string(description);
    return out;
}

} // namespace review
