#include "libreview/core/text.h"
#include "libreview/rules/commit_citation.h"
#include "libreview/rules/registry.h"

#include <algorithm>

namespace review {
namespace {

// A title shortened with "[...]" or "..." whose kept start matches
// ('("x86/pmu: Mark Intel architectural event available [...]")',
// kvm-unit-tests 989726f28e1e): the right commit, quoted short.
bool elides(std::string_view quoted, std::string_view real)
{
    for (std::string_view mark : {"[...]", "..."}) {
        std::size_t at = quoted.find(mark);
        if (at == std::string_view::npos || at < 8)
            continue;
        std::string_view kept = text::trim_right(quoted.substr(0, at));
        if (real.substr(0, kept.size()) == kept)
            return true;
    }
    return false;
}

class TagsFixesTarget final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"tags.fixes-target", Severity::Error, Scope::Patch,
                "The `Fixes:` id resolves to a commit whose subject is the quoted title", "Fixes", {},
                "warning for a title shortened with `[...]`, or a target that is no ancestor"};
    }
    using Rule::Rule;

    std::optional<std::string> skip_reason(PatchContext const& ctx) const override
    {
        if (ctx.repo)
            return std::nullopt;
        for (auto const& t : ctx.patch.message.trailers)
            if (t.is("Fixes"))
                return "no repository to resolve Fixes: targets (pass --repo)";
        return std::nullopt;
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        if (!ctx.repo)
            return;
        for (auto const& t : ctx.patch.message.trailers) {
            if (!t.is("Fixes"))
                continue;
            Citation c = parse_citation(t.value);
            if (c.id.size() < 4)
                continue; // tags.fixes-format reports it
            CitationResult r = verify_citation(c, *ctx.repo);
            std::optional<std::string> fix;
            if (r.commit)
                fix = "Fixes: " + format_citation(r.commit->id, r.commit->title);
            switch (r.status) {
            case CitationCheck::Ok:
                if (ctx.patch.origin == Origin::Git && r.commit && !ctx.repo->is_ancestor(r.commit->id, ctx.patch.commit))
                    // Topic branches merged later can make this legitimate: warn only.
                    out.push_back(finding(ctx, t.line, Severity::Warning,
                                          "Fixes: target " + c.id + " is not an ancestor of this commit; check the id"));
                break;
            case CitationCheck::NotFound:
                out.push_back(finding(ctx, t.line, "Fixes: target " + c.id + " is not in the repository; check the id"));
                break;
            case CitationCheck::Ambiguous:
                out.push_back(finding(ctx, t.line, "Fixes: " + r.detail));
                break;
            case CitationCheck::TitleMismatch:
                out.push_back(finding(ctx, t.line, elides(c.title.value_or(""), r.commit->title) ? std::min(severity(), Severity::Warning) : severity(),
                                      "Fixes: " + c.id + " is titled \"" + r.commit->title + "\", not \"" +
                                          c.title.value_or("") + "\"",
                                      fix));
                break;
            }
        }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(tags_fixes_target, TagsFixesTarget)
