#include "libreview/rules/commit_citation.h"

#include "libreview/core/text.h"

namespace review {

Citation parse_citation(std::string_view s)
{
    Citation c;
    s = text::trim_left(s);
    std::size_t i = 0;
    while (i < s.size() && text::is_hex(s.substr(i, 1)))
        ++i;
    c.id = std::string(s.substr(0, i));
    std::string_view rest = s.substr(i);
    if (rest.substr(0, 3) == " (\"") {
        // The first closing quote: a citation in prose is followed by more text.
        std::size_t close = rest.find("\")", 3);
        if (close != std::string_view::npos && close >= 3) {
            c.title = std::string(rest.substr(3, close - 3));
            c.well_formed = true;
        }
    }
    return c;
}

std::string format_citation(std::string const& id, std::string const& title)
{
    return id.substr(0, 12) + " (\"" + title + "\")";
}

static std::string normalize_title(std::string_view t)
{
    // Wrapped titles gain spaces; compare with whitespace collapsed.
    std::string out;
    for (auto w : text::words(t)) {
        if (!out.empty())
            out += ' ';
        out += std::string(w);
    }
    return out;
}

CitationResult verify_citation(Citation const& citation, RepoLookup const& repo)
{
    CitationResult result;
    auto found = repo.lookup(citation.id);
    if (!found) {
        result.status = CitationCheck::Ambiguous;
        result.detail = found.error().message;
        return result;
    }
    if (!*found) {
        result.status = CitationCheck::NotFound;
        return result;
    }
    result.commit = **found;
    if (citation.title && normalize_title(*citation.title) != normalize_title((*found)->title))
        result.status = CitationCheck::TitleMismatch;
    return result;
}

} // namespace review
