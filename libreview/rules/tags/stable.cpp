#include "libreview/core/text.h"
#include "libreview/rules/commit_citation.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

constexpr std::string_view stable_address = "stable@vger.kernel.org";

std::string strip_brackets(std::string_view v)
{
    v = text::trim(v);
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>')
        v = v.substr(1, v.size() - 2);
    return std::string(v);
}

class TagsStable final : public Rule {
public:
    static inline BoolOption const AskReleased{
        "ask-released", true, "info finding for a Fixes: into a released kernel without a stable tag"};

    static RuleInfo describe()
    {
        return {"tags.stable", Severity::Error, Scope::Patch,
                "Request backports with the trailer `Cc: stable@vger.kernel.org`", "Fixes",
                {AskReleased.spec()}, "info for the released-kernel question"};
    }
    TagsStable(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_ask(options.get(AskReleased))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Message const& m = ctx.patch.message;
        bool tagged = false;
        for (auto const& t : m.trailers) {
            if (!text::icontains(t.value, "stable"))
                continue;
            bool cc = t.key == "Cc" || t.key == "CC";
            // "stable@vger.kernel.org", "<stable@...>" and "stable <stable@...>".
            std::string address = strip_brackets(t.value);
            if (auto person = parse_person(t.value); !person.email.empty())
                address = person.email;
            if (cc && address == stable_address) {
                tagged = true;
                continue;
            }
            if (!t.is("Cc") && !t.is("Stable") && !text::icontains(t.value, "@"))
                continue; // "Link: .../stable-queue", not a backport request
            if (!t.is("Cc") && !t.is("Stable") && !t.is("To"))
                continue;
            std::string fix = "Cc: " + std::string(stable_address) + (t.comment.empty() ? "" : " # " + t.comment);
            out.push_back(finding(ctx, t.line, "misspelt backport request '" + t.raw + "'; write '" + fix + "'", fix));
            tagged = true;
        }
        for (auto const& line : m.notes) {
            if (text::istarts_with(text::trim(line.text), "Cc:") && text::icontains(line.text, "stable@")) {
                out.push_back(finding(ctx, line.number,
                                      "the stable tag is below '---', where git am drops it; move it to the trailers"));
                tagged = true;
            }
        }
        if (tagged || !m_ask)
            return;
        auto fixes = m.trailers_named("Fixes");
        if (fixes.empty())
            return;
        if (!ctx.repo) {
            if (ctx.skips)
                ctx.skips->add(id(), "no repository: cannot tell whether Fixes: targets are in a released kernel");
            return;
        }
        for (auto const* t : fixes) {
            Citation c = parse_citation(t->value);
            auto found = ctx.repo->lookup(c.id);
            if (!found || !*found)
                continue;
            if (ctx.repo->in_release((*found)->id)) {
                out.push_back(finding(ctx, t->line, Severity::Info,
                                      "the fixed commit is in a released kernel and KVM x86 does not backport "
                                      "Fixes: on its own; add 'Cc: stable@vger.kernel.org' if this needs a backport"));
                return;
            }
        }
    }

private:
    bool m_ask;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(tags_stable, TagsStable)
