#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

class SeriesStableRecipient final : public Rule {
public:
    static inline StringOption const Address{"address", "stable@vger.kernel.org", "the stable list address"};

    static RuleInfo describe()
    {
        return {"series.stable-recipient", Severity::Info, Scope::Series,
                "`Cc: stable@vger.kernel.org` is a trailer; the mail need not go to stable@", "Fixes",
                {Address.spec()}};
    }
    SeriesStableRecipient(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_address(text::to_lower(o.get(Address)))
    {
    }

    std::optional<std::string> skip_reason(SeriesContext const& ctx) const override
    {
        if (!ctx.series.has_mail_headers())
            return "no mail headers (the series was not read from mail)";
        return std::nullopt;
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const* m : ctx.series.mails())
            for (auto const& a : m->recipients)
                if (a == m_address) {
                    out.push_back(series_finding(*this, ctx, m, 0,
                                                 m_address + " is on To/Cc of the mail; the 'Cc: " + m_address +
                                                     "' trailer is enough for the backport bots (suppress it with "
                                                     "'git send-email --suppress-cc=bodycc' or a cc-cmd filter)",
                                                 severity()));
                    return;
                }
    }

private:
    std::string m_address;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_stable_recipient, SeriesStableRecipient)
