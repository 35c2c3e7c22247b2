#pragma once
// Writers for check results: compiler-style text, JSON (docs/output-formats.md)
// and SARIF 2.1.0.

#include "libreview/core/diagnostic.h"
#include "libreview/rules/registry.h"

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

    std::size_t count(Severity) const;
};

void write_text(Report const&, std::ostream&);
void write_json(Report const&, std::ostream&);
void write_sarif(Report const&, RuleRegistry const&, std::ostream&);

} // namespace review
