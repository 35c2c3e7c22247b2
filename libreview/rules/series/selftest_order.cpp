#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
namespace {

class SeriesSelftestOrder final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.selftest-order", Severity::Warning, Scope::Series,
                "Order selftests for bisection: a new test after its fix", "Co-Posting Tests",
                {series_text::TestsPath.spec()}};
    }
    SeriesSelftestOrder(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_tests(o.get(series_text::TestsPath))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        auto const& patches = ctx.series.patches;
        // A patch that adds a test file and touches nothing outside the tests,
        // followed by a KVM fix: the test fails at its own commit.
        for (std::size_t i = 0; i < patches.size(); ++i) {
            if (!adds_test_only(patches[i].patch))
                continue;
            for (std::size_t j = i + 1; j < patches.size(); ++j) {
                Patch const& later = patches[j].patch;
                if (series_text::is_fix(later) && touches_outside_tests(later)) {
                    out.push_back(series_finding(*this, ctx, &patches[i], 0,
                                                 "the new selftest at " + series_text::position(patches[i]) +
                                                     " comes before the fix at " + series_text::position(patches[j]) +
                                                     " and fails at its own commit; move the test after the fix "
                                                     "so the series bisects",
                                                 severity()));
                    break;
                }
            }
        }
    }

private:
    bool in_tests(std::string const& path) const { return path.compare(0, m_tests.size(), m_tests) == 0; }
    bool adds_test_only(Patch const& p) const
    {
        bool adds = false;
        for (auto const& f : p.diff.files) {
            if (!in_tests(f.path()))
                return false;
            adds = adds || f.is_new;
        }
        return adds;
    }
    bool touches_outside_tests(Patch const& p) const
    {
        for (auto const& f : p.diff.files)
            if (!in_tests(f.path()))
                return true;
        return false;
    }

    std::string m_tests;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_selftest_order, SeriesSelftestOrder)
