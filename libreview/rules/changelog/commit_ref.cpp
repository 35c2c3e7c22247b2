#include "libreview/core/text.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/commit_citation.h"

namespace review {
namespace {

class ChangelogCommitRef final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"changelog.commit-ref", Severity::Warning, Scope::Patch,
                "Cite commits as `commit <{min-id-length}+ hex> (\"<title>\")`; with a repository, the id "
                "and title must match",
                "Changelog", {CitationMinIdLength.spec()}};
    }
    ChangelogCommitRef(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_min(options.get(CitationMinIdLength))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        // Join each paragraph so citations wrapped over lines still parse;
        // remember where each line starts to report the right one.
        auto const& body = ctx.patch.message.body;
        std::size_t i = 0;
        bool skipped_titles = false;
        while (i < body.size()) {
            std::string joined;
            std::vector<std::pair<std::size_t, int>> starts;
            for (; i < body.size() && !text::trim(body[i].text).empty(); ++i) {
                // Quoted mail and indented logs (a pasted `git log`) are not prose.
                if (!body[i].text.empty() &&
                    (body[i].text[0] == '>' || body[i].text[0] == ' ' || body[i].text[0] == '\t'))
                    continue;
                starts.push_back({joined.size(), body[i].number});
                joined += std::string(text::trim(body[i].text));
                joined += ' ';
            }
            ++i;
            scan(ctx, joined, starts, out, skipped_titles);
        }
        if (skipped_titles && ctx.skips)
            ctx.skips->add(id(), "no repository: cited ids and titles were not verified");
    }

private:
    void scan(PatchContext const& ctx, std::string const& text, std::vector<std::pair<std::size_t, int>> const& starts,
              std::vector<Finding>& out, bool& skipped_titles) const
    {
        auto line_at = [&](std::size_t offset) {
            int line = 0;
            for (auto const& [start, number] : starts)
                if (start <= offset)
                    line = number;
            return line;
        };
        std::size_t pos = 0;
        while ((pos = text.find("ommit ", pos)) != std::string::npos) {
            std::size_t word = pos - 1;
            pos += 6;
            if (pos - 7 >= text.size() || (text[word] != 'c' && text[word] != 'C'))
                continue;
            if (word > 0 && text::is_ident_char(text[word - 1]))
                continue;
            Citation c = parse_citation(std::string_view(text).substr(pos));
            if (c.id.size() < 7 || (pos + c.id.size() < text.size() && text::is_ident_char(text[pos + c.id.size()])))
                continue;
            int line = line_at(word);
            // git's own wording for a revert ("This reverts commit <40 hex>.").
            if (preceded_by(text, word, "reverts ") || preceded_by(text, word, "reverted "))
                continue;
            bool foreign = names_other_project(text, word);
            bool short_id = static_cast<long>(c.id.size()) < m_min;
            std::optional<CitationResult> verified;
            if (ctx.repo)
                verified = verify_citation(c, *ctx.repo);
            else
                skipped_titles = true;
            std::optional<std::string> fix;
            if (verified && verified->commit)
                fix = "commit " + format_citation(verified->commit->id, verified->commit->title);
            if (verified && verified->status == CitationCheck::NotFound && foreign) {
                // "Linux commit", "QEMU commit": another project's history.
                if (!c.well_formed)
                    out.push_back(finding(ctx, line,
                                          "cite commits as commit <id> (\"<title>\"): 'commit " + c.id + "'"));
            } else if (verified && verified->status == CitationCheck::NotFound) {
                out.push_back(finding(ctx, line, "commit " + c.id + " is not in the repository; check the id"));
            } else if (verified && verified->status == CitationCheck::Ambiguous) {
                out.push_back(finding(ctx, line, "commit " + c.id + ": " + verified->detail));
            } else if (!c.well_formed || short_id) {
                out.push_back(finding(ctx, line,
                                      "cite commits as commit <" + std::to_string(m_min) +
                                          "+ hex chars> (\"<title>\"): '" + "commit " + c.id + "'",
                                      fix));
            } else if (verified && verified->status == CitationCheck::TitleMismatch) {
                out.push_back(finding(ctx, line,
                                      "commit " + c.id + " is titled \"" + verified->commit->title +
                                          "\", not \"" + *c.title + "\"",
                                      fix));
            }
        }
    }

    static bool preceded_by(std::string const& text, std::size_t word, std::string_view what)
    {
        return word >= what.size() && text::iequals(std::string_view(text).substr(word - what.size(), what.size()), what);
    }

    // The sentence before "commit" names another project: "Linux commit",
    // "linux.git commit", "QEMU commit", "(see Xen commit", "s390-tools
    // commit", or "as QEMU only ... (see commit" (kvm-unit-tests 4c7293cc4613,
    // a7785b1059cf, 4d60e2429d63, b8e135d6bb48).
    static bool names_other_project(std::string const& text, std::size_t word)
    {
        static constexpr std::string_view projects[] = {
            "linux", "linux.git", "kernel", "kvm", "kvm.git", "qemu", "xen", "kvmtool", "upstream", "mainline",
            "s390-tools", "edk2", "ovmf", "seabios", "opensbi", "u-boot", "glibc", "gcc", "binutils", "llvm",
            "clang", "libvirt", "tip", "linux-next", "kvm-x86", "torvalds"};
        constexpr std::size_t window = 160;
        std::size_t from = word > window ? word - window : 0;
        std::size_t stop = std::string::npos;
        // Stay within the sentence: start after the last ". " before the word.
        for (std::size_t k = word; k > from + 1; --k)
            if (text[k - 2] == '.' && text[k - 1] == ' ') {
                stop = k;
                break;
            }
        if (stop != std::string::npos)
            from = stop;
        for (auto w : text::words(std::string_view(text).substr(from, word - from))) {
            while (!w.empty() && !text::is_ident_char(w.back()) && w.back() != '.')
                w.remove_suffix(1);
            while (!w.empty() && !text::is_ident_char(w.front()))
                w.remove_prefix(1);
            for (auto p : projects)
                if (text::iequals(w, p))
                    return true;
        }
        return false;
    }

    long m_min;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(changelog_commit_ref, ChangelogCommitRef)
