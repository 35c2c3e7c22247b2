#include "libreview/gate/config.h"

#include "libreview/core/embedded_file.h"
#include "libreview/core/text.h"
#include "libreview/core/yaml_node.h"
#include "libreview/patch/patch_file.h"

#include <algorithm>
#include <filesystem>
#include <fnmatch.h>
#include <set>
#include <span>

namespace review::gate {

// Generated from rules/gate/*.yaml at build time (see libreview/embed_files.cmake).
std::span<EmbeddedFile const> embedded_gate_configs();

std::vector<std::string> builtin_config_names() { return embedded_file_names(embedded_gate_configs()); }

char const* builtin_config_text(std::string const& name)
{
    return embedded_file_text(embedded_gate_configs(), name);
}

bool path_matches(std::string const& path, std::vector<std::string> const& patterns)
{
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](std::string const& p) { return fnmatch(p.c_str(), path.c_str(), 0) == 0; });
}

BuildConfig const* Config::build(std::string const& n) const
{
    for (auto const& b : builds)
        if (b.name == n)
            return &b;
    return nullptr;
}

TestStep const* Config::step(std::string const& n) const
{
    for (auto const& s : steps)
        if (s.name == n)
            return &s;
    return nullptr;
}

Tier const* Config::tier(std::string const& n) const
{
    for (auto const& t : tiers)
        if (t.name == n)
            return &t;
    return nullptr;
}

Result<std::vector<std::string>> Config::tier_steps(std::string const& n) const
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::string current = n;
    while (!current.empty()) {
        if (!seen.insert(current).second)
            return make_error("tier '" + n + "' extends itself through '" + current + "'");
        Tier const* t = tier(current);
        if (!t) {
            std::vector<std::string> names;
            for (auto const& x : tiers)
                names.push_back(x.name);
            std::string msg = "unknown tier '" + current + "'";
            if (auto s = text::did_you_mean(current, names))
                msg += "; did you mean '" + *s + "'?";
            else if (!names.empty())
                msg += " (tiers: " + [&] {
                    std::string j;
                    for (auto const& x : names)
                        j += (j.empty() ? "" : ", ") + x;
                    return j;
                }() + ")";
            return make_error(msg);
        }
        // Inherited tests first, so "next" lists queue's tests and then its own.
        out.insert(out.begin(), t->tests.begin(), t->tests.end());
        current = t->extends;
    }
    std::vector<std::string> unique;
    for (auto const& s : out)
        if (std::find(unique.begin(), unique.end(), s) == unique.end())
            unique.push_back(s);
    return unique;
}

namespace {

Result<std::string> scalar(std::string const& name, YAML::Node const& node, char const* what)
{
    if (!node.IsScalar())
        return yaml::error_at(name, node, std::string(what) + " must be a string");
    return node.as<std::string>();
}

// A string or a list of strings.
Result<std::vector<std::string>> strings(std::string const& name, YAML::Node const& node, char const* what)
{
    if (node.IsScalar())
        return std::vector<std::string>{node.as<std::string>()};
    if (!node.IsSequence())
        return yaml::error_at(name, node, std::string(what) + " must be a string or a list of strings");
    return yaml::string_list(name, node, what);
}

Result<Environment> environment(std::string const& name, YAML::Node const& node)
{
    if (!node.IsMap())
        return yaml::error_at(name, node, "env must be a mapping of variable names to values");
    Environment env;
    for (auto const& kv : node)
        env.emplace_back(kv.first.as<std::string>(), TRY(scalar(name, kv.second, "env values")));
    return env;
}

Result<bool> boolean(std::string const& name, YAML::Node const& node, char const* what)
{
    try {
        return node.as<bool>();
    } catch (YAML::Exception const&) {
        return yaml::error_at(name, node, std::string(what) + " must be true or false");
    }
}

Result<TestStep> parse_step(std::string const& name, YAML::Node const& node, StepKind kind)
{
    static std::vector<std::string> const keys = {"name",  "build",       "commands", "env",
                                                  "paths", "skip-status", "exit-codes", "requires"};
    char const* what = kind == StepKind::Test ? "test" : kind == StepKind::Variant ? "variant" : "docs";
    TRY_VOID(yaml::check_keys(name, node, keys, what));
    TestStep step;
    step.kind = kind;
    if (auto n = node["name"])
        step.name = TRY(scalar(name, n, "name"));
    else if (kind == StepKind::Docs)
        step.name = "docs";
    else
        return yaml::error_at(name, node, std::string(what) + " needs a name");
    if (auto n = node["build"])
        step.build = TRY(scalar(name, n, "build"));
    if (auto n = node["commands"])
        step.commands = TRY(strings(name, n, "commands"));
    if (step.commands.empty())
        return yaml::error_at(name, node, std::string(what) + " '" + step.name + "' needs commands");
    if (auto n = node["env"])
        step.env = TRY(environment(name, n));
    if (auto n = node["paths"])
        step.paths = TRY(strings(name, n, "paths"));
    else if (kind == StepKind::Docs)
        step.paths = {"*.rst"};
    if (kind == StepKind::Variant && step.paths.empty())
        return yaml::error_at(name, node, "variant '" + step.name + "' needs paths that trigger it");
    if (auto n = node["skip-status"]) {
        try {
            step.skip_status = n.as<int>();
        } catch (YAML::Exception const&) {
            return yaml::error_at(name, n, "skip-status must be a number");
        }
    }
    if (auto n = node["exit-codes"]) {
        std::string codes = TRY(scalar(name, n, "exit-codes"));
        if (codes == "nipa")
            step.nipa_exit_codes = true;
        else if (codes != "plain")
            return yaml::error_at(name, n, "exit-codes must be 'plain' or 'nipa' (0 success, 250 warning, 111 pending)");
    }
    if (auto n = node["requires"]) {
        static std::vector<std::string> const requires_keys = {"check", "reason"};
        if (!n.IsMap())
            return yaml::error_at(name, n, "requires must be a mapping with check and reason");
        TRY_VOID(yaml::check_keys(name, n, requires_keys, "requires"));
        if (!n["check"] || !n["reason"])
            return yaml::error_at(name, n, "requires needs both check (a shell command) and reason");
        step.requires_check = TRY(scalar(name, n["check"], "check"));
        step.requires_reason = TRY(scalar(name, n["reason"], "reason"));
    }
    return step;
}

Result<void> apply(Config& config, YAML::Node const& root, std::string const& name)
{
    static std::vector<std::string> const keys = {"gate",       "description", "profile", "checks",
                                                  "baseline",   "ccache",      "preflight", "test-paths",
                                                  "builds",     "tests",       "variants", "docs",
                                                  "tiers",      "default-tier"};
    TRY_VOID(yaml::check_keys(name, root, keys, "gate configuration"));
    if (auto n = root["gate"])
        config.name = TRY(scalar(name, n, "gate"));
    if (auto n = root["description"])
        config.description = TRY(scalar(name, n, "description"));
    if (auto n = root["profile"])
        config.profile = TRY(scalar(name, n, "profile"));
    if (auto n = root["checks"])
        config.checks = TRY(boolean(name, n, "checks"));
    if (auto n = root["baseline"])
        config.baseline = TRY(boolean(name, n, "baseline"));
    if (auto n = root["ccache"])
        config.ccache = TRY(boolean(name, n, "ccache"));
    if (auto n = root["preflight"]) {
        if (!n.IsSequence())
            return yaml::error_at(name, n, "preflight must be a list of {check, error}");
        static std::vector<std::string> const preflight_keys = {"check", "error"};
        for (auto const& item : n) {
            TRY_VOID(yaml::check_keys(name, item, preflight_keys, "preflight"));
            if (!item["check"] || !item["error"])
                return yaml::error_at(name, item, "preflight needs both check (a shell command) and error");
            config.preflight.push_back(
                {TRY(scalar(name, item["check"], "check")), TRY(scalar(name, item["error"], "error"))});
        }
    }
    if (auto n = root["test-paths"])
        config.test_paths = TRY(strings(name, n, "test-paths"));
    if (auto n = root["builds"]) {
        if (!n.IsSequence())
            return yaml::error_at(name, n, "builds must be a list");
        static std::vector<std::string> const build_keys = {"name", "commands", "env"};
        for (auto const& item : n) {
            TRY_VOID(yaml::check_keys(name, item, build_keys, "build"));
            BuildConfig b;
            if (!item["name"])
                return yaml::error_at(name, item, "build needs a name");
            b.name = TRY(scalar(name, item["name"], "name"));
            if (config.build(b.name))
                return yaml::error_at(name, item, "build '" + b.name + "' is defined twice");
            if (auto c = item["commands"])
                b.commands = TRY(strings(name, c, "commands"));
            if (b.commands.empty())
                return yaml::error_at(name, item, "build '" + b.name + "' needs commands");
            if (auto e = item["env"])
                b.env = TRY(environment(name, e));
            config.builds.push_back(std::move(b));
        }
    }
    auto add_steps = [&](char const* key, StepKind kind) -> Result<void> {
        auto n = root[key];
        if (!n)
            return {};
        std::vector<YAML::Node> items;
        if (kind == StepKind::Docs && n.IsMap())
            items.push_back(n);
        else if (n.IsSequence())
            for (auto const& item : n)
                items.push_back(item);
        else
            return yaml::error_at(name, n, std::string(key) + " must be a list");
        for (auto const& item : items) {
            auto step = TRY(parse_step(name, item, kind));
            if (config.step(step.name))
                return yaml::error_at(name, item, "step '" + step.name + "' is defined twice");
            if (!step.build.empty() && !config.build(step.build)) {
                std::vector<std::string> names;
                for (auto const& b : config.builds)
                    names.push_back(b.name);
                std::string msg = "'" + step.name + "' runs against unknown build '" + step.build + "'";
                if (auto s = text::did_you_mean(step.build, names))
                    msg += "; did you mean '" + *s + "'?";
                return yaml::error_at(name, item["build"], msg);
            }
            config.steps.push_back(std::move(step));
        }
        return {};
    };
    TRY_VOID(add_steps("tests", StepKind::Test));
    TRY_VOID(add_steps("variants", StepKind::Variant));
    TRY_VOID(add_steps("docs", StepKind::Docs));
    if (auto n = root["tiers"]) {
        if (!n.IsMap())
            return yaml::error_at(name, n, "tiers must map tier names to {extends, tests}");
        static std::vector<std::string> const tier_keys = {"extends", "tests"};
        for (auto const& kv : n) {
            Tier t;
            t.name = kv.first.as<std::string>();
            TRY_VOID(yaml::check_keys(name, kv.second, tier_keys, "tier"));
            if (auto e = kv.second["extends"])
                t.extends = TRY(scalar(name, e, "extends"));
            if (auto s = kv.second["tests"])
                t.tests = TRY(strings(name, s, "tests"));
            for (auto const& test : t.tests) {
                if (config.step(test))
                    continue;
                std::vector<std::string> names;
                for (auto const& s : config.steps)
                    names.push_back(s.name);
                std::string msg = "tier '" + t.name + "' names unknown test '" + test + "'";
                if (auto s = text::did_you_mean(test, names))
                    msg += "; did you mean '" + *s + "'?";
                return yaml::error_at(name, kv.second, msg);
            }
            config.tiers.push_back(std::move(t));
        }
        for (auto const& t : config.tiers)
            if (!t.extends.empty())
                if (auto r = config.tier_steps(t.name); !r)
                    return make_error(r.error().message, name, yaml::line_of(n));
    }
    if (auto n = root["default-tier"]) {
        config.default_tier = TRY(scalar(name, n, "default-tier"));
        if (auto r = config.tier_steps(config.default_tier); !r)
            return make_error("default-tier: " + r.error().message, name, yaml::line_of(n));
    }
    if (config.builds.empty() && config.steps.empty())
        return make_error("a gate configuration needs builds or tests", name);
    return {};
}

} // namespace

Result<Config> parse_config(std::string const& text, std::string const& name)
{
    YAML::Node root = TRY(yaml::load(text, name));
    Config config;
    try {
        TRY_VOID(apply(config, root, name));
    } catch (YAML::Exception const& e) {
        return yaml::exception_error(name, e);
    }
    if (config.name.empty())
        config.name = std::filesystem::path(name).stem().string();
    return config;
}

Result<Config> load_config(std::string const& name_or_path)
{
    std::string name = name_or_path.empty() ? default_config : name_or_path;
    if (char const* text = builtin_config_text(name))
        return parse_config(text, "builtin:" + name);
    std::error_code ec;
    if (!std::filesystem::exists(name, ec)) {
        std::string msg = "no gate configuration '" + name + "': neither a builtin nor a file";
        if (auto s = text::did_you_mean(name, builtin_config_names()))
            msg += "; did you mean '" + *s + "'?";
        return make_error(msg);
    }
    auto text = TRY(read_file_bounded(name, 1u << 20));
    return parse_config(text, name);
}

} // namespace review::gate
