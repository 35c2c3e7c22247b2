#include "libreview/core/text.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

class ChangelogWhatFirst final : public Rule {
public:
    static inline IntOption const MaxBackgroundParagraphs{
        "max-background-paragraphs", 2, "paragraphs allowed before the first imperative statement"};

    static RuleInfo describe()
    {
        return {"changelog.what-first", Severity::Info, Scope::Patch,
                "Lead with what changes, then the background", "Changelog",
                {MaxBackgroundParagraphs.spec()}};
    }
    ChangelogWhatFirst(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_max(options.get(MaxBackgroundParagraphs))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        // Count prose paragraphs until one holds a sentence opening with an
        // imperative verb ("Add ...", "Explicitly check ...").
        int paragraphs = 0;
        bool in_paragraph = false;
        bool sentence_start = true;
        int first_line = 0;
        for (auto const& line : ctx.patch.message.body) {
            std::string_view t = text::trim(line.text);
            if (t.empty()) {
                in_paragraph = false;
                sentence_start = true;
                continue;
            }
            if (!prose::is_prose_line(line.text))
                continue;
            if (!in_paragraph) {
                in_paragraph = true;
                ++paragraphs;
                if (first_line == 0)
                    first_line = line.number;
            }
            auto words = text::words(t);
            for (std::size_t i = 0; i < words.size(); ++i) {
                std::string_view w = words[i];
                if (sentence_start && prose::is_imperative_verb(w) && text::is_upper(w.front())) {
                    report(ctx, paragraphs - 1, first_line, out);
                    return;
                }
                char last = w.back();
                sentence_start = last == '.' || last == '!' || last == ':';
            }
        }
        report(ctx, paragraphs, first_line, out);
    }

private:
    void report(PatchContext const& ctx, int background, int line, std::vector<Finding>& out) const
    {
        if (background <= m_max)
            return;
        out.push_back(finding(ctx, line,
                              "the changelog opens with " + std::to_string(background) +
                                  " paragraphs of background before stating the change; lead with a short "
                                  "imperative blurb on what changes, then the context"));
    }

    long m_max;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_what_first, ChangelogWhatFirst)
