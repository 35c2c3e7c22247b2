#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
namespace {

class SeriesVersionLinks final : public Rule {
public:
    static inline ListOption const Hosts{
        "hosts", {"lore.kernel.org", "lkml.kernel.org", "patch.msgid.link"}, "archives accepted as links"};

    static RuleInfo describe()
    {
        return {"series.version-links", Severity::Warning, Scope::Series,
                "Link previous versions with lore links", "Links",
                {Hosts.spec()}};
    }
    SeriesVersionLinks(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_hosts(o.get(Hosts))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        if (s.version < 2)
            return;
        std::string prose = series_text::cover_prose_text(s);
        // Without any version log series.version-log reports the gap; the
        // links belong in that log, so one finding says it.
        if (series_text::version_tokens(prose).empty())
            return;
        if (!series_text::links_to(prose, m_hosts).empty())
            return;
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "v" + std::to_string(s.version) +
                                         " does not link its previous version; add 'v" +
                                         std::to_string(s.version - 1) + ": https://lore.kernel.org/all/<message-id>' "
                                         "to the cover letter",
                                     severity()));
    }

private:
    std::vector<std::string> m_hosts;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_version_links, SeriesVersionLinks)
