#include "libreview/rules/rule.h"

#include "libreview/core/text.h"

#include <charconv>

namespace review {

RuleOptions::RuleOptions(RuleInfo const& info, RuleConfig const* config, std::vector<std::string>* problems)
    : m_info(info), m_config(config), m_problems(problems)
{
}

OptionValue const* RuleOptions::find(std::string const& name) const
{
    if (!m_config)
        return nullptr;
    auto it = m_config->options.find(name);
    return it == m_config->options.end() ? nullptr : &it->second;
}

void RuleOptions::problem(std::string const& name, std::string const& what) const
{
    if (!m_problems)
        return;
    std::string where = m_config ? m_config->file : std::string();
    OptionValue const* v = find(name);
    if (v && v->line > 0)
        where += ":" + std::to_string(v->line);
    m_problems->push_back(where + ": " + m_info.id + ": option '" + name + "' " + what + "; using the default");
}

long RuleOptions::get_int(std::string const& name, long fallback) const
{
    OptionValue const* v = find(name);
    if (!v)
        return fallback;
    if (v->is_list || v->items.empty()) {
        problem(name, "must be an integer");
        return fallback;
    }
    std::string const& s = v->items.front();
    long out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
        problem(name, "must be an integer, not '" + s + "'");
        return fallback;
    }
    return out;
}

bool RuleOptions::get_bool(std::string const& name, bool fallback) const
{
    OptionValue const* v = find(name);
    if (!v)
        return fallback;
    std::string s = v->items.empty() ? std::string() : v->items.front();
    if (s == "true" || s == "yes" || s == "on")
        return true;
    if (s == "false" || s == "no" || s == "off")
        return false;
    problem(name, "must be true or false, not '" + s + "'");
    return fallback;
}

std::string RuleOptions::get_string(std::string const& name, std::string fallback) const
{
    OptionValue const* v = find(name);
    if (!v)
        return fallback;
    if (v->is_list || v->items.empty()) {
        problem(name, "must be a string");
        return fallback;
    }
    return v->items.front();
}

std::vector<std::string> RuleOptions::get_list(std::string const& name, std::vector<std::string> fallback) const
{
    OptionValue const* v = find(name);
    if (!v)
        return fallback;
    return v->items;
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
