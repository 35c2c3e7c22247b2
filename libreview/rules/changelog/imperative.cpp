#include "libreview/core/text.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

// Third-person and past-tense openers: "Adds", "Added", "This patch adds".
bool descriptive_opener(std::string_view first, std::string_view second, std::string* what)
{
    static constexpr std::string_view subjects[] = {"This patch", "This commit", "This change", "This series",
                                                    "The patch", "The following patch", "This fix"};
    std::string two = std::string(first) + " " + std::string(second);
    for (auto s : subjects)
        if (text::istarts_with(two, s)) {
            *what = std::string(s);
            return true;
        }
    static constexpr std::string_view verbs[] = {"Adds", "Added", "Removes", "Removed", "Fixes", "Fixed",
                                                 "Changes", "Changed", "Introduces", "Introduced", "Implements",
                                                 "Implemented", "Updates", "Updated", "Moves", "Moved",
                                                 "Renames", "Renamed", "Drops", "Dropped", "Converts",
                                                 "Converted", "Makes", "Reworks", "Reworked", "Cleans",
                                                 "Cleaned", "Uses", "Adjusts", "Adjusted"};
    for (auto v : verbs)
        if (first == v) {
            *what = std::string(v);
            return true;
        }
    return false;
}

class ChangelogImperative final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.imperative", Severity::Warning, Scope::Patch,
                "Write the changelog in imperative mood (`Add`, not `This patch adds` or `Added`)", "Changelog", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Message const& m = ctx.patch.message;
        std::string what;
        Shortlog s = split_shortlog(m.title);
        auto tw = text::words(s.description);
        if (!s.is_revert && tw.size() >= 2 && descriptive_opener(tw[0], tw[1], &what)) {
            out.push_back(finding(ctx, m.title_line, "use imperative mood in the shortlog, not '" + what + "'"));
            return;
        }
        // The opening words of each paragraph and of each sentence in prose.
        bool paragraph_start = true;
        for (auto const& line : m.body) {
            if (text::trim(line.text).empty()) {
                paragraph_start = true;
                continue;
            }
            if (!prose::is_prose_line(line.text)) {
                paragraph_start = false;
                continue;
            }
            std::string_view t = text::trim(line.text);
            std::vector<std::string_view> candidates;
            if (paragraph_start)
                candidates.push_back(t);
            for (std::size_t i = 0; i + 2 < t.size(); ++i)
                if ((t[i] == '.' || t[i] == '!') && t[i + 1] == ' ' && text::is_upper(t[i + 2]))
                    candidates.push_back(t.substr(i + 2));
            paragraph_start = false;
            for (auto c : candidates) {
                auto w = text::words(c);
                if (w.size() >= 2 && descriptive_opener(w[0], w[1], &what)) {
                    out.push_back(finding(ctx, line.number,
                                          "use imperative mood: describe the change as an order ('Add ...'), not with '" +
                                              what + "'"));
                    return;
                }
            }
        }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_imperative, ChangelogImperative)
