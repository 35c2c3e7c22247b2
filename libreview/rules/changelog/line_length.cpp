#include "libreview/core/text.h"
#include "libreview/patch/message.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/prose.h"

namespace review {
namespace {

// Lines that may run long: URLs, quotes, logs and splats, code, commit
// references, file paths, and lines with nothing to break at.
bool exempt(std::string_view line)
{
    if (prose::has_url(line) || !prose::is_prose_line(line) || looks_like_trailer(line))
        return true;
    std::string_view t = text::trim(line);
    if (t.find(' ') == std::string_view::npos)
        return true;
    if (text::istarts_with(t, "commit ") || t.find("(\"") != std::string_view::npos)
        return true; // commit 0123456789ab ("title") citations are not wrapped
    if (t.find(".c:") != std::string_view::npos || t.find(".h:") != std::string_view::npos ||
        t.find("+0x") != std::string_view::npos)
        return true; // compiler output and stack traces
    if (text::istarts_with(t, "WARNING:") || text::istarts_with(t, "BUG:") || text::istarts_with(t, "RIP:") ||
        text::istarts_with(t, "Call Trace") || text::istarts_with(t, "kernel BUG"))
        return true;
    // smatch's pointer at the source line it warns about (upstream
    // 1590bdf27061: "--> 834   !kvm_vcpu_is_legal_gpa(vcpu, ...").
    if (t.substr(0, 4) == "--> ")
        return true;
    return false;
}

class ChangelogLineLength final : public Rule {
public:
    static inline IntOption const Max{"max", 75, "longest allowed prose line"};

    static RuleInfo describe()
    {
        return {"changelog.line-length", Severity::Warning, Scope::Patch,
                "Wrap changelog lines at {max} columns", "Changelog",
                {Max.spec()}};
    }
    ChangelogLineLength(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_max(options.get(Max))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        int first = 0;
        std::size_t longest = 0;
        int count = 0;
        for (auto const& line : ctx.patch.message.body) {
            std::size_t width = text::display_width(line.text);
            if (static_cast<long>(width) <= m_max || exempt(line.text))
                continue;
            if (first == 0)
                first = line.number;
            longest = std::max(longest, width);
            ++count;
        }
        if (count == 0)
            return;
        out.push_back(finding(ctx, first,
                              std::to_string(count) + " changelog line" + (count > 1 ? "s exceed " : " exceeds ") +
                                  std::to_string(m_max) + " columns (longest " + std::to_string(longest) +
                                  "); wrap prose at " + std::to_string(m_max)));
    }

private:
    long m_max;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_line_length, ChangelogLineLength)
