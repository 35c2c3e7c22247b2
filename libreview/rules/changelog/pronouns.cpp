#include "libreview/core/text.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

class ChangelogPronouns final : public Rule {
public:
    static inline IntOption const MaxReports{"max-reports", 1, "findings per patch; the message counts the rest"};

    static RuleInfo describe()
    {
        return {"changelog.pronouns", Severity::Warning, Scope::Patch,
                "Avoid pronouns (I, we, us, our, my, you, your) in changelog prose", "Changelog",
                {MaxReports.spec()}};
    }
    ChangelogPronouns(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_max(options.get(MaxReports))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Message const& m = ctx.patch.message;
        struct Hit {
            int line;
            std::string word;
        };
        std::vector<Hit> hits;
        Shortlog s = split_shortlog(m.title);
        if (auto p = prose::find_pronoun(s.description))
            hits.push_back({m.title_line, *p});
        for (auto const& line : m.body) {
            if (!prose::is_prose_line(line.text))
                continue;
            if (auto p = prose::find_pronoun(line.text))
                hits.push_back({line.number, *p});
        }
        if (hits.empty())
            return;
        long reported = 0;
        for (auto const& h : hits) {
            if (reported >= m_max)
                break;
            std::string msg = "avoid pronouns in the changelog: '" + h.word + "'";
            if (reported == m_max - 1 && hits.size() > static_cast<std::size_t>(m_max))
                msg += " (and " + std::to_string(hits.size() - static_cast<std::size_t>(m_max)) + " more lines)";
            msg += "; describe what the code does, e.g. 'KVM does X' instead of 'we do X'";
            out.push_back(finding(ctx, h.line, msg));
            ++reported;
        }
    }

private:
    long m_max;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_pronouns, ChangelogPronouns)
