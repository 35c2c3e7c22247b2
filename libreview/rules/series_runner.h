#pragma once
// Run the engine over a mailbox: per-patch rules on every patch of the
// checked versions, series rules once per version with the versions before
// it as history. Findings carry the series key for grouped output.

#include "libreview/rules/engine.h"
#include "libreview/series/series.h"

#include <string>
#include <vector>

namespace review {

enum class Versions { Latest, All };

struct SeriesSummary {
    std::string key;
    std::string title;
    int version = 1;
    std::size_t patches = 0;
    bool cover = false;
    // "v1 2023-09-18 13:41 UTC" ... with the interval to the version before.
    std::vector<std::string> history;
};

struct MailboxResult {
    std::vector<SeriesSummary> series; // in report order
    std::vector<Finding> findings;     // grouped by series, then by mail
    std::size_t patches = 0;
    std::size_t replies = 0;
};

MailboxResult check_mailbox(Engine const&, Mailbox const&, RepoLookup const*, SkipLog&,
                            Versions versions = Versions::Latest);

// "2023-09-18 14:40 UTC"
std::string format_utc(std::int64_t seconds);

} // namespace review
