#include "libreview/core/text.h"
#include "libreview/rules/shortlog/correction.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogPunctuation final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.punctuation", Severity::Warning, Scope::Patch, "Omit ending punctuation in the shortlog",
                "Shortlog", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        std::string_view title = text::trim_right(ctx.patch.message.title);
        if (title.empty() || split_shortlog(title).is_revert)
            return;
        char last = title.back();
        if (last != '.' && last != ',' && last != ';' && last != ':' && last != '!')
            return;
        out.push_back(finding(ctx, ctx.patch.message.title_line,
                              std::string("drop the ending '") + last + "' from the shortlog", corrected_shortlog(ctx)));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_punctuation, ShortlogPunctuation)
