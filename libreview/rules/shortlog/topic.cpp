#include "libreview/core/text.h"
#include "libreview/rules/shortlog/module.h"

namespace review {
namespace {

class ShortlogTopic final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"shortlog.topic", Severity::Warning, Scope::Patch,
                "Use one of the profile's topics; new topics need an on-list discussion", "Shortlog", {}};
    }
    ShortlogTopic(RuleInfo const& info, Severity severity, RuleOptions const&) : Rule(info, severity) {}

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Shortlog s = split_shortlog(ctx.patch.message.title);
        std::string const& subsystem = ctx.topics.profile().subsystem;
        std::size_t index = 0;
        if (!subsystem.empty()) {
            if (s.prefixes.empty() || !text::iequals(s.prefixes[0], subsystem))
                return; // not a KVM shortlog: shortlog.prefix decides
            index = 1;
        }
        if (s.prefixes.size() <= index)
            return; // "KVM: Do something": common code carries no topic
        std::string const& topic = s.prefixes[index];
        auto const& topics = ctx.topics.topics();
        for (auto const& t : topics)
            if (text::iequals(t, topic))
                return; // known, or a case slip that shortlog.case reports
        std::optional<std::string> suggestion;
        if (ctx.patch.diff_known)
            if (auto t = ctx.topics.suggest(ctx.patch.diff.paths()); t && !t->empty())
                suggestion = *t;
        if (!suggestion)
            suggestion = text::did_you_mean(topic, topics);
        std::optional<std::string> fix;
        std::string message = "unknown topic '" + topic + "'";
        if (suggestion) {
            message += "; use '" + *suggestion + "'";
            fix = compose_shortlog(subsystem, *suggestion, s.description);
        } else {
            std::string list;
            for (auto const& t : topics)
                list += (list.empty() ? "" : ", ") + t;
            message += "; use one of: " + list;
        }
        message += " (new topics need an on-list discussion)";
        out.push_back(finding(ctx, ctx.patch.message.title_line, message, fix));
    }
};

} // namespace

void add_shortlog_topic(RuleRegistry& r) { r.add<ShortlogTopic>(); }

} // namespace review
