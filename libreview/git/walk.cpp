#include "libreview/git/walk.h"

#include "libreview/git/handles.h"

namespace review::git {

Result<std::vector<std::string>> branch_log(Repository const& repo, std::string const& rev, std::size_t max,
                                            std::int64_t since)
{
    auto tip = repo.resolve_commit(rev);
    if (!tip)
        return make_error("no branch or revision '" + rev + "'", repo.path());
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo.raw()) != 0)
        return make_error("cannot walk: " + last_error(), repo.path());
    RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
    git_oid oid;
    git_oid_fromstr(&oid, tip->c_str());
    if (git_revwalk_push(walk.get(), &oid) != 0)
        return make_error("cannot walk " + rev + ": " + last_error(), repo.path());
    std::vector<std::string> ids;
    while (ids.size() < max && git_revwalk_next(&oid, walk.get()) == 0) {
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo.raw(), &oid) != 0)
            return make_error("cannot read commit: " + last_error(), repo.path());
        CommitPtr commit(c);
        if (since && git_commit_time(c) < since)
            break;
        if (git_commit_parentcount(c) > 1)
            continue;
        ids.push_back(oid_hex(&oid));
    }
    return ids;
}

} // namespace review::git
