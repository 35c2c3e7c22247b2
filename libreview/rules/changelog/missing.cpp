#include "libreview/rules/registry.h"

namespace review {
namespace {

class ChangelogMissing final : public Rule {
public:
    static inline IntOption const MinChangedLines{
        "min-changed-lines", 15, "changes with more added+removed lines need a body"};

    static RuleInfo describe()
    {
        return {"changelog.missing", Severity::Warning, Scope::Patch,
                "A non-trivial change has a changelog body", "Changelog",
                {MinChangedLines.spec()}};
    }
    ChangelogMissing(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_min(options.get(MinChangedLines))
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

} // namespace review

KVMX_REGISTER_RULE(changelog_missing, ChangelogMissing)
