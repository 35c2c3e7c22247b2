#pragma once
// Owning handles over libgit2 objects and the hex form of an object id, for
// the library's .cpp files that talk to libgit2 directly (git/ and the
// gate's private tree). Includes <git2.h>: never include it from a public
// header.

#include <git2.h>

#include <memory>
#include <string>

namespace review::git {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const { Free(p); }
};
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object_free>>;
using PatchPtr = std::unique_ptr<git_patch, Deleter<git_patch_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree_free>>;

inline std::string oid_hex(git_oid const* oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return buf;
}

} // namespace review::git
