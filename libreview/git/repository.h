#pragma once
// RAII over libgit2. No public header includes <git2.h>; the .cpp files
// that call libgit2 share the handles of git/handles.h. A Repository is not
// thread-safe; open one per thread.

#include "libreview/core/result.h"
#include "libreview/patch/patch.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct git_repository;

namespace review::git {

// Frees a libgit2 repository (defined in repository.cpp, so that public
// headers need not include <git2.h>).
struct RepositoryFree {
    void operator()(git_repository*) const;
};
using RepositoryPtr = std::unique_ptr<git_repository, RepositoryFree>;

// Owns libgit2's global state for the lifetime of the object; make one in
// main(). libgit2 itself starts on first use (Repository::open()), because
// its start-up parses the system CA bundle, about 15 ms that a command
// reading only mail or patch files should not pay.
class Library {
public:
    Library();
    ~Library();
    Library(Library const&) = delete;
    Library& operator=(Library const&) = delete;
};

struct CommitInfo {
    std::string id;    // full hex id
    std::string title; // the summary line
};

enum class Merges { Skip, Include };

// How much of a commit's diff to read: the touched paths alone come from
// the trees; hunks need every changed blob read and diffed.
enum class DiffDepth { None, Paths, Hunks };

class Repository {
public:
    // Open the repository at `path` or the one containing it.
    static Result<Repository> open(std::string const& path);

    Repository(Repository&&) noexcept;
    Repository& operator=(Repository&&) noexcept;
    ~Repository();

    std::string const& path() const { return m_path; }

    // Expand a revision argument ("A..B", "A...B" is refused, a single
    // revision) into commit ids, oldest first. A single revision names one
    // commit; ranges list every commit in B not in A. Merge commits are
    // left out with Merges::Skip (a single revision naming a merge gives
    // none), as git log --no-merges does.
    Result<std::vector<std::string>> resolve(std::string const& spec, Merges merges = Merges::Skip) const;

    // Read a commit with its message and its diff against the first parent.
    Result<Patch> read_patch(std::string const& id, DiffDepth depth = DiffDepth::Hunks) const;

    // Look up a possibly abbreviated id; nullopt when absent, error when ambiguous.
    Result<std::optional<CommitInfo>> lookup(std::string const& abbreviated) const;

    // True when `id` is contained in a release tag (vX.Y or vX.Y.Z, no -rc).
    bool in_release(std::string const& id) const;

    // True when `ancestor` is reachable from `descendant` (or equal).
    bool is_ancestor(std::string const& ancestor, std::string const& descendant) const;

    // Resolve a ref or revision to a full commit id.
    std::optional<std::string> resolve_commit(std::string const& rev) const;

    // The libgit2 handle, for libreview/git/*.cpp only: the rest of the
    // library calls the functions of git/ instead.
    git_repository* raw() const { return m_repo.get(); }

    struct Memo; // defined in repository.cpp

private:
    Result<std::optional<CommitInfo>> lookup_uncached(std::string const& abbreviated) const;
    Repository(git_repository*, std::string path);
    RepositoryPtr m_repo;
    std::string m_path;
    mutable std::optional<std::vector<std::string>> m_release_tags; // commit ids
    // Lookups and the commit graph seen so far: a range check asks for the
    // same Fixes: targets and walks the same history again and again.
    std::unique_ptr<Memo> m_memo;
};

// Start libgit2 once; safe to call from any thread.
void ensure_started();

// The last libgit2 error as text.
std::string last_error();

} // namespace review::git
