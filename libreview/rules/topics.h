#pragma once
// Shortlog anatomy and the topic tree: "KVM: x86/mmu: Fix foo()" splits into
// prefixes {"KVM", "x86/mmu"} and the description "Fix foo()". The tree and
// the path map are profile data.

#include "libreview/rules/profile.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace review {

struct Shortlog {
    std::vector<std::string> prefixes; // "KVM", "x86/mmu"
    std::string description;
    std::size_t description_offset = 0; // byte offset of the description in the title
    bool is_revert = false;             // 'Revert "..."'
    bool is_merge = false;              // "Merge ..." titles
};

Shortlog split_shortlog(std::string_view title);

// A shortlog prefix that names a file or path ("x86.c", "run_tests.sh",
// ".gitlab-ci.yml", "arch/x86/kvm/") rather than a topic.
bool looks_like_file_name(std::string_view prefix);

class TopicTree {
public:
    explicit TopicTree(Profile const&);

    bool known(std::string_view topic) const;
    // The topic has a parent or children in the tree.
    bool in_tree(std::string_view topic) const;
    // `ancestor` is `topic` or one of its parents.
    bool is_ancestor(std::string_view ancestor, std::string_view topic) const;
    // First common parent; empty when the topics share no root.
    std::string common_ancestor(std::string const& a, std::string const& b) const;
    // The topic of the longest matching path prefix; nullopt when unmapped,
    // an empty string when the path is mapped as neutral.
    std::optional<std::string> topic_for_path(std::string_view path) const;
    // The first common parent of the paths' topics (selftests only counts when
    // nothing else is touched); nullopt when no path maps to a topic.
    std::optional<std::string> suggest(std::vector<std::string> const& paths) const;

    bool is_subsystem_path(std::string_view path) const;
    bool is_guest_path(std::string_view path) const;

    std::vector<std::string> const& topics() const { return m_profile.topics; }
    Profile const& profile() const { return m_profile; }

private:
    Profile const& m_profile;
};

// "KVM: x86: Desc" from parts; omits empty parts.
std::string compose_shortlog(std::string const& subsystem, std::string const& topic, std::string_view description);

} // namespace review
