#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include <set>

namespace review {
namespace {

class SeriesInReplyTo final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.in-reply-to", Severity::Warning, Scope::Series,
                "Do not post a new version or a fix `In-Reply-To:` an earlier version or the report", "Links", {}};
    }
    using Rule::Rule;

    std::optional<std::string> skip_reason(SeriesContext const& ctx) const override
    {
        if (!ctx.series.has_mail_headers())
            return "no mail headers (the series was not read from mail)";
        return std::nullopt;
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        Posting const* lead = s.lead();
        if (!lead || lead->in_reply_to.empty())
            return;
        std::set<std::string> own;
        for (auto const* m : s.mails())
            own.insert(m->message_id);
        if (own.count(lead->in_reply_to))
            return;
        std::set<std::string> earlier;
        for (auto const* v : ctx.previous)
            for (auto const* m : v->mails())
                earlier.insert(m->message_id);
        bool to_earlier = earlier.count(lead->in_reply_to) > 0;
        bool fix = false;
        for (auto const& p : s.patches)
            fix = fix || series_text::is_fix(p.patch);
        if (!to_earlier && s.version < 2 && !fix)
            return;
        std::string what = to_earlier ? "an earlier version" : (s.version >= 2 ? "another thread" : "the report");
        out.push_back(series_finding(*this, ctx, lead, 0,
                                     "v" + std::to_string(s.version) + " is posted In-Reply-To " + what + " <" +
                                         lead->in_reply_to +
                                         ">; start a new thread and link the earlier mail with a lore link instead",
                                     severity()));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_in_reply_to, SeriesInReplyTo)
