#include "libreview/core/text.h"
#include "libreview/rules/prose.h"
#include "libreview/rules/shortlog/correction.h"
#include "libreview/rules/registry.h"

#include <algorithm>

namespace review {
namespace {

class ShortlogFunctionRef final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.function-ref", Severity::Warning, Scope::Patch,
                "Write functions named in the shortlog as `function_name()`", "Function References", {}};
    }
    using Rule::Rule;

    bool needs_hunks() const override { return true; }


    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        auto functions = functions_in_diff(ctx.patch.diff);
        std::vector<std::string> named;
        auto idents = prose::bare_identifiers(s.description);
        for (auto const& w : idents) {
            std::string name(w.text);
            if (std::binary_search(functions.begin(), functions.end(), name))
                named.push_back(name);
        }
        if (named.empty())
            return;
        std::string list;
        for (auto const& n : named)
            list += (list.empty() ? "" : ", ") + n + "()";
        out.push_back(finding(ctx, ctx.patch.message.title_line, "write functions with parentheses: " + list,
                              corrected_shortlog(ctx)));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_function_ref, ShortlogFunctionRef)
