#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogFileName final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.file-name", Severity::Error, Scope::Patch,
                "Use a topic, not a file name or path, as the shortlog prefix", "Shortlog", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        for (auto const& seg : s.prefixes) {
            if (!looks_like_file_name(seg))
                continue;
            std::optional<std::string> fix;
            if (ctx.patch.diff_known) {
                if (auto topic = ctx.topics.suggest(ctx.patch.diff.paths()))
                    fix = compose_shortlog(ctx.topics.profile().subsystem, *topic, s.description);
            }
            out.push_back(finding(ctx, ctx.patch.message.title_line,
                                  "'" + seg + "' is a file name; use a topic as the prefix" +
                                      (fix ? " ('" + fix->substr(0, fix->find(s.description)) + "')" : std::string()),
                                  fix));
            return;
        }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_file_name, ShortlogFileName)
