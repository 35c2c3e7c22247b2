#pragma once
// The RepoLookup service backed by a libgit2 repository.

#include "libreview/git/repository.h"
#include "libreview/rules/repo_lookup.h"

namespace review {

class RepositoryLookup final : public RepoLookup {
public:
    explicit RepositoryLookup(git::Repository const& repo) : m_repo(repo) {}

    Result<std::optional<CommitRef>> lookup(std::string const& id) const override;
    bool in_release(std::string const& id) const override { return m_repo.in_release(id); }
    bool is_ancestor(std::string const& a, std::string const& d) const override { return m_repo.is_ancestor(a, d); }
    std::optional<std::string> resolve(std::string const& rev) const override { return m_repo.resolve_commit(rev); }

private:
    git::Repository const& m_repo;
};

} // namespace review
