#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

class SeriesRfc final : public Rule {
public:
    static inline ListOption const FeedbackWords{"feedback-words",
        {"feedback", "comments", "thoughts", "opinion", "question", "looking for", "?"},
        "words that show an RFC asks for something"};

    static RuleInfo describe()
    {
        return {"series.rfc", Severity::Warning, Scope::Series,
                "Tag features without tests RFC; an RFC's cover letter says what feedback is wanted", "New Features",
                {series_text::TestsPath.spec(), FeedbackWords.spec()}};
    }
    SeriesRfc(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_tests(o.get(series_text::TestsPath)),
          m_words(o.get(FeedbackWords))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        if (s.rfc) {
            std::string prose = series_text::cover_prose_text(s);
            for (auto const& w : m_words)
                if (text::icontains(prose, w))
                    return;
            out.push_back(series_finding(*this, ctx, nullptr, 0,
                                         "the RFC does not say what feedback is wanted; state the open questions "
                                         "and the intent in the cover letter",
                                         severity()));
            return;
        }
        auto added = series_text::uapi_additions(s);
        if (added.empty() || series_text::touches_prefix(s, m_tests))
            return;
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "a new feature ('" + added.front() +
                                         "') without tests is not ready for merging; tag the series [RFC PATCH]",
                                     severity()));
    }

private:
    std::string m_tests;
    std::vector<std::string> m_words;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_rfc, SeriesRfc)
