#pragma once
// Series identity, computed over the metadata of every mail in the queue:
// 1. postings: the cover letter and patches of one version as sent
//    (threading first, then subject tags and sender for unthreaded mail);
// 2. series: postings linked across versions and threads, in this order:
//    a lead mail replying into an earlier version (partial reroll), b4's
//    change-id, patch-id overlap, the same normalised subject and author
//    within a window with a higher version (or RFC to PATCH), and the
//    manual links of `kvmx queue link`;
// 3. replies: each reply attached to the patch or cover letter it answers
//    (up the In-Reply-To chain).
// Pure computation: the store loads the rows and saves the result.

#include "libreview/queue/ingest.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace review::queue {

inline constexpr std::int64_t subject_window = 180 * 86400; // seconds between versions linked by subject
inline constexpr std::int64_t repost_window = 7 * 86400;   // the same version posted again
inline constexpr std::int64_t unthreaded_window = 3600;      // unthreaded patches of one posting

struct PostingPlan {
    std::size_t lead = 0;              // row index of the cover letter or first patch
    std::vector<std::size_t> mails;    // cover (if any) then patches by index
    std::vector<std::size_t> duplicates; // second copies of an index
    std::int64_t date = 0;
    std::string link_reason;           // why it joined its series: "first", "thread", "change-id", ...
    bool has_cover = false;
};

struct SeriesPlan {
    std::vector<std::size_t> postings; // oldest version first
};

struct Grouping {
    std::vector<PostingPlan> postings;
    std::vector<SeriesPlan> series;    // by first posting date
    std::map<std::size_t, std::size_t> reply_target; // reply row -> patch or cover row
};

// `manual` holds pairs of Message-IDs whose series are one.
Grouping group_mails(std::vector<MailMeta> const& rows,
                     std::vector<std::pair<std::string, std::string>> const& manual = {});

} // namespace review::queue
