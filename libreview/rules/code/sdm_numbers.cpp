#include "libreview/rules/code/comments.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

class CodeSdmNumbers final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"code.sdm-numbers", Severity::Warning, Scope::Patch,
                "No SDM/APM section, table or figure numbers in added comments", "SDM and APM References", {}};
    }
    using Rule::Rule;

    bool needs_hunks() const override { return true; }


    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        for_each_added_comment(ctx.patch.diff, [&](FileDiff const& file, DiffLine const& line, std::string_view comment) {
            auto ref = prose::find_manual_number(comment, false);
            if (!ref)
                return true;
            out.push_back(finding(ctx, line.source_line,
                                  file.path() + ":" + std::to_string(line.new_line) + ": comment cites '" + *ref +
                                      "'; manual numbers are not stable, name the section or table instead"));
            return false;
        });
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(code_sdm_numbers, CodeSdmNumbers)
