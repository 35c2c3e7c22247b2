#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include <algorithm>

namespace review {
namespace {

class SeriesVersionLog final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.version-log", Severity::Error, Scope::Series,
                "Summarize the changes of every earlier version in the cover letter", "Posting", {}};
    }
    using Rule::Rule;

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        if (s.version < 2)
            return;
        auto tokens = series_text::version_tokens(series_text::cover_prose_text(s));
        auto has = [&](int v) { return std::find(tokens.begin(), tokens.end(), v) != tokens.end(); };
        std::vector<std::string> missing;
        // "v2:" lists what changed from v1 to v2; "v1:" or "Changes since v1" names v1 itself.
        for (int k = 1; k < s.version && k < 1000; ++k)
            if (!has(k) && !has(k + 1))
                missing.push_back("v" + std::to_string(k));
        if (missing.empty())
            return;
        std::string where = s.cover ? "the cover letter" : "the notes below '---'";
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "v" + std::to_string(s.version) + " has no version log: " + where +
                                         " does not say what changed in " + join(missing) +
                                         "; add 'v" + std::to_string(s.version) + ":' with a summary of the changes "
                                         "(per-patch notes do not replace it)",
                                     severity()));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_version_log, SeriesVersionLog)
