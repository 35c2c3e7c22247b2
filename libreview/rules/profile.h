#pragma once
// A rule profile: which rules run with which severities and options, plus the
// project data the rules share (subsystem word, topics, topic tree, path map).
// Loaded from YAML through libreview/core/yaml_node.h, as gate configurations are.

#include "libreview/core/diagnostic.h"
#include "libreview/core/result.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace review {

struct OptionValue {
    std::vector<std::string> items; // one item for a scalar
    bool is_list = false;
    int line = 0;
};

struct RuleConfig {
    std::optional<bool> enabled;
    std::optional<Severity> severity;
    // Path scope: the rule runs at its severity only on patches touching a
    // file under one of `paths`; elsewhere it is off, or runs at `outside`.
    std::vector<std::string> paths;
    std::optional<Severity> outside; // nullopt: off outside the paths
    std::map<std::string, OptionValue> options;
    std::string file;
    int line = 0;
};

struct PathTopic {
    std::string prefix;
    std::string topic;
};

struct Profile {
    std::string name;
    std::string source; // file path, or "builtin:<name>"
    std::string subsystem; // "KVM"; empty when shortlogs carry only an area
    std::vector<std::string> topics;
    std::map<std::string, std::string> topic_parent; // child -> parent
    std::vector<PathTopic> path_topics;
    std::vector<std::string> subsystem_paths; // files that make a change a KVM change
    std::vector<std::string> guest_paths;     // Linux-as-a-KVM-guest files (x86/kvm:)
    std::map<std::string, RuleConfig> rules;
    std::vector<std::string> chain; // names of the profiles merged, base first
};

struct ProfileLoadOptions {
    std::vector<std::string> known_rules;                       // for "did you mean"
    std::map<std::string, std::vector<std::string>> rule_options; // rule id -> option names
};

// Load a profile from a file; `extends:` names a builtin profile or a path
// relative to the file.
Result<Profile> load_profile_file(std::string const& path, ProfileLoadOptions const&);
// Load a profile compiled into the binary ("kvm-x86", "kvm-unit-tests").
Result<Profile> load_builtin_profile(std::string const& name, ProfileLoadOptions const&);
// Parse profile text; `name` is used in errors.
Result<Profile> parse_profile(std::string const& text, std::string const& name, ProfileLoadOptions const&,
                              int depth = 0);

std::vector<std::string> builtin_profile_names();
// The YAML text of a builtin profile, or nullptr.
char const* builtin_profile_text(std::string const& name);

} // namespace review
