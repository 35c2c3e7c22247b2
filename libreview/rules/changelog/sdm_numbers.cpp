#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

class ChangelogSdmNumbers final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.sdm-numbers", Severity::Info, Scope::Patch,
                "Name SDM/APM sections, tables and figures instead of numbering them", "SDM and APM References", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const& line : ctx.patch.message.body) {
            if (auto ref = prose::find_manual_number(line.text, true)) {
                out.push_back(finding(ctx, line.number,
                                      "'" + *ref + "': manual numbers change between revisions; name the "
                                      "section, table or figure instead"));
                return;
            }
        }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_sdm_numbers, ChangelogSdmNumbers)
