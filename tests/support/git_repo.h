#pragma once
// A throwaway git repository built with libgit2 for tests: commits with
// fixed signatures, tags, and a Repository handle onto it.

#include "libreview/git/repository.h"
#include "tests/support/fixtures.h"

#include <map>
#include <optional>
#include <string>

namespace testsupport {

class GitRepo {
public:
    GitRepo();
    std::filesystem::path const& path() const { return m_dir.path(); }

    // Commit `files` (path -> content, merged over the previous tree) on HEAD
    // with `message`; returns the full id. `parents` overrides HEAD (merges,
    // side branches); HEAD's branch moves to the new commit either way.
    std::string commit(std::string const& message, std::map<std::string, std::string> const& files = {},
                       std::string const& author = "Jane Developer <jane@example.com>",
                       std::optional<std::vector<std::string>> parents = std::nullopt);
    void tag(std::string const& name, std::string const& id);
    void branch(std::string const& name, std::string const& id);

    review::git::Repository const& repository() const { return *m_repo; }

private:
    TempDir m_dir;
    std::optional<review::git::Repository> m_repo;
    std::map<std::string, std::string> m_files;
    int m_clock = 0;
};

} // namespace testsupport
