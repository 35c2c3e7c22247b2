#include "libreview/core/text.h"
#include "libreview/rules/shortlog/correction.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogCase final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.case", Severity::Warning, Scope::Patch,
                "Prefix and topic names are case sensitive (`KVM: x86:`, not `kvm: X86:`)", "Shortlog", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        if (s.prefixes.empty())
            return;
        Profile const& profile = ctx.topics.profile();
        std::vector<std::string> names = profile.topics;
        if (!profile.subsystem.empty())
            names.push_back(profile.subsystem);
        bool changed = false;
        std::string wrong;
        for (auto const& seg : s.prefixes) {
            if (std::find(names.begin(), names.end(), seg) != names.end())
                continue;
            for (auto const& name : names) {
                if (text::iequals(seg, name)) {
                    if (!wrong.empty())
                        wrong += ", ";
                    wrong += "'" + seg + "' should be '" + name + "'";
                    changed = true;
                    break;
                }
            }
        }
        if (!changed)
            return;
        out.push_back(finding(ctx, ctx.patch.message.title_line, "names are case sensitive: " + wrong,
                              corrected_shortlog(ctx)));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_case, ShortlogCase)
