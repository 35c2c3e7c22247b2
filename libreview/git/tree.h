#pragma once
// Trees and blobs out of the object database, for the gate's private tree
// and applied series: nothing here touches a working tree, index or ref.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace review::git {

// The tree id of a commit.
Result<std::string> tree_of_commit(Repository const&, std::string const& commit);

// The first parent of a commit; empty for a root commit.
Result<std::string> first_parent(Repository const&, std::string const& commit);

// Apply unified diff text (the diff of one patch) onto `tree`, writing the
// resulting blobs and tree into the object database only; returns the new
// tree id. `name` names the patch in errors.
Result<std::string> apply_to_tree(Repository const&, std::string const& tree, std::string const& diff_text,
                                  std::string const& name);

// Paths that differ between two trees (either may be empty: the empty tree).
Result<std::vector<std::string>> changed_paths(Repository const&, std::string const& old_tree,
                                               std::string const& new_tree);

// git's file modes of a blob in a tree.
inline constexpr unsigned mode_regular = 0100644, mode_executable = 0100755, mode_symlink = 0120000;

struct TreeFile {
    std::string path;  // relative to the tree's root
    std::string blob;  // blob id
    unsigned mode = 0; // one of the modes above
};

// Every blob of a tree, recursively; submodule entries are left out.
Result<std::vector<TreeFile>> tree_files(Repository const&, std::string const& tree);

// Call `use` with a blob's bytes (valid during the call only); its error,
// if any, is returned.
Result<void> with_blob(Repository const&, std::string const& blob,
                       std::function<Result<void>(std::string_view)> const& use);

} // namespace review::git
