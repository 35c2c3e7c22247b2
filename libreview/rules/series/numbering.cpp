#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include <set>

namespace review {
namespace {

class SeriesNumbering final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.numbering", Severity::Error, Scope::Series,
                "Number `[PATCH vN m/n]` completely and consistently; add a 0/n cover letter", "Posting", {}};
    }
    using Rule::Rule;

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        auto add = [&](Posting const* p, std::string msg) {
            out.push_back(series_finding(*this, ctx, p, 0, std::move(msg), severity()));
        };
        if (s.total == 0) {
            if (s.patches.size() > 1)
                add(&s.patches[1], std::to_string(s.patches.size()) +
                                       " unnumbered patches in one posting; number them with 'git format-patch -n'");
            return;
        }
        for (auto const& p : s.patches) {
            if (!p.tags.numbered)
                add(&p, "patch without m/n numbering in a numbered series");
            else if (p.tags.total != s.total)
                add(&p, "numbered " + series_text::position(p) + " in a series of " + std::to_string(s.total));
            else if (p.tags.index > s.total)
                add(&p, "patch " + series_text::position(p) + " is numbered beyond the series length");
        }
        for (auto const& d : s.duplicates)
            add(&d, "patch " + series_text::position(d) + " was posted twice; send each patch once");
        std::set<int> present;
        for (auto const& p : s.patches)
            present.insert(p.tags.index);
        std::vector<std::string> missing;
        for (int i = 1; i <= s.total && missing.size() < 50; ++i)
            if (!present.count(i))
                missing.push_back(std::to_string(i) + "/" + std::to_string(s.total));
        if (!missing.empty())
            add(nullptr, "missing " + join(missing) + "; every patch of the series must be posted");
        if (s.total > 1 && !s.cover)
            add(nullptr, "a " + std::to_string(s.total) +
                             "-patch series has no 0/" + std::to_string(s.total) +
                             " cover letter; use 'git format-patch --cover-letter'");
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_numbering, SeriesNumbering)
