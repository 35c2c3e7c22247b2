#include "libreview/core/text.h"
#include "libreview/rules/commit_citation.h"
#include "libreview/rules/registry.h"

#include <algorithm>

namespace review {
namespace {

// git's --pretty=reference form: '<id> ("<title>", 2026-05-12)'
// (kvm-unit-tests 11a4d95cf1b5).
bool is_reference_form(std::string_view value)
{
    std::size_t open = value.find(" (\"");
    if (open == std::string_view::npos || value.empty() || value.back() != ')')
        return false;
    std::size_t comma = value.rfind("\", ");
    if (comma == std::string_view::npos || comma < open)
        return false;
    std::string_view date = value.substr(comma + 3, value.size() - comma - 4);
    return date.size() == 10 && date[4] == '-' && date[7] == '-';
}

class TagsFixesFormat final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"tags.fixes-format", Severity::Error, Scope::Patch,
                "Write `Fixes: <{min-id-length}+ hex> (\"<exact title>\")` on one line", "Fixes",
                {CitationMinIdLength.spec()}, "warning for a short id or a date"};
    }
    TagsFixesFormat(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_min(options.get(CitationMinIdLength))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const& t : ctx.patch.message.trailers) {
            if (!t.is("Fixes"))
                continue;
            Citation c = parse_citation(t.value);
            std::optional<std::string> fix;
            if (ctx.repo && c.id.size() >= 4) {
                auto found = ctx.repo->lookup(c.id);
                if (found && *found)
                    fix = "Fixes: " + format_citation((*found)->id, (*found)->title);
            }
            std::string problem;
            // Style slips that leave the tag usable (the commit is found):
            // a short id, git's reference form with a date. A warning.
            Severity level = severity();
            if (t.key != "Fixes")
                problem = "spell the tag 'Fixes:'";
            else if (c.id.size() < 4)
                problem = "Fixes: must cite a commit id";
            else if (static_cast<long>(c.id.size()) < m_min) {
                problem = "use at least " + std::to_string(m_min) + " characters of the commit id";
                level = std::min(level, Severity::Warning);
            } else if (!c.well_formed && is_reference_form(t.value)) {
                problem = "drop the date: write Fixes: <id> (\"<title>\")";
                level = std::min(level, Severity::Warning);
            } else if (!c.well_formed)
                problem = "write the title as (\"<title>\") right after the id";
            else if (t.continued)
                problem = "keep the Fixes: tag on one line, however long";
            if (problem.empty())
                continue;
            if (!fix && c.well_formed && c.id.size() >= 4 && t.key != "Fixes")
                fix = "Fixes: " + c.id + " (\"" + *c.title + "\")";
            out.push_back(finding(ctx, t.line, level, problem + ": '" + t.raw.substr(0, t.raw.find('\n')) + "'", fix));
        }
    }

private:
    long m_min;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(tags_fixes_format, TagsFixesFormat)
