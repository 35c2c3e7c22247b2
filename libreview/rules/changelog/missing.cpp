#include "libreview/rules/changelog/module.h"

namespace review {
namespace {

class ChangelogMissing final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.missing", Severity::Warning, Scope::Patch,
                "A non-trivial change has a changelog body", "Changelog",
                {{"min-changed-lines", "15", "changes with more added+removed lines need a body"}}};
    }
    ChangelogMissing(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_min(options.get_int("min-changed-lines", 15))
    {
    }

    bool needs_hunks() const override { return true; }


    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        if (ctx.patch.message.has_body())
            return;
        std::size_t changed = ctx.patch.diff.changed_lines();
        if (static_cast<long>(changed) < m_min)
            return;
        out.push_back(finding(ctx, ctx.patch.message.title_line,
                              "a change of " + std::to_string(changed) +
                                  " lines has no changelog; say what changes and why"));
    }

private:
    long m_min;
};

} // namespace

void add_changelog_missing(RuleRegistry& r) { r.add<ChangelogMissing>(); }

} // namespace review
