#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogTopic final : public Rule {
public:
    static inline BoolOption const OpenSubtopics{"open-subtopics", false,
        "accept '<topic>/<anything>' for a known topic, as repositories that name a test or file "
        "after the area do ('x86/msr:', 'lib/acpi:')"};

    static RuleInfo describe()
    {
        return {"shortlog.topic", Severity::Warning, Scope::Patch,
                "Use one of the profile's topics; new topics need an on-list discussion", "Shortlog",
                {OpenSubtopics.spec()}};
    }
    ShortlogTopic(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_open_subtopics(options.get(OpenSubtopics))
    {
    }

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
        // "run_tests.sh:", ".gitignore:", "compiler.h:": a file name, which
        // shortlog.file-name reports; one finding for one slip.
        if (looks_like_file_name(topic))
            return;
        if (m_open_subtopics) {
            std::size_t slash = topic.find('/');
            if (slash != std::string::npos && slash > 0 && slash + 1 < topic.size())
                for (auto const& t : topics)
                    if (text::iequals(t, std::string_view(topic).substr(0, slash)))
                        return; // "x86/msr": a sub-area of a known area
        }
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

private:
    bool m_open_subtopics;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_topic, ShortlogTopic)
