#include "libreview/core/text.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

// "v1", "v2:", "[v3]", "previous version", "prior version".
bool mentions_version(std::string_view s)
{
    if (text::icontains(s, "previous version") || text::icontains(s, "prior version") ||
        text::icontains(s, "earlier version") || text::icontains(s, "previous posting") ||
        text::icontains(s, "previous revision"))
        return true;
    for (auto const& w : prose::tokens(s)) {
        std::string_view t = w.text;
        if (t.size() >= 2 && t.size() <= 3 && (t[0] == 'v' || t[0] == 'V') && text::is_digit(t[1]) &&
            (t.size() == 2 || text::is_digit(t[2]))) {
            // "v3.0.14" is a release of some software (kvm-unit-tests
            // 4416649bea11: "GNU-EFI sources from <url> v3.0.14").
            std::size_t end = w.offset + t.size();
            if (end + 1 < s.size() && s[end] == '.' && text::is_digit(s[end + 1]))
                continue;
            return true;
        }
    }
    return false;
}

// The line with its URLs cut out: "-v3-" inside a b4 message id is no mention.
std::string without_urls(std::string_view s)
{
    std::string out;
    for (auto w : text::words(s))
        if (w.find("://") == std::string_view::npos)
            out += std::string(w) + " ";
    return out;
}

class ChangelogVersionLink final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.version-link", Severity::Warning, Scope::Patch,
                "Link previous versions in the cover letter or below `---`, not in the changelog", "Links", {}};
    }
    using Rule::Rule;

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Message const& m = ctx.patch.message;
        for (auto const& t : m.trailers) {
            if (t.is("Link") && mentions_version(t.comment)) {
                report(ctx, t.line, out);
                return;
            }
        }
        for (auto const& line : m.body) {
            if (prose::has_url(line.text) && mentions_version(without_urls(line.text))) {
                report(ctx, line.number, out);
                return;
            }
        }
    }

private:
    void report(PatchContext const& ctx, int line, std::vector<Finding>& out) const
    {
        out.push_back(finding(ctx, line,
                              "a link to a previous version does not belong in the changelog; move it to the cover "
                              "letter or below the '---' line"));
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_version_link, ChangelogVersionLink)
