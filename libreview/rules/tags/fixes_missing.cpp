#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class TagsFixesMissing final : public Rule {
public:
    static inline ListOption const ExemptWords{"exempt-words",
        {"typo", "typos", "comment", "comments", "spelling", "grammar", "whitespace", "indentation", "kernel-doc",
            "documentation", "doc", "docs", "formatting", "style", "checkpatch"},
        "a 'Fix ...' title naming one of these is not a bug fix"};

    static RuleInfo describe()
    {
        return {"tags.fixes-missing", Severity::Warning, Scope::Patch,
                "A bug fix carries `Fixes:`, even when no backport is wanted", "Fixes",
                {ExemptWords.spec()}};
    }
    TagsFixesMissing(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity),
          m_exempt(options.get(ExemptWords))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Message const& m = ctx.patch.message;
        if (!m.trailers_named("Fixes").empty())
            return;
        Shortlog s = split_shortlog(m.title);
        if (s.is_revert)
            return;
        auto words = text::words(s.description);
        std::string why;
        if (!words.empty() && (words[0] == "Fix" || words[0] == "fix")) {
            for (auto w : words) {
                std::string lw = text::to_lower(w);
                while (!lw.empty() && !text::is_alpha(lw.back()))
                    lw.pop_back();
                for (auto const& e : m_exempt)
                    if (lw == e)
                        return;
            }
            why = "the shortlog says it fixes a bug";
        } else {
            static constexpr std::string_view splats[] = {"Call Trace:", "BUG: ", "WARNING: CPU:", "KASAN:",
                                                          "UBSAN:", "general protection fault", "kernel BUG at"};
            for (auto const& line : m.body) {
                for (auto sp : splats)
                    if (line.text.find(sp) != std::string::npos) {
                        why = "the changelog shows a crash or warning";
                        break;
                    }
                if (!why.empty())
                    break;
            }
        }
        if (why.empty())
            return;
        out.push_back(finding(ctx, m.title_line,
                              why + " but there is no Fixes: tag; add 'Fixes: <12+ hex> (\"<title>\")' for the "
                                    "commit that introduced the bug, even if no backport is wanted"));
    }

private:
    std::vector<std::string> m_exempt;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(tags_fixes_missing, TagsFixesMissing)
