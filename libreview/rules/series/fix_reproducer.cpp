#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

class SeriesFixReproducer final : public Rule {
public:
    static inline ListOption const Words{"words",
        {"reproduc", "syzkaller", "syzbot", "selftest", "kvm-unit-tests", "test case", "testcase"},
        "words that name a reproducer"};

    static RuleInfo describe()
    {
        return {"series.fix-reproducer", Severity::Info, Scope::Series,
                "A bug fix names its reproducer or adds a regression test", "Bug Fixes",
                {series_text::TestsPath.spec(), Words.spec()}};
    }
    SeriesFixReproducer(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_tests(o.get(series_text::TestsPath)),
          m_words(o.get(Words))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        bool all_fixes = !s.patches.empty();
        for (auto const& p : s.patches)
            all_fixes = all_fixes && series_text::is_fix(p.patch);
        if (!all_fixes || series_text::touches_prefix(s, m_tests))
            return;
        std::string prose = series_text::all_prose(s);
        for (auto const& w : m_words)
            if (text::icontains(prose, w))
                return;
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "the fix names no reproducer and adds no regression test; say how the bug "
                                     "was found and reproduced, or add a selftest",
                                     severity()));
    }

private:
    std::string m_tests;
    std::vector<std::string> m_words;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_fix_reproducer, SeriesFixReproducer)
