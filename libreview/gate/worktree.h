#pragma once
// The gate's private source tree: commits are written out of the object
// database into a scratch directory, never through the user's working tree,
// index, stash or branches. Unchanged files keep their timestamps, so build
// directories stay incremental from one commit to the next.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"

#include <filesystem>
#include <cstdint>
#include <map>
#include <string>

namespace review::gate {

// A directory under $TMPDIR removed with everything in it on destruction
// (and by the gate's signal handling, which unwinds to the destructor).
class ScratchDir {
public:
    static Result<ScratchDir> create(std::string const& prefix);
    ScratchDir(ScratchDir&&) noexcept;
    ScratchDir& operator=(ScratchDir&&) = delete;
    ~ScratchDir();

    std::filesystem::path const& path() const { return m_path; }
    // Leave the directory in place (--keep).
    void release() { m_path.clear(); }

private:
    explicit ScratchDir(std::filesystem::path p) : m_path(std::move(p)) {}
    std::filesystem::path m_path;
};

// The tree id of a commit.
Result<std::string> tree_of_commit(git::Repository const&, std::string const& commit);

// Apply unified diff text (the diff of one patch) onto `tree`, writing the
// resulting blobs and tree into the object database only; returns the new
// tree id. No ref, index or working tree changes.
Result<std::string> apply_to_tree(git::Repository const&, std::string const& tree, std::string const& diff_text,
                                  std::string const& name);

// Paths that differ between two trees (either may be empty: the empty tree).
Result<std::vector<std::string>> changed_paths(git::Repository const&, std::string const& old_tree,
                                               std::string const& new_tree);

// Files of a tree written into a directory, updating only what changed.
class PrivateTree {
public:
    explicit PrivateTree(std::filesystem::path dir) : m_dir(std::move(dir)) {}

    std::filesystem::path const& dir() const { return m_dir; }
    std::string const& tree() const { return m_tree; }

    // Make the directory hold exactly `tree`: write new and changed blobs,
    // remove files the tree no longer has, keep the rest untouched.
    Result<void> checkout(git::Repository const&, std::string const& tree);

    // A kept tree (--work-dir): the manifest file lists what the directory
    // held after the last checkout (blob, mode, size and mtime per path).
    // load_manifest() trusts only entries whose file still has that size and
    // mtime, so a file changed by hand is written again; without a manifest
    // (first run, or a checkout that was interrupted) the directory is
    // emptied first. checkout() removes the manifest while it changes files
    // and save_manifest() writes it afterwards.
    void use_manifest(std::filesystem::path manifest) { m_manifest = std::move(manifest); }
    Result<void> load_manifest();

    struct Entry {
        std::string blob;
        unsigned mode = 0;
        std::uintmax_t size = 0;
        std::int64_t mtime_ns = 0;
    };

private:
    Result<void> save_manifest() const;

    std::filesystem::path m_dir;
    std::filesystem::path m_manifest;
    std::string m_tree;
    std::map<std::string, Entry> m_files;
};

} // namespace review::gate

namespace review::gate {

// The first parent of a commit; empty for a root commit.
Result<std::string> first_parent(git::Repository const&, std::string const& commit);

} // namespace review::gate
