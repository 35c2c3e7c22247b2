#pragma once
// The commits of a branch, newest first, for matching applied patches.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace review::git {

// Commits reachable from `rev`, newest first, at most `max`, stopping at
// commits older than `since` (committer time; 0: no limit). Merges skipped.
Result<std::vector<std::string>> branch_log(Repository const&, std::string const& rev, std::size_t max,
                                            std::int64_t since = 0);

} // namespace review::git
