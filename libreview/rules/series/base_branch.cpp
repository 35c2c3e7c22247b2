#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

class SeriesBaseBranch final : public Rule {
public:
    static inline ListOption const NextRefs{
        "next-refs", {"kvm-x86/next", "next"}, "refs of the KVM x86 development branch"};
    static inline ListOption const MainlineRefs{
        "mainline-refs", {"kvm/master", "master"}, "refs of kvm.git master (current-cycle fixes, rc tags)"};
    static inline ListOption const MultiArchPaths{"multi-arch-paths",
        {"virt/kvm/", "include/linux/kvm", "arch/arm64/kvm/", "arch/s390/kvm/", "arch/powerpc/kvm/",
            "arch/riscv/kvm/", "arch/loongarch/kvm/", "arch/mips/kvm/"},
        "paths outside x86 whose non-trivial changes make a series multi-arch"};
    static inline IntOption const TrivialLines{
        "trivial-lines", 10, "changed lines in multi-arch paths still counted as trivial"};

    static RuleInfo describe()
    {
        return {"series.base-branch", Severity::Warning, Scope::Series,
                "Base the series on `kvm-x86/next`, kvm.git `master` for current-cycle fixes, an rc for "
                "multi-arch",
                "Base Tree/Branch",
                {NextRefs.spec(), MainlineRefs.spec(), MultiArchPaths.spec(), TrivialLines.spec()}};
    }
    SeriesBaseBranch(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity),
          m_next(o.get(NextRefs)),
          m_mainline(o.get(MainlineRefs)),
          m_multi_arch(o.get(MultiArchPaths)),
          m_trivial(o.get(TrivialLines))
    {
    }

    std::optional<std::string> skip_reason(SeriesContext const& ctx) const override
    {
        if (!ctx.repo)
            return "no repository (use --repo)";
        if (base(ctx.series).empty())
            return "the series records no base-commit";
        return std::nullopt;
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        std::string id = base(ctx.series);
        auto resolved = ctx.repo->resolve(id);
        if (!resolved) {
            out.push_back(series_finding(*this, ctx, nullptr, 0,
                                         "base-commit " + id.substr(0, 12) +
                                             " is not in the repository; base the series on a published commit "
                                             "(kvm-x86/next) and fetch it",
                                         severity()));
            return;
        }
        auto on = [&](std::vector<std::string> const& refs, bool& any_ref) {
            for (auto const& ref : refs)
                if (auto head = ctx.repo->resolve(ref)) {
                    any_ref = true;
                    if (ctx.repo->is_ancestor(*resolved, *head))
                        return true;
                }
            return false;
        };
        bool any_next = false, any_mainline = false;
        bool on_next = on(m_next, any_next);
        bool on_mainline = on(m_mainline, any_mainline);
        if (!any_next && !any_mainline) {
            if (ctx.skips)
                ctx.skips->add(id_of(), "none of the configured refs (" + join(m_next) + ", " + join(m_mainline) +
                                            ") exist in the repository");
            return;
        }
        std::size_t multi = multi_arch_lines(ctx.series);
        if (multi > static_cast<std::size_t>(m_trivial)) {
            if (!on_mainline)
                out.push_back(series_finding(*this, ctx, nullptr, 0,
                                             "multi-arch series (" + std::to_string(multi) +
                                                 " changed lines outside x86 KVM) is not based on a release "
                                                 "candidate; base it on the rc under '" +
                                                 (m_next.empty() ? std::string("next") : m_next.front()) + "'",
                                             severity()));
            return;
        }
        if (!on_next && !on_mainline)
            out.push_back(series_finding(*this, ctx, nullptr, 0,
                                         "base-commit " + id.substr(0, 12) + " is on neither " + join(m_next, " nor ") +
                                             " nor " + join(m_mainline, " nor ") + "; rebase onto '" +
                                             (m_next.empty() ? std::string("kvm-x86/next") : m_next.front()) + "'",
                                         severity()));
    }

private:
    std::string const& id_of() const { return id(); }
    static std::string base(Series const& s)
    {
        if (s.cover)
            return s.cover->patch.base_commit;
        return s.patches.empty() ? std::string() : s.patches.front().patch.base_commit;
    }
    std::size_t multi_arch_lines(Series const& s) const
    {
        std::size_t n = 0;
        for (auto const& p : s.patches)
            for (auto const& f : p.patch.diff.files)
                for (auto const& prefix : m_multi_arch)
                    if (f.path().compare(0, prefix.size(), prefix) == 0) {
                        for (auto const& h : f.hunks)
                            n += h.added.size() + h.removed.size();
                        break;
                    }
        return n;
    }

    std::vector<std::string> m_next, m_mainline, m_multi_arch;
    long m_trivial;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_base_branch, SeriesBaseBranch)
