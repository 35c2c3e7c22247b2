#pragma once
// Writers for check results: compiler-style text, JSON (docs/output-formats.md)
// and SARIF 2.1.0. Every output encodes a finding the same way: the text
// lines of report/text.h, the JSON object of report/finding_json.h.

#include "libreview/core/diagnostic.h"
#include "libreview/rules/registry.h"
#include "libreview/rules/series_runner.h"

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace review {

struct Report {
    std::string tool_version;
    std::string profile;
    std::size_t patches = 0;
    std::vector<Finding> findings;
    std::vector<std::pair<Skipped, std::size_t>> skipped;
    std::vector<std::string> notes; // profile option problems and the like
    // Mail input: the text groups findings under one heading per series.
    bool by_series = false;
    std::vector<SeriesSummary> series;
    std::size_t replies = 0; // mails that are replies, kept apart from the series

    std::size_t count(Severity) const;
};

// Compiler-style text (the one text writer of check, the hook and the
// gate): findings, one `note:` per skipped rule and per note, the summary.
void write_text(Report const&, std::ostream&);
void write_json(Report const&, std::ostream&);
// SARIF 2.1.0; each rule's helpUri is docs_url() + "/rules/<id>.md".
void write_sarif(Report const&, RuleRegistry const&, std::ostream&);

// Where the rule pages (docs/rules/<id>.md) are published: $KVMX_DOCS_URL
// when it is an absolute http(s) or file URL, else default_docs_url; no
// trailing slash.
inline constexpr char const* default_docs_url = "https://github.com/kvmx/kvmx/blob/main/docs";
std::string docs_url();

} // namespace review
