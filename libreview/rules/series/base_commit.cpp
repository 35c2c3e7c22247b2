#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
namespace {

class SeriesBaseCommit final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.base-commit", Severity::Error, Scope::Series,
                "Record the series' base with `git format-patch --base`", "Git Base", {}};
    }
    using Rule::Rule;

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        if (s.cover) {
            if (s.cover->patch.base_commit.empty())
                out.push_back(series_finding(*this, ctx, &*s.cover, 0,
                                             "the cover letter has no 'base-commit:' line; generate the series with "
                                             "'git format-patch --base=<ref>'",
                                             severity()));
            return;
        }
        for (auto const& p : s.patches)
            if (p.patch.base_commit.empty()) {
                out.push_back(series_finding(*this, ctx, &p, 0,
                                             "no 'base-commit:' line; generate the patch with "
                                             "'git format-patch --base=<ref>'",
                                             severity()));
                return;
            }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_base_commit, SeriesBaseCommit)
