#pragma once
// What series rules see: one version of a series, the versions before it,
// the topic tree, and the optional repository service.

#include "libreview/rules/rule.h"
#include "libreview/series/series.h"

#include <vector>

namespace review {

struct SeriesContext {
    Series const& series;
    std::vector<Series const*> previous; // earlier versions, oldest first
    TopicTree const& topics;
    RepoLookup const* repo = nullptr;
    SkipLog* skips = nullptr;

    Series const* previous_version() const { return previous.empty() ? nullptr : previous.back(); }
};

// A finding about a series, located at `posting` (or the series' lead mail).
Finding series_finding(Rule const&, SeriesContext const&, Posting const* posting, int line, std::string message,
                       Severity severity);

} // namespace review
