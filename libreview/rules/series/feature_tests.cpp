#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
namespace {

class SeriesFeatureTests final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.feature-tests", Severity::Warning, Scope::Series,
                "New uAPI and capabilities come with selftests", "New Features",
                {series_text::TestsPath.spec()}};
    }
    SeriesFeatureTests(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_tests(o.get(series_text::TestsPath))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        auto added = series_text::uapi_additions(ctx.series);
        if (added.empty() || series_text::touches_prefix(ctx.series, m_tests))
            return;
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "the series adds uAPI ('" + added.front() + "'" +
                                         (added.size() > 1 ? " and " + std::to_string(added.size() - 1) + " more" : "") +
                                         ") but no test under " + m_tests + "; add a selftest, with negative tests",
                                     severity()));
    }

private:
    std::string m_tests;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_feature_tests, SeriesFeatureTests)
