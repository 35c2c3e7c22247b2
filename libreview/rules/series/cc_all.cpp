#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <map>
#include <set>

namespace review {
namespace {

class SeriesCcAll final : public Rule {
public:
    static inline ListOption const Ignore{"ignore", {"stable@vger.kernel.org"}, "addresses exempt from the rule"};

    static RuleInfo describe()
    {
        return {"series.cc-all", Severity::Warning, Scope::Series,
                "Put everyone on To/Cc of every patch and the cover letter", "Posting",
                {Ignore.spec()}};
    }
    SeriesCcAll(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_ignore(o.get(Ignore))
    {
        for (auto& a : m_ignore)
            a = text::to_lower(a);
    }

    std::optional<std::string> skip_reason(SeriesContext const& ctx) const override
    {
        if (!ctx.series.has_mail_headers())
            return "no mail headers (the series was not read from mail)";
        if (ctx.series.mails().size() < 2)
            return "a single mail";
        return std::nullopt;
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        auto mails = ctx.series.mails();
        std::vector<std::string> everyone;
        std::set<std::string> seen;
        for (auto const* m : mails) {
            std::string sender = text::to_lower(m->patch.author.email);
            for (auto const& a : m->recipients)
                if (a != sender && std::find(m_ignore.begin(), m_ignore.end(), a) == m_ignore.end() &&
                    seen.insert(a).second)
                    everyone.push_back(a);
        }
        // Group addresses by the set of mails that lack them: one finding per gap.
        std::map<std::vector<std::size_t>, std::vector<std::string>> gaps;
        std::vector<std::vector<std::size_t>> order;
        for (auto const& a : everyone) {
            std::vector<std::size_t> missing;
            for (std::size_t i = 0; i < mails.size(); ++i) {
                auto const& r = mails[i]->recipients;
                bool is_sender = text::to_lower(mails[i]->patch.author.email) == a;
                if (!is_sender && std::find(r.begin(), r.end(), a) == r.end())
                    missing.push_back(i);
            }
            if (missing.empty())
                continue;
            if (!gaps.count(missing))
                order.push_back(missing);
            gaps[missing].push_back(a);
        }
        for (auto const& missing : order) {
            std::vector<std::string> where;
            for (std::size_t i : missing)
                where.push_back(series_text::position(*mails[i]));
            auto const& who = gaps[missing];
            out.push_back(series_finding(*this, ctx, mails[missing.front()], 0,
                                         join(who) + (who.size() == 1 ? " is" : " are") + " not on To/Cc of " +
                                             std::to_string(missing.size()) + " of " + std::to_string(mails.size()) +
                                             " mails (" + join(where) +
                                             "); send every patch and the cover letter to the same recipients",
                                         severity()));
        }
    }

private:
    std::vector<std::string> m_ignore;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_cc_all, SeriesCcAll)
