#include "libreview/core/text.h"
#include "libreview/rules/shortlog/module.h"

namespace review {
namespace {

bool looks_like_file(std::string_view seg)
{
    static constexpr std::string_view extensions[] = {".c", ".h", ".S", ".rst", ".txt", ".py", ".sh", ".lds", ".json"};
    for (auto ext : extensions)
        if (seg.size() > ext.size() && seg.substr(seg.size() - ext.size()) == ext)
            return true;
    static constexpr std::string_view roots[] = {"arch/", "virt/", "include/", "kvm/", "tools/", "drivers/"};
    for (auto root : roots)
        if (seg.substr(0, root.size()) == root && seg.size() > root.size())
            return true;
    return false;
}

class ShortlogFileName final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.file-name", Severity::Error, Scope::Patch,
                "Use a topic, not a file name or path, as the shortlog prefix", "Shortlog", {}};
    }
    ShortlogFileName(RuleInfo const& info, Severity severity, RuleOptions const&) : Rule(info, severity) {}

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        for (auto const& seg : s.prefixes) {
            if (!looks_like_file(seg))
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

void add_shortlog_file_name(RuleRegistry& r) { r.add<ShortlogFileName>(); }

} // namespace review
