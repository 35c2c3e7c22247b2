#include "libreview/rules/rule.h"

#include "libreview/core/text.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace review {

char const* option_type_name(OptionType type)
{
    switch (type) {
    case OptionType::Int: return "integer";
    case OptionType::Bool: return "boolean";
    case OptionType::String: return "string";
    case OptionType::List: return "list";
    }
    return "string";
}

std::string option_yaml(long value) { return std::to_string(value); }
std::string option_yaml(bool value) { return value ? "true" : "false"; }

std::string option_yaml(std::string const& value)
{
    YAML::Emitter out;
    out << value;
    return out.c_str();
}

std::string option_yaml(std::vector<std::string> const& value)
{
    YAML::Emitter out;
    out << YAML::Flow << value;
    return out.c_str();
}

namespace {

[[noreturn]] void internal_error(std::string const& what)
{
    // A programming error in a rule's declaration, caught by the first test run.
    std::fprintf(stderr, "internal error: %s\n", what.c_str());
    std::abort();
}

} // namespace

std::string expand_defaults(std::string const& text, RuleInfo const& info)
{
    std::string out;
    std::size_t at = 0;
    for (std::size_t open; (open = text.find('{', at)) != std::string::npos;) {
        std::size_t close = text.find('}', open);
        if (close == std::string::npos)
            internal_error(info.id + ": unbalanced '{' in \"" + text + "\"");
        std::string name = text.substr(open + 1, close - open - 1);
        auto spec = std::find_if(info.options.begin(), info.options.end(),
                                 [&](OptionSpec const& o) { return o.name == name; });
        if (spec == info.options.end())
            internal_error(info.id + ": \"" + text + "\" names no option '" + name + "'");
        out += text.substr(at, open - at) + spec->default_value;
        at = close + 1;
    }
    return out + text.substr(at);
}

RuleOptions::RuleOptions(RuleInfo const& info, RuleConfig const* config, std::vector<std::string>* problems)
    : m_info(info), m_config(config), m_problems(problems)
{
}

OptionValue const* RuleOptions::find(std::string const& name, OptionType type) const
{
    auto spec = std::find_if(m_info.options.begin(), m_info.options.end(),
                             [&](OptionSpec const& o) { return o.name == name; });
    if (spec == m_info.options.end() || spec->type != type)
        internal_error(m_info.id + " reads option '" + name + "' as a " + option_type_name(type) +
                       " but does not declare it so in describe()");
    if (!m_config)
        return nullptr;
    auto it = m_config->options.find(name);
    return it == m_config->options.end() ? nullptr : &it->second;
}

void RuleOptions::problem(std::string const& name, std::string const& what) const
{
    if (!m_problems)
        return;
    std::string where;
    if (m_config) {
        where = m_config->file;
        auto it = m_config->options.find(name);
        if (it != m_config->options.end() && it->second.line > 0)
            where += ":" + std::to_string(it->second.line);
    }
    m_problems->push_back(where + ": " + m_info.id + ": option '" + name + "' " + what + "; using the default");
}

template <typename T>
T RuleOptions::record(Option<T> const& option, T value) const
{
    m_effective[option.name] = option_yaml(value);
    return value;
}

long RuleOptions::get(IntOption const& option) const
{
    OptionValue const* v = find(option.name, OptionType::Int);
    if (!v)
        return record(option, option.fallback);
    if (v->is_list || v->items.empty()) {
        problem(option.name, "must be an integer");
        return record(option, option.fallback);
    }
    std::string const& s = v->items.front();
    long out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
        problem(option.name, "must be an integer, not '" + s + "'");
        return record(option, option.fallback);
    }
    return record(option, out);
}

bool RuleOptions::get(BoolOption const& option) const
{
    OptionValue const* v = find(option.name, OptionType::Bool);
    if (!v)
        return record(option, option.fallback);
    std::string s = v->items.empty() ? std::string() : v->items.front();
    if (s == "true" || s == "yes" || s == "on")
        return record(option, true);
    if (s == "false" || s == "no" || s == "off")
        return record(option, false);
    problem(option.name, "must be true or false, not '" + s + "'");
    return record(option, option.fallback);
}

std::string RuleOptions::get(StringOption const& option) const
{
    OptionValue const* v = find(option.name, OptionType::String);
    if (!v)
        return record(option, option.fallback);
    if (v->is_list || v->items.empty()) {
        problem(option.name, "must be a string");
        return record(option, option.fallback);
    }
    return record(option, v->items.front());
}

std::vector<std::string> RuleOptions::get(ListOption const& option) const
{
    OptionValue const* v = find(option.name, OptionType::List);
    return record(option, v ? v->items : option.fallback);
}

Location patch_location(Patch const& patch, int line)
{
    Location loc;
    loc.commit = patch.commit;
    loc.file = patch.file;
    loc.line = line;
    loc.subject = patch.message.title;
    return loc;
}

Finding Rule::finding(PatchContext const& ctx, int line, std::string message, std::optional<std::string> fix) const
{
    return finding(ctx, line, m_severity, std::move(message), std::move(fix));
}

Finding Rule::finding(PatchContext const& ctx, int line, Severity severity, std::string message,
                      std::optional<std::string> fix) const
{
    Finding f;
    f.rule = m_info.id;
    f.severity = severity;
    f.message = std::move(message);
    f.location = patch_location(ctx.patch, line);
    f.fix = std::move(fix);
    return f;
}

} // namespace review
