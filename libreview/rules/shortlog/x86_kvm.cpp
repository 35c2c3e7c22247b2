#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogX86Kvm final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.x86-kvm", Severity::Error, Scope::Patch,
                "`x86/kvm:` is only for Linux-as-a-KVM-guest changes (arch/x86/kernel/kvm.c)", "Shortlog", {}};
    }
    using Rule::Rule;

    std::optional<std::string> skip_reason(PatchContext const& ctx) const override
    {
        if (!ctx.patch.diff_known)
            return "no diff: cannot tell guest code from host code";
        return std::nullopt;
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        if (s.prefixes.empty() || !text::iequals(s.prefixes[0], "x86/kvm"))
            return;
        auto paths = ctx.patch.diff.paths();
        std::string host;
        for (auto const& p : paths)
            if (ctx.topics.is_subsystem_path(p)) {
                host = p;
                break;
            }
        if (host.empty())
            return;
        std::string const& subsystem = ctx.topics.profile().subsystem;
        auto topic = ctx.topics.suggest(paths);
        std::string fix = compose_shortlog(subsystem.empty() ? "KVM" : subsystem, topic ? *topic : "x86", s.description);
        out.push_back(finding(ctx, ctx.patch.message.title_line,
                              "'x86/kvm:' is for Linux as a KVM guest; this change touches KVM host code (" + host +
                                  "): use '" + fix.substr(0, fix.size() - s.description.size()) + "'",
                              fix));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_x86_kvm, ShortlogX86Kvm)
