#include "libreview/rules/profile.h"

#include "libreview/core/embedded_file.h"
#include "libreview/core/text.h"
#include "libreview/core/yaml_node.h"
#include "libreview/patch/patch_file.h"

#include <algorithm>
#include <filesystem>
#include <span>

namespace review {

// Generated from rules/*.yaml at build time (see libreview/embed_files.cmake).
std::span<EmbeddedFile const> embedded_profiles();

std::vector<std::string> builtin_profile_names() { return embedded_file_names(embedded_profiles()); }

char const* builtin_profile_text(std::string const& name) { return embedded_file_text(embedded_profiles(), name); }

namespace {

constexpr int max_extends_depth = 8;

Result<void> apply(Profile& profile, YAML::Node const& root, std::string const& name, ProfileLoadOptions const& opts)
{
    static std::vector<std::string> const keys = {"profile", "description", "extends", "subsystem", "topics",
                                                  "topic-tree", "path-topics", "subsystem-paths", "guest-paths",
                                                  "rules"};
    TRY_VOID(yaml::check_keys(name, root, keys, "profile"));
    if (auto n = root["profile"])
        profile.name = n.as<std::string>();
    if (auto n = root["subsystem"])
        profile.subsystem = n.IsNull() ? std::string() : n.as<std::string>();
    if (auto n = root["topics"])
        profile.topics = TRY(yaml::string_list(name, n, "topics"));
    if (auto n = root["subsystem-paths"])
        profile.subsystem_paths = TRY(yaml::string_list(name, n, "subsystem-paths"));
    if (auto n = root["guest-paths"])
        profile.guest_paths = TRY(yaml::string_list(name, n, "guest-paths"));
    if (auto n = root["topic-tree"]) {
        if (!n.IsMap())
            return yaml::error_at(name, n, "topic-tree must map a parent topic to a list of children");
        profile.topic_parent.clear();
        for (auto const& kv : n) {
            std::string parent = kv.first.as<std::string>();
            for (auto const& child : TRY(yaml::string_list(name, kv.second, "topic-tree children")))
                profile.topic_parent[child] = parent;
        }
    }
    if (auto n = root["path-topics"]) {
        if (!n.IsMap())
            return yaml::error_at(name, n, "path-topics must map a path prefix to a topic");
        profile.path_topics.clear();
        for (auto const& kv : n)
            profile.path_topics.push_back({kv.first.as<std::string>(), kv.second.IsNull() ? std::string()
                                                                                          : kv.second.as<std::string>()});
    }
    if (auto n = root["rules"]) {
        if (!n.IsMap())
            return yaml::error_at(name, n, "rules must map rule ids to settings");
        for (auto const& kv : n) {
            std::string id = kv.first.as<std::string>();
            if (!opts.known_rules.empty() &&
                std::find(opts.known_rules.begin(), opts.known_rules.end(), id) == opts.known_rules.end()) {
                std::string msg = "unknown rule id '" + id + "'";
                if (auto s = text::did_you_mean(id, opts.known_rules))
                    msg += "; did you mean '" + *s + "'?";
                return yaml::error_at(name, kv.first, msg);
            }
            RuleConfig& config = profile.rules[id];
            config.file = name;
            config.line = yaml::line_of(kv.first);
            YAML::Node const& settings = kv.second;
            if (settings.IsScalar()) {
                // "rule: off" / "rule: warning" shorthand.
                std::string v = settings.as<std::string>();
                if (v == "off" || v == "false" || v == "disabled")
                    config.enabled = false;
                else if (v == "on" || v == "true" || v == "enabled")
                    config.enabled = true;
                else if (auto sev = parse_severity(v))
                    config.severity = *sev, config.enabled = true;
                else
                    return yaml::error_at(name, settings, "rule '" + id + "': expected off, on, info, warning or error, got '" + v + "'");
                continue;
            }
            if (settings.IsNull())
                continue;
            if (!settings.IsMap())
                return yaml::error_at(name, settings, "rule '" + id + "' settings must be a map");
            for (auto const& opt : settings) {
                std::string key = opt.first.as<std::string>();
                if (key == "enabled") {
                    config.enabled = opt.second.as<std::string>() != "false" && opt.second.as<std::string>() != "off";
                } else if (key == "paths") {
                    config.paths = TRY(yaml::string_list(name, opt.second, "paths"));
                } else if (key == "outside") {
                    std::string v = opt.second.as<std::string>();
                    if (v == "off")
                        config.outside.reset();
                    else if (auto sev = parse_severity(v))
                        config.outside = *sev;
                    else
                        return yaml::error_at(name, opt.second,
                                              "rule '" + id + "': outside must be off, info, warning or error");
                } else if (key == "severity") {
                    auto sev = parse_severity(opt.second.as<std::string>());
                    if (!sev)
                        return yaml::error_at(name, opt.second, "rule '" + id + "': severity must be info, warning or error");
                    config.severity = *sev;
                } else {
                    auto known = opts.rule_options.find(id);
                    if (known != opts.rule_options.end() &&
                        std::find(known->second.begin(), known->second.end(), key) == known->second.end()) {
                        std::vector<std::string> candidates = known->second;
                        candidates.push_back("enabled");
                        candidates.push_back("severity");
                        candidates.push_back("paths");
                        candidates.push_back("outside");
                        std::string msg = "rule '" + id + "' has no option '" + key + "'";
                        if (auto s = text::did_you_mean(key, candidates))
                            msg += "; did you mean '" + *s + "'?";
                        return yaml::error_at(name, opt.first, msg);
                    }
                    OptionValue value;
                    value.line = yaml::line_of(opt.second);
                    if (opt.second.IsSequence()) {
                        value.is_list = true;
                        value.items = TRY(yaml::string_list(name, opt.second, key.c_str()));
                    } else if (opt.second.IsScalar()) {
                        value.items.push_back(opt.second.as<std::string>());
                    } else {
                        return yaml::error_at(name, opt.second, "rule '" + id + "' option '" + key + "' must be a scalar or a list");
                    }
                    config.options[key] = std::move(value);
                }
            }
        }
    }
    return {};
}

} // namespace

Result<Profile> parse_profile(std::string const& text, std::string const& name, ProfileLoadOptions const& opts, int depth)
{
    if (depth > max_extends_depth)
        return make_error("profile 'extends' chain is deeper than " + std::to_string(max_extends_depth) + " (a cycle?)", name);
    YAML::Node root = TRY(yaml::load(text, name, "malformed YAML: "));
    if (!root.IsMap())
        return make_error("a profile must be a YAML map", name, 1);
    Profile profile;
    try {
        if (auto ext = root["extends"]) {
            std::string parent = ext.as<std::string>();
            if (builtin_profile_text(parent)) {
                profile = TRY(parse_profile(builtin_profile_text(parent), "builtin:" + parent, opts, depth + 1));
            } else {
                std::filesystem::path p(parent);
                if (p.is_relative() && name.rfind("builtin:", 0) != 0)
                    p = std::filesystem::path(name).parent_path() / p;
                auto data = read_file_bounded(p.string(), 1 << 20);
                if (!data)
                    return make_error("extends '" + parent + "': " + data.error().describe(), name, yaml::line_of(ext));
                profile = TRY(parse_profile(*data, p.string(), opts, depth + 1));
            }
        }
        // A child edits the inherited profile in place: lists replace, rule
        // settings override per option.
        TRY_VOID(apply(profile, root, name, opts));
    } catch (YAML::Exception const& e) {
        return yaml::exception_error(name, e, "bad profile value: ");
    }
    profile.source = name;
    profile.chain.push_back(profile.name.empty() ? name : profile.name);
    return profile;
}

Result<Profile> load_profile_file(std::string const& path, ProfileLoadOptions const& opts)
{
    std::string text = TRY(read_file_bounded(path, 1 << 20));
    return parse_profile(text, path, opts);
}

Result<Profile> load_builtin_profile(std::string const& name, ProfileLoadOptions const& opts)
{
    char const* text = builtin_profile_text(name);
    if (!text) {
        std::string msg = "no builtin profile '" + name + "'";
        if (auto s = text::did_you_mean(name, builtin_profile_names()))
            msg += "; did you mean '" + *s + "'?";
        return make_error(msg);
    }
    return parse_profile(text, "builtin:" + name, opts);
}

} // namespace review
