#pragma once
// Commit citations shared by changelog.commit-ref and the Fixes: rules:
// `commit 0123456789ab ("Title")` in prose, `0123456789ab ("Title")` in tags.

#include "libreview/rules/rule.h"

#include <optional>
#include <string>
#include <string_view>

namespace review {

struct Citation {
    std::string id;             // the hex id as written
    std::optional<std::string> title; // the quoted title, when well formed
    bool well_formed = false;   // ("...") directly follows the id
};

// The shortest abbreviated id a citation may use, shared by the rules that
// read citations (the handbook and submitting-patches ask for 12).
inline IntOption const CitationMinIdLength{"min-id-length", 12, "shortest accepted abbreviated id"};

// Parse "<hex> ("<title>")" at the start of `text`.
Citation parse_citation(std::string_view text);

// The canonical form: 12-character id and the real title.
std::string format_citation(std::string const& id, std::string const& title);

enum class CitationCheck { Ok, NotFound, Ambiguous, TitleMismatch };

struct CitationResult {
    CitationCheck status = CitationCheck::Ok;
    std::optional<CommitRef> commit;
    std::string detail;
};

// Resolve a citation with the repository and compare titles.
CitationResult verify_citation(Citation const&, RepoLookup const&);

} // namespace review
