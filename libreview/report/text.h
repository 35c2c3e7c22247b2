#pragma once
// The text of a finding and of the notes, shared by every text output
// (check, series input, the hook, the gate and its JUnit XML), so one
// finding or one note reads the same wherever it is printed.

#include "libreview/core/diagnostic.h"

#include <cstddef>
#include <ostream>
#include <string>

namespace review {

// "<where>: <severity>: <message> [<rule>]", no newline.
std::string finding_line(Finding const&);

// finding_line() and, when there is a fix, "    suggested: <fix>", each
// line prefixed with `indent` and ended with a newline.
std::string finding_text(Finding const&, std::string const& indent = {});

// "note: <rule> skipped (<n> patches): <reason>" ("series" for series rules).
std::string skipped_note(Skipped const&, std::size_t count);

} // namespace review
