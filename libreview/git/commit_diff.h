#pragma once
// A commit's diff against its first parent, read the way `git log -p` reads
// it: trees compared entry by entry (equal subtrees skipped by id), and each
// changed file diffed with its common head and tail trimmed off first, so
// xdiff sees only the lines around the change. Internal to git/.

#include "libreview/core/result.h"
#include "libreview/patch/diff.h"

#include <git2.h>

namespace review::git {

// Fill `out` with the files `commit` changes; with `hunks`, their hunks too.
Result<void> commit_diff(git_repository*, git_commit*, Diff& out, bool hunks);

} // namespace review::git
