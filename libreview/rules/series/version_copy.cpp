#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

std::string normalized(std::vector<Line> const& lines)
{
    std::string out;
    for (auto const& l : lines)
        for (auto w : text::words(l.text)) {
            out += std::string(w);
            out += ' ';
        }
    return out;
}

class SeriesVersionCopy final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.version-copy", Severity::Error, Scope::Series,
                "Do not copy the previous version's cover letter verbatim", "Posting", {}};
    }
    using Rule::Rule;

    std::optional<std::string> skip_reason(SeriesContext const& ctx) const override
    {
        if (!ctx.series.cover)
            return "the series has no cover letter";
        Series const* prev = ctx.previous_version();
        if (!prev)
            return "no previous version of the series in the input";
        if (!prev->cover)
            return "the previous version has no cover letter";
        return std::nullopt;
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        Series const& prev = *ctx.previous_version();
        if (s.cover->tags.resend && s.version == prev.version)
            return; // a RESEND repeats the posting on purpose
        std::string now = normalized(series_text::cover_prose(s));
        if (now.empty() || now != normalized(series_text::cover_prose(prev)))
            return;
        out.push_back(series_finding(*this, ctx, &*s.cover, 0,
                                     "the cover letter is a verbatim copy of v" + std::to_string(prev.version) +
                                         "'s; say why this version is posted and what changed since v" +
                                         std::to_string(prev.version),
                                     severity()));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_version_copy, SeriesVersionCopy)
