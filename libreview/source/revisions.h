#pragma once
// Revisions into patches: commits read from a repository on several
// threads, each with its own libgit2 handle (handles are not shared), each
// taking contiguous chunks of commits so its object cache serves the blobs
// neighbouring commits share.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"
#include "libreview/patch/patch.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace review::source {

// Called on a worker thread for each commit, with the index of its id and
// that thread's repository handle; calls for different ids may run at once.
using CommitVisitor = std::function<void(std::size_t index, Patch& patch, git::Repository const& repo)>;

// Read `ids` of the repository at `repo_path` as Patches on up to `jobs`
// threads and hand each to `visit`. The first error (a repository that
// cannot be opened, a commit that cannot be read) is returned after every
// thread has stopped; commits after it may not have been visited.
Result<void> read_commits(std::string const& repo_path, std::vector<std::string> const& ids, git::DiffDepth depth,
                          unsigned jobs, CommitVisitor const& visit);

} // namespace review::source
