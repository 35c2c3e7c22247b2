#include "libreview/rules/registry.h"

namespace review {
namespace {

class TagsReportedCloses final : public Rule {
public:
    static inline BoolOption const Strict{
        "strict", false, "require Closes:/Link: directly after the Reported-by: lines"};

    static RuleInfo describe()
    {
        return {"tags.reported-closes", Severity::Warning, Scope::Patch,
                "Follow `Reported-by:` with `Closes:` or `Link:` to the report", "Links",
                {Strict.spec()}};
    }
    TagsReportedCloses(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_strict(options.get(Strict))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        auto const& tr = ctx.patch.message.trailers;
        for (std::size_t i = 0; i < tr.size(); ++i) {
            if (!tr[i].is("Reported-by"))
                continue;
            bool ok = false;
            for (std::size_t j = i + 1; j < tr.size(); ++j) {
                if (tr[j].is("Reported-by") && m_strict)
                    continue;
                if (tr[j].is("Closes") || tr[j].is("Link")) {
                    ok = true;
                    break;
                }
                if (m_strict && !tr[j].is("Reported-by"))
                    break;
            }
            if (!ok) {
                out.push_back(finding(ctx, tr[i].line,
                                      "Reported-by: " + tr[i].value +
                                          " has no Closes: or Link: to the report; add a lore link after it"));
                return;
            }
        }
    }

private:
    bool m_strict;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(tags_reported_closes, TagsReportedCloses)
