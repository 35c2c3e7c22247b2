#pragma once
// The gate's private source tree: commits are written out of the object
// database into a scratch directory, never through the user's working tree,
// index, stash or branches. Unchanged files keep their timestamps, so build
// directories stay incremental from one commit to the next. Trees and blobs
// come from git/tree.h; no libgit2 call is made here.

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
