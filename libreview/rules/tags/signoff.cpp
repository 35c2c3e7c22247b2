#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

#include <algorithm>

namespace review {
namespace {

// How two identities compare: one address, one name with two addresses (a
// work and a personal address, as checkpatch warns), or two people.
enum class Match { Same, NameOnly, Different };

Match compare(Person const& a, Person const& b)
{
    if (!a.email.empty() && !b.email.empty() && text::iequals(a.email, b.email))
        return Match::Same;
    if (!a.name.empty() && !b.name.empty() && text::iequals(a.name, b.name))
        return Match::NameOnly;
    if ((a.email.empty() || b.email.empty()) && !a.name.empty() && text::iequals(a.name, b.name))
        return Match::Same;
    return Match::Different;
}

// The best match of `who` among the sign-offs.
Match best_match(std::vector<Trailer const*> const& sobs, Person const& who, Trailer const** which = nullptr)
{
    Match best = Match::Different;
    Trailer const* at = nullptr;
    for (auto const* t : sobs) {
        Match m = compare(parse_person(t->value), who);
        if (m < best) {
            best = m;
            at = t;
        }
    }
    if (which)
        *which = at;
    return best;
}

// Tags that a maintainer adds while applying a patch, and that may therefore
// sit between a co-author's Co-developed-by: and Signed-off-by: in a commit
// (b4 puts Link: right above the maintainer's own sign-off).
bool added_on_application(Trailer const& t)
{
    for (char const* key : {"Link", "Message-ID", "Reviewed-by", "Acked-by", "Tested-by", "Cc"})
        if (t.is(key))
            return true;
    return false;
}

class TagsSignoff final : public Rule {
public:
    static inline StringOption const AddressMismatch{"address-mismatch", "warning",
        "severity when one person signs off with another address than they write or send with"};

    static RuleInfo describe()
    {
        return {"tags.signoff", Severity::Error, Scope::Patch,
                "The author signs off, `Co-developed-by:` is followed by that person's `Signed-off-by:`, "
                "and the sender's sign-off is last",
                "Submitting patches",
                {AddressMismatch.spec()}};
    }
    TagsSignoff(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity),
          m_mismatch(std::min(severity, parse_severity(options.get(AddressMismatch))
                                            .value_or(Severity::Warning)))
    {
    }

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
        Severity mismatch = m_mismatch;
        for (auto const* t : sobs)
            if (t->key != "Signed-off-by")
                out.push_back(finding(ctx, t->line, "spell the tag 'Signed-off-by:'",
                                      "Signed-off-by: " + t->value));
        if (!p.author.empty()) {
            Trailer const* by = nullptr;
            Match author = best_match(sobs, p.author, &by);
            if (author == Match::Different)
                out.push_back(finding(ctx, sobs.front()->line,
                                      "the author (" + p.author.describe() + ") has not signed off",
                                      "Signed-off-by: " + p.author.describe()));
            else if (author == Match::NameOnly)
                out.push_back(finding(ctx, by->line, mismatch,
                                      "the author signs off as '" + by->value + "' but writes as '" +
                                          p.author.describe() + "'; use one address for both"));
        }
        check_codevelopers(ctx, out);
        check_sender(ctx, sobs, mismatch, out);
    }

private:
    void check_codevelopers(PatchContext const& ctx, std::vector<Finding>& out) const
    {
        auto const& trailers = ctx.patch.message.trailers;
        for (std::size_t i = 0; i < trailers.size(); ++i) {
            if (!trailers[i].is("Co-developed-by"))
                continue;
            Person dev = parse_person(trailers[i].value);
            std::size_t j = i + 1;
            while (j < trailers.size() && !trailers[j].is("Signed-off-by") && added_on_application(trailers[j]))
                ++j;
            bool ok = j < trailers.size() && trailers[j].is("Signed-off-by") &&
                      compare(parse_person(trailers[j].value), dev) != Match::Different;
            if (!ok)
                out.push_back(finding(ctx, trailers[i].line,
                                      "Co-developed-by: " + dev.describe() +
                                          " must be followed directly by that person's Signed-off-by:",
                                      "Signed-off-by: " + dev.describe()));
        }
    }

    // The sender signs off last: the mail's From: for mail, the sender the
    // hook or --sender names for format-patch output. A commit's committer
    // need not sign: maintainers commit others' patches.
    void check_sender(PatchContext const& ctx, std::vector<Trailer const*> const& sobs, Severity mismatch,
                      std::vector<Finding>& out) const
    {
        Patch const& p = ctx.patch;
        Person const& sender = p.committer;
        if (sender.empty() || !p.sender_known)
            return;
        Trailer const* by = nullptr;
        Match signed_off = best_match(sobs, sender, &by);
        if (signed_off == Match::Different) {
            if (p.origin != Origin::Git)
                out.push_back(finding(ctx, sobs.back()->line,
                                      "the sender (" + sender.describe() + ") has not signed off; add it last",
                                      "Signed-off-by: " + sender.describe()));
            return;
        }
        Match last = compare(parse_person(sobs.back()->value), sender);
        if (last == Match::Different) {
            if (p.origin != Origin::Git)
                out.push_back(finding(ctx, sobs.back()->line,
                                      "the sender's sign-off (" + sender.describe() +
                                          ") must be the last Signed-off-by:"));
            return;
        }
        if (last == Match::NameOnly && p.origin != Origin::Git)
            out.push_back(finding(ctx, sobs.back()->line, mismatch,
                                  "the sender signs off as '" + sobs.back()->value + "' but sends as '" +
                                      sender.describe() + "'; use one address for both"));
    }

    Severity m_mismatch;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(tags_signoff, TagsSignoff)
