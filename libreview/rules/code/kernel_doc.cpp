#include "libreview/core/text.h"
#include "libreview/rules/code/comments.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

// " * kvm_foo() - Do things" or " * kvm_foo - Do things": a function's kernel-doc.
bool function_doc_line(std::string_view t)
{
    t = text::trim(t);
    if (t.substr(0, 3) == "/**")
        t = text::trim(t.substr(3));
    else if (!t.empty() && t.front() == '*')
        t = text::trim(t.substr(1));
    std::size_t i = 0;
    while (i < t.size() && text::is_ident_char(t[i]))
        ++i;
    if (i == 0)
        return false;
    std::string_view rest = t.substr(i);
    if (rest.substr(0, 2) == "()")
        rest.remove_prefix(2);
    return rest.substr(0, 3) == " - " && t.substr(0, i) != "DOC";
}

class CodeKernelDoc final : public Rule {
public:
    static inline ListOption const KernelDocPaths{
        "kernel-doc-paths", {"arch/x86/kvm/", "virt/kvm/"}, "where function kernel-doc is not wanted"};

    static RuleInfo describe()
    {
        return {"code.kernel-doc", Severity::Warning, Scope::Patch,
                "No new kernel-doc comments on KVM functions", "Coding Style",
                {KernelDocPaths.spec()}};
    }
    CodeKernelDoc(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_paths(options.get(KernelDocPaths))
    {
    }

    bool needs_hunks() const override { return true; }


    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const& file : ctx.patch.diff.files) {
            bool covered = false;
            for (auto const& p : m_paths)
                if (file.path().rfind(p, 0) == 0)
                    covered = true;
            if (!covered || !is_c_source(file.path()))
                continue;
            for (auto const& hunk : file.hunks) {
                for (std::size_t i = 0; i < hunk.added.size(); ++i) {
                    std::string_view t = text::trim(hunk.added[i].text);
                    if (t.substr(0, 3) != "/**" || t.substr(0, 4) == "/**/")
                        continue;
                    bool doc = function_doc_line(t) ||
                               (i + 1 < hunk.added.size() && hunk.added[i + 1].new_line == hunk.added[i].new_line + 1 &&
                                function_doc_line(hunk.added[i + 1].text));
                    if (!doc)
                        continue;
                    Finding f = finding(ctx, hunk.added[i].source_line,
                                        "new kernel-doc comment on a function in " + file.path() +
                                            ":" + std::to_string(hunk.added[i].new_line) +
                                            "; KVM functions take plain '/*' comments");
                    out.push_back(std::move(f));
                    return;
                }
            }
        }
    }

private:
    std::vector<std::string> m_paths;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(code_kernel_doc, CodeKernelDoc)
