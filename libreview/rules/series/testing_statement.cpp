#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

class SeriesTestingStatement final : public Rule {
public:
    static inline ListOption const UntestedWords{"untested-words",
        {"untested", "not tested", "compile tested", "compile-tested", "build tested", "build-tested",
            "only compiled", "could not test", "couldn't test", "unable to test"},
        "words that admit incomplete testing"};
    static inline ListOption const TestedWords{"tested-words",
        {"tested on ", "tested with", "tested by", "ran ", "passes", "selftests", "kvm-unit-tests"},
        "words that describe testing done"};

    static RuleInfo describe()
    {
        return {"series.testing-statement", Severity::Info, Scope::Series,
                "Say what testing was done where a series could not be fully tested", "Testing",
                {UntestedWords.spec(), TestedWords.spec()}};
    }
    SeriesTestingStatement(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity),
          m_untested(o.get(UntestedWords)),
          m_tested(o.get(TestedWords))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        std::string prose = series_text::cover_prose_text(ctx.series);
        std::string admitted;
        for (auto const& w : m_untested)
            if (admitted.empty() && text::icontains(prose, w))
                admitted = w;
        if (admitted.empty())
            return;
        for (auto const& w : m_tested)
            if (text::icontains(prose, w))
                return;
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "the cover letter says '" + admitted +
                                         "' but not what testing was done; list the tests run and on what hardware",
                                     severity()));
    }

private:
    std::vector<std::string> m_untested, m_tested;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_testing_statement, SeriesTestingStatement)
