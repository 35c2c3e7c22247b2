#pragma once
// Shared reading of a series for the series rules: the cover letter's prose
// (without the shortlog and diffstat git appends), version tokens, links and
// what the diff adds to uAPI headers.

#include "libreview/rules/series_context.h"

#include <string>
#include <string_view>
#include <vector>

namespace review::series_text {

// Where a series' tests live: one option, one default, for every rule that
// asks whether a series brings tests.
inline StringOption const TestsPath{"tests-path", "tools/testing/selftests/kvm/", "where the tests live"};

// The cover letter's prose lines (or, without a cover letter, the only
// patch's notes below "---"), up to the "Author (N):" shortlog.
std::vector<Line> cover_prose(Series const&);
std::string cover_prose_text(Series const&);

// Versions named as "vN" words in the text ("v2:", "v1 -> v2", "Changes in v3").
std::vector<int> version_tokens(std::string_view text);

// Links to lore-style archives among `hosts` in the text.
std::vector<std::string> links_to(std::string_view text, std::vector<std::string> const& hosts);

// Added #define/ioctl lines in uAPI KVM headers: what makes a series a feature.
std::vector<std::string> uapi_additions(Series const&);

bool touches_prefix(Series const&, std::string_view prefix);
bool is_fix(Patch const&); // title starts with Fix, or a Fixes: trailer

// "3/13" for a posting, "0/13" for the cover letter.
std::string position(Posting const&);

// Concatenated titles and bodies of every patch, for keyword searches.
std::string all_prose(Series const&);

} // namespace review::series_text
