#include "tests/support/git_repo.h"

#include <git2.h>

#include <stdexcept>

namespace testsupport {

static void check(int rc, char const* what)
{
    if (rc != 0)
        throw std::runtime_error(std::string(what) + ": " + review::git::last_error());
}

GitRepo::GitRepo()
{
    review::git::ensure_started();
    git_repository* raw = nullptr;
    check(git_repository_init(&raw, m_dir.path().c_str(), 0), "init");
    git_repository_free(raw);
    auto repo = review::git::Repository::open(m_dir.path().string());
    if (!repo)
        throw std::runtime_error(repo.error().describe());
    m_repo.emplace(std::move(*repo));
}

std::string GitRepo::commit(std::string const& message, std::map<std::string, std::string> const& files,
                            std::string const& author, std::optional<std::vector<std::string>> parents)
{
    git_repository* repo = m_repo->raw();
    for (auto const& [k, v] : files)
        m_files[k] = v;
    if (files.empty())
        m_files["file" + std::to_string(m_clock)] = message + "\n";
    // Build the tree through the index of an in-memory treebuilder per directory.
    git_index* index = nullptr;
    check(git_index_new(&index), "index");
    for (auto const& [path, content] : m_files) {
        git_oid blob;
        check(git_blob_create_from_buffer(&blob, repo, content.data(), content.size()), "blob");
        git_index_entry entry{};
        entry.mode = GIT_FILEMODE_BLOB;
        entry.id = blob;
        entry.path = path.c_str();
        check(git_index_add(index, &entry), "index add");
    }
    git_oid tree_id;
    check(git_index_write_tree_to(&tree_id, index, repo), "write tree");
    git_index_free(index);
    git_tree* tree = nullptr;
    check(git_tree_lookup(&tree, repo, &tree_id), "tree lookup");

    review::Person who = review::parse_person(author);
    git_signature* sig = nullptr;
    check(git_signature_new(&sig, who.name.c_str(), who.email.c_str(), 1700000000 + 60 * m_clock++, 0), "signature");
    std::vector<git_commit*> parent_commits;
    std::vector<std::string> parent_ids;
    if (parents) {
        parent_ids = *parents;
    } else {
        git_oid head;
        if (git_reference_name_to_id(&head, repo, "HEAD") == 0) {
            char buf[GIT_OID_HEXSZ + 1];
            git_oid_tostr(buf, sizeof buf, &head);
            parent_ids.push_back(buf);
        }
    }
    for (auto const& id : parent_ids) {
        git_oid oid;
        check(git_oid_fromstr(&oid, id.c_str()), "parent id");
        git_commit* c = nullptr;
        check(git_commit_lookup(&c, repo, &oid), "parent");
        parent_commits.push_back(c);
    }
    git_oid commit_id;
    std::vector<git_commit const*> const_parents(parent_commits.begin(), parent_commits.end());
    check(git_commit_create(&commit_id, repo, nullptr, sig, sig, nullptr, message.c_str(), tree,
                            const_parents.size(), const_parents.data()),
          "commit");
    // Move HEAD's branch to the new commit, whatever its parents: a side
    // branch is a commit whose parent is not the tip.
    git_reference* head = nullptr;
    check(git_reference_lookup(&head, repo, "HEAD"), "HEAD");
    git_reference* moved = nullptr;
    check(git_reference_create(&moved, repo, git_reference_symbolic_target(head), &commit_id, 1, "commit"),
          "moving HEAD's branch");
    git_reference_free(moved);
    git_reference_free(head);
    for (auto* c : parent_commits)
        git_commit_free(c);
    git_signature_free(sig);
    git_tree_free(tree);
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &commit_id);
    return buf;
}

void GitRepo::tag(std::string const& name, std::string const& id)
{
    git_oid oid;
    check(git_oid_fromstr(&oid, id.c_str()), "tag id");
    git_object* obj = nullptr;
    check(git_object_lookup(&obj, m_repo->raw(), &oid, GIT_OBJECT_COMMIT), "tag target");
    git_oid tag_id;
    check(git_tag_create_lightweight(&tag_id, m_repo->raw(), name.c_str(), obj, 0), "tag");
    git_object_free(obj);
}

void GitRepo::branch(std::string const& name, std::string const& id)
{
    git_oid oid;
    check(git_oid_fromstr(&oid, id.c_str()), "branch id");
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, m_repo->raw(), &oid), "branch target");
    git_reference* ref = nullptr;
    check(git_branch_create(&ref, m_repo->raw(), name.c_str(), c, 1), "branch");
    git_reference_free(ref);
    git_commit_free(c);
}

} // namespace testsupport
