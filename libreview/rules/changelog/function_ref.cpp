#include "libreview/core/text.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

#include <algorithm>
#include <set>

namespace review {
namespace {

class ChangelogFunctionRef final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.function-ref", Severity::Warning, Scope::Patch,
                "Write functions the diff defines, calls or changes as `function_name()` in the changelog",
                "Function References", {}};
    }
    using Rule::Rule;

    bool needs_hunks() const override { return true; }


    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        auto functions = functions_in_diff(ctx.patch.diff);
        if (functions.empty())
            return;
        std::set<std::string> reported;
        for (auto const& line : ctx.patch.message.body) {
            if (!prose::is_prose_line(line.text))
                continue;
            for (auto const& w : prose::bare_identifiers(line.text)) {
                std::string name(w.text);
                if (reported.count(name) || !std::binary_search(functions.begin(), functions.end(), name))
                    continue;
                reported.insert(name);
                out.push_back(finding(ctx, line.number, "write the function as " + name + "()", name + "()"));
                if (reported.size() >= 3)
                    return;
            }
        }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_function_ref, ChangelogFunctionRef)
