#pragma once
// What the gate gates: the commits of a revision range, or a series of
// patches applied onto its base in the object database, each with the tree
// to build and the tree it changes.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"
#include "libreview/patch/patch.h"

#include <string>
#include <vector>

namespace review::gate {

struct GateItem {
    Patch patch;        // for the message checks
    std::string commit; // commit id (range input), empty for an applied patch
    std::string tree;   // the tree to build
    std::string parent_tree; // the tree it changes (its first parent's; empty: the empty tree)
    std::string source; // the patch file (series input)
};

struct GateInput {
    std::string description; // the range or the series path
    std::string base_commit;
    std::string base_tree;   // empty when the range starts at a root commit
    std::vector<GateItem> items;
};

// Commits of a revision range ("A..B", or one revision: that commit), oldest
// first, merges skipped (never checked, built or tested; each commit's
// changed paths are against its own first parent); the base is the first
// gated commit's first parent.
Result<GateInput> read_range(git::Repository const&, std::string const& spec);

// A series from an mbox, a patch file or a directory of format-patch output,
// applied in order onto `base` (default: its base-commit: line) with libgit2.
// New objects go to the object database only; nothing else changes.
Result<GateInput> read_series(git::Repository const&, std::string const& path, std::string const& base);

} // namespace review::gate
