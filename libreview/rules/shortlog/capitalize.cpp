#include "libreview/core/text.h"
#include "libreview/rules/shortlog/correction.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogCapitalize final : public Rule {
public:
    static inline ListOption const ExemptWords{"exempt-words", {}, "lowercase words allowed to open the description"};

    static RuleInfo describe()
    {
        return {"shortlog.capitalize", Severity::Warning, Scope::Patch,
                "Capitalize the first word of the shortlog description", "Shortlog",
                {ExemptWords.spec()}};
    }
    ShortlogCapitalize(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_exempt(options.get(ExemptWords))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        std::string const& title = ctx.patch.message.title;
        Shortlog s = split_shortlog(title);
        if (s.is_revert || s.is_merge || s.description.empty())
            return;
        auto words = text::words(s.description);
        if (words.empty())
            return;
        std::string_view first = words.front();
        if (!text::is_lower(first.front()) || is_identifier_like(first))
            return;
        for (auto const& w : m_exempt)
            if (w == first)
                return;
        out.push_back(finding(ctx, ctx.patch.message.title_line,
                              "capitalize the first word of the description: '" + std::string(first) + "'",
                              corrected_shortlog(ctx)));
    }

private:
    std::vector<std::string> m_exempt;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_capitalize, ShortlogCapitalize)
