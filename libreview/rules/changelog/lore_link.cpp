#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ChangelogLoreLink final : public Rule {
public:
    static inline ListOption const Archives{"archives",
        {"lkml.org", "marc.info", "spinics.net", "mail-archive.com", "patchwork.kernel.org", "patchwork.ozlabs.org",
            "lkml.iu.edu", "gmane.org", "narkive.com", "groups.google.com"},
        "hosts of mail archives to replace with lore links"};

    static RuleInfo describe()
    {
        return {"changelog.lore-link", Severity::Warning, Scope::Patch,
                "Link discussions and reports on lore.kernel.org, not other archives", "Links",
                {Archives.spec()}};
    }
    ChangelogLoreLink(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity),
          m_archives(options.get(Archives))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Message const& m = ctx.patch.message;
        for (auto const& line : m.body)
            if (examine(ctx, line.text, line.number, out))
                return;
        for (auto const& t : m.trailers)
            if (examine(ctx, t.raw, t.line, out))
                return;
    }

private:
    bool examine(PatchContext const& ctx, std::string_view line, int number, std::vector<Finding>& out) const
    {
        std::size_t scheme = line.find("://");
        while (scheme != std::string_view::npos) {
            std::size_t start = scheme + 3;
            std::size_t end = start;
            while (end < line.size() && line[end] != '/' && line[end] != ' ' && line[end] != '>' && line[end] != ')')
                ++end;
            std::string host = text::to_lower(line.substr(start, end - start));
            if (host.rfind("lkml.kernel.org", 0) != 0) { // lkml.kernel.org/r/ redirects to lore
                for (auto const& a : m_archives) {
                    if (host == a || (host.size() > a.size() && host.compare(host.size() - a.size(), a.size(), a) == 0 &&
                                      host[host.size() - a.size() - 1] == '.')) {
                        out.push_back(finding(ctx, number,
                                              "link to " + host +
                                                  ": use a lore link (https://lore.kernel.org/r/<message-id>)"));
                        return true;
                    }
                }
            }
            scheme = line.find("://", end);
        }
        return false;
    }

    std::vector<std::string> m_archives;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_lore_link, ChangelogLoreLink)
