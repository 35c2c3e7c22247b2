#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

class SeriesKutSeparate final : public Rule {
public:
    static inline ListOption const KernelPaths{"kernel-paths",
        {"arch/", "virt/", "include/", "tools/", "Documentation/", "MAINTAINERS"}, "paths only the kernel has"};
    static inline ListOption const KutPaths{"kut-paths",
        {"x86/unittests.cfg", "lib/x86/", "lib/libcflat.h", "s390x/", "run_tests.sh", "scripts/arch-run.sh"},
        "paths only kvm-unit-tests has"};

    static RuleInfo describe()
    {
        return {"series.kut-separate", Severity::Error, Scope::Series,
                "Never mix kvm-unit-tests patches into a kernel series", "Co-Posting Tests",
                {KernelPaths.spec(), KutPaths.spec()}};
    }
    SeriesKutSeparate(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity),
          m_kernel(o.get(KernelPaths)),
          m_kut(o.get(KutPaths))
    {
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        bool kut_tag = text::icontains(s.project, "kvm-unit-tests");
        Posting const* kernel = nullptr;
        Posting const* kut = nullptr;
        for (auto const& p : s.patches) {
            bool tagged = text::icontains(p.tags.project, "kvm-unit-tests");
            for (auto const& f : p.patch.diff.files) {
                if (!kernel && !tagged && matches(f.path(), m_kernel))
                    kernel = &p;
                if (!kut && (tagged || matches(f.path(), m_kut)))
                    kut = &p;
            }
        }
        if (kut_tag && kernel == nullptr) {
            for (auto const& p : s.patches)
                for (auto const& f : p.patch.diff.files)
                    if (!kernel && (f.path().compare(0, 5, "arch/") == 0 || f.path().compare(0, 5, "virt/") == 0))
                        kernel = &p;
            if (kernel)
                kut = kernel;
        }
        if (!kernel || !kut)
            return;
        out.push_back(series_finding(*this, ctx, kut, 0,
                                     "kvm-unit-tests changes (" + series_text::position(*kut) +
                                         ") are mixed with kernel changes (" + series_text::position(*kernel) +
                                         "); post them as a separate [PATCH kvm-unit-tests] series",
                                     severity()));
    }

private:
    static bool matches(std::string const& path, std::vector<std::string> const& prefixes)
    {
        for (auto const& p : prefixes)
            if (path.compare(0, p.size(), p) == 0)
                return true;
        return false;
    }
    std::vector<std::string> m_kernel, m_kut;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_kut_separate, SeriesKutSeparate)
