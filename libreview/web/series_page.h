#pragma once
// `/series/ID`: versions as a timeline (reposts within a day marked), the
// cover letter, each patch with its findings inline at their lines, the
// collected trailers, replies, the range-diff between any two versions,
// the gate report, the `kvmx am` and `kvmx ty` output to copy, and the
// state form.

#include "libreview/core/result.h"
#include "libreview/queue/store.h"
#include "libreview/web/query.h"

#include <cstdint>
#include <string>

namespace review::web {

inline constexpr std::size_t max_patch_lines = 3000; // per mail shown; the rest is cut with a note

struct SeriesRequest {
    std::int64_t id = 0;
    std::size_t version = 0; // 1-based position in the timeline; 0: the latest
    std::size_t from = 0, to = 0; // range-diff versions, 1-based; 0: the last two
    std::string csrf;
    std::int64_t now = 0;

    static SeriesRequest parse(std::int64_t id, Params const&);
};

// Error when the series does not exist (a 404).
Result<std::string> series_page(queue::Queue&, SeriesRequest const&);

} // namespace review::web
