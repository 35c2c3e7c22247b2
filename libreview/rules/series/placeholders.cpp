#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
namespace {

class SeriesPlaceholders final : public Rule {
public:
    static inline ListOption const Markers{
        "markers", {"*** SUBJECT HERE ***", "*** BLURB HERE ***"}, "template text to refuse"};

    static RuleInfo describe()
    {
        return {"series.placeholders", Severity::Error, Scope::Series,
                "Replace the cover letter template text", "Posting",
                {Markers.spec()}};
    }
    SeriesPlaceholders(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_markers(o.get(Markers))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const* m : ctx.series.mails()) {
            Message const& msg = m->patch.message;
            for (auto const& marker : m_markers) {
                int line = 0;
                if (msg.title.find(marker) != std::string::npos)
                    line = msg.title_line;
                for (auto const* lines : {&msg.body, &msg.notes})
                    for (auto const& l : *lines)
                        if (!line && l.text.find(marker) != std::string::npos)
                            line = l.number;
                if (line)
                    out.push_back(series_finding(*this, ctx, m, line,
                                                 "template text '" + marker + "' left in " +
                                                     (m->tags.index == 0 && m->tags.numbered ? "the cover letter"
                                                                                             : "the mail") +
                                                     "; write the subject and the blurb",
                                                 severity()));
            }
        }
    }

private:
    std::vector<std::string> m_markers;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_placeholders, SeriesPlaceholders)
