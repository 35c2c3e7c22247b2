#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogPrefix final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.prefix", Severity::Error, Scope::Patch,
                "Start a KVM change's shortlog with `KVM: <topic>: `", "Shortlog", {}};
    }
    using Rule::Rule;

    std::optional<std::string> skip_reason(PatchContext const& ctx) const override
    {
        if (!ctx.patch.diff_known)
            return "no diff: cannot tell whether the change touches KVM files";
        return std::nullopt;
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        if (s.is_revert || s.is_merge)
            return;
        std::string const& subsystem = ctx.topics.profile().subsystem;
        auto paths = ctx.patch.diff.paths();
        if (paths.empty())
            return;
        auto topic = ctx.topics.suggest(paths);
        if (subsystem.empty()) {
            // Area-only shortlogs (kvm-unit-tests): some area must lead.
            if (!s.prefixes.empty())
                return;
            std::optional<std::string> fix;
            if (topic && !topic->empty())
                fix = compose_shortlog({}, *topic, s.description);
            out.push_back(finding(ctx, ctx.patch.message.title_line,
                                  "start the shortlog with an area prefix" +
                                      (fix ? " ('" + *topic + ": ')" : std::string(" such as 'x86: '")),
                                  fix));
            return;
        }
        if (!s.prefixes.empty() && (text::iequals(s.prefixes[0], subsystem) || text::iequals(s.prefixes[0], "x86/kvm")))
            return; // right word (shortlog.case checks its spelling) or the guest prefix (shortlog.x86-kvm)
        std::size_t kvm = 0;
        for (auto const& p : paths)
            if (ctx.topics.is_subsystem_path(p))
                ++kvm;
        // Changes that also touch other subsystems may follow those (tip tree).
        if (kvm == 0 || kvm != paths.size())
            return;
        std::string fix = compose_shortlog(subsystem, topic ? *topic : std::string(), s.description);
        // "selftests: kvm:" is the older selftests convention that accepted
        // history is full of: point at the handbook's form, without an error.
        bool legacy_selftests = !s.prefixes.empty() && text::iequals(s.prefixes[0], "selftests") &&
                                topic && *topic == "selftests";
        out.push_back(finding(ctx, ctx.patch.message.title_line, legacy_selftests ? Severity::Info : severity(),
                              "every file touched is " + subsystem + " code: start the shortlog with '" +
                                  fix.substr(0, fix.size() - s.description.size()) + "'",
                              fix));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_prefix, ShortlogPrefix)
