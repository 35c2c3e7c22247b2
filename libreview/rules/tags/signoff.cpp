#include "libreview/core/text.h"
#include "libreview/rules/tags/module.h"

namespace review {
namespace {

bool same_person(Person const& a, Person const& b)
{
    if (!a.email.empty() && !b.email.empty() && text::iequals(a.email, b.email))
        return true;
    return !a.name.empty() && !b.name.empty() && text::iequals(a.name, b.name);
}

class TagsSignoff final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"tags.signoff", Severity::Error, Scope::Patch,
                "The author signs off, Co-developed-by: is followed by that person's Signed-off-by:, and the "
                "sender's sign-off is last",
                "Submitting patches", {}};
    }
    TagsSignoff(RuleInfo const& info, Severity severity, RuleOptions const&) : Rule(info, severity) {}

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        Patch const& p = ctx.patch;
        Message const& m = p.message;
        std::vector<Trailer const*> sobs;
        for (auto const& t : m.trailers)
            if (t.is("Signed-off-by"))
                sobs.push_back(&t);
        int line = m.trailers.empty() ? m.title_line : m.trailers.back().line;
        if (sobs.empty()) {
            out.push_back(finding(ctx, line, "no Signed-off-by:; add 'Signed-off-by: " + p.author.describe() + "'",
                                  "Signed-off-by: " + p.author.describe()));
            return;
        }
        for (auto const* t : sobs)
            if (t->key != "Signed-off-by")
                out.push_back(finding(ctx, t->line, "spell the tag 'Signed-off-by:'",
                                      "Signed-off-by: " + t->value));
        bool author_signed = false;
        for (auto const* t : sobs)
            if (same_person(parse_person(t->value), p.author))
                author_signed = true;
        if (!author_signed && !p.author.empty())
            out.push_back(finding(ctx, sobs.front()->line,
                                  "the author (" + p.author.describe() + ") has not signed off",
                                  "Signed-off-by: " + p.author.describe()));
        for (std::size_t i = 0; i < m.trailers.size(); ++i) {
            Trailer const& t = m.trailers[i];
            if (!t.is("Co-developed-by"))
                continue;
            Person dev = parse_person(t.value);
            bool ok = i + 1 < m.trailers.size() && m.trailers[i + 1].is("Signed-off-by") &&
                      same_person(parse_person(m.trailers[i + 1].value), dev);
            if (!ok)
                out.push_back(finding(ctx, t.line,
                                      "Co-developed-by: " + dev.describe() +
                                          " must be followed directly by that person's Signed-off-by:",
                                      "Signed-off-by: " + dev.describe()));
        }
        // The sender (mail From:, or the git committer) signs off last.
        Person const& sender = p.committer;
        if (sender.empty())
            return;
        bool sender_signed = false;
        for (auto const* t : sobs)
            if (same_person(parse_person(t->value), sender))
                sender_signed = true;
        if (!sender_signed) {
            if (p.origin != Origin::Git) // maintainers may commit others' patches without a sign-off of their own
                out.push_back(finding(ctx, sobs.back()->line,
                                      "the sender (" + sender.describe() + ") has not signed off; add it last",
                                      "Signed-off-by: " + sender.describe()));
            return;
        }
        if (!same_person(parse_person(sobs.back()->value), sender))
            out.push_back(finding(ctx, sobs.back()->line,
                                  "the sender's sign-off (" + sender.describe() + ") must be the last Signed-off-by:"));
    }
};

} // namespace

void add_tags_signoff(RuleRegistry& r) { r.add<TagsSignoff>(); }

} // namespace review
