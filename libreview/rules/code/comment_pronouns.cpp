#include "libreview/rules/code/comments.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

class CodeCommentPronouns final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"code.comment-pronouns", Severity::Info, Scope::Patch,
                "Added comments use imperative mood and avoid pronouns", "Comments", {}};
    }
    using Rule::Rule;

    bool needs_hunks() const override { return true; }


    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        for_each_added_comment(ctx.patch.diff, [&](FileDiff const& file, DiffLine const& line, std::string_view comment) {
            auto p = prose::find_pronoun(comment);
            if (!p)
                return true;
            out.push_back(finding(ctx, line.source_line,
                                  file.path() + ":" + std::to_string(line.new_line) + ": comment uses '" + *p +
                                      "'; write comments in imperative mood without pronouns"));
            return false;
        });
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(code_comment_pronouns, CodeCommentPronouns)
