#include "libreview/core/text.h"

#include <algorithm>
#include "libreview/rules/registry.h"

namespace review {
namespace {

// UTF-8 superscript digits and the dagger family used as footnote marks.
struct Mark {
    std::string_view bytes;
    char ascii;
};
constexpr Mark marks[] = {{"\u00B9", '1'}, {"\u00B2", '2'}, {"\u00B3", '3'}, {"\u2070", '0'},
                          {"\u2074", '4'}, {"\u2075", '5'}, {"\u2076", '6'}, {"\u2077", '7'},
                          {"\u2078", '8'}, {"\u2079", '9'}, {"\u2020", '*'}, {"\u2021", '*'}};

class ChangelogFootnotes final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.footnotes", Severity::Warning, Scope::Patch,
                "Mark footnotes with ASCII `[1]` or `[*]`, not unicode superscripts", "Changelog", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const& line : ctx.patch.message.body) {
            // Every mark starts with a byte of 0xC2 or above: skip ASCII lines.
            if (std::none_of(line.text.begin(), line.text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xC2; }))
                continue;
            std::string fixed;
            bool hit = false;
            std::string_view s = line.text;
            for (std::size_t i = 0; i < s.size();) {
                bool matched = false;
                for (auto const& m : marks) {
                    if (s.substr(i, m.bytes.size()) == m.bytes) {
                        fixed += '[';
                        fixed += m.ascii;
                        fixed += ']';
                        i += m.bytes.size();
                        matched = hit = true;
                        break;
                    }
                }
                if (!matched)
                    fixed += s[i++];
            }
            if (hit) {
                out.push_back(finding(ctx, line.number,
                                      "use ASCII footnote markers like [1] or [*], not unicode superscripts", fixed));
                return;
            }
        }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_footnotes, ChangelogFootnotes)
