#include "libreview/git/inbox.h"

#include "libreview/core/text.h"
#include "libreview/git/handles.h"
#include "libreview/git/repository.h"

#include <algorithm>
#include <filesystem>
#include <utility>

namespace review::git {

namespace fs = std::filesystem;

Result<std::vector<std::string>> inbox_epochs(std::string const& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        return make_error("no such file or directory", path);
    fs::path gitdir = fs::path(path) / "git";
    std::vector<std::pair<long, std::string>> found;
    if (fs::is_directory(gitdir, ec)) {
        for (auto const& e : fs::directory_iterator(gitdir, ec)) {
            std::string name = e.path().filename().string();
            if (name.size() < 5 || name.substr(name.size() - 4) != ".git")
                continue;
            std::string num = name.substr(0, name.size() - 4);
            if (num.empty() || num.size() > 6 || !std::all_of(num.begin(), num.end(), text::is_digit))
                continue;
            found.emplace_back(std::stol(num), e.path().string());
        }
        std::sort(found.begin(), found.end());
        if (found.empty())
            return make_error("a public-inbox v2 archive needs git/0.git, git/1.git, ...", gitdir.string());
        std::vector<std::string> out;
        for (auto& f : found)
            out.push_back(std::move(f.second));
        return out;
    }
    return std::vector<std::string>{path};
}

Inbox::Inbox(git_repository* repo, std::string path) : m_repo(repo), m_path(std::move(path)) {}
Inbox::Inbox(Inbox&&) noexcept = default;
Inbox& Inbox::operator=(Inbox&&) noexcept = default;
Inbox::~Inbox() = default;

Result<Inbox> Inbox::open(std::string const& epoch)
{
    ensure_started();
    git_repository* repo = nullptr;
    if (git_repository_open_ext(&repo, epoch.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
        return make_error("not a public-inbox epoch (cannot open the repository): " + last_error(), epoch);
    return Inbox(repo, epoch);
}

namespace {

Result<std::vector<git_oid>> master_oldest_first(git_repository* repo, std::string const& path,
                                                 git_oid const* after = nullptr)
{
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) != 0)
        return make_error("cannot walk the epoch: " + last_error(), path);
    RevwalkPtr walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (git_revwalk_push_ref(walk.get(), "refs/heads/master") != 0 && git_revwalk_push_head(walk.get()) != 0)
        return make_error("the epoch has no master branch: " + last_error(), path);
    // Only the commits after the cursor: the walk stops at it.
    if (after && git_revwalk_hide(walk.get(), after) != 0)
        return make_error("cannot walk the epoch from the last commit read: " + last_error(), path);
    std::vector<git_oid> ids;
    git_oid oid;
    int rc;
    while ((rc = git_revwalk_next(&oid, walk.get())) == 0)
        ids.push_back(oid);
    if (rc != GIT_ITEROVER)
        return make_error("corrupt epoch history: " + last_error(), path);
    return ids;
}

} // namespace

Result<InboxWalk> Inbox::pending(InboxCursor const& cursor,
                                 std::function<std::string(std::string const&)> const& message_id_of) const
{
    InboxWalk walk;
    if (!cursor.empty()) {
        // Fast path: the cursor commit is still there and on master.
        git_oid want;
        git_commit* c = nullptr;
        git_oid tip;
        if (git_oid_fromstr(&want, cursor.commit.c_str()) == 0 && git_commit_lookup(&c, m_repo.get(), &want) == 0 &&
            git_reference_name_to_id(&tip, m_repo.get(), "refs/heads/master") == 0 &&
            (git_oid_equal(&tip, &want) || git_graph_descendant_of(m_repo.get(), &tip, &want) == 1)) {
            git_commit_free(c);
            auto ids = TRY(master_oldest_first(m_repo.get(), m_path, &want));
            for (auto const& id : ids)
                walk.commits.push_back(oid_hex(&id));
            return walk;
        }
        if (c)
            git_commit_free(c);
    }
    auto ids = TRY(master_oldest_first(m_repo.get(), m_path));
    std::size_t start = 0;
    if (!cursor.empty()) {
        git_oid want;
        bool found = false;
        if (git_oid_fromstr(&want, cursor.commit.c_str()) == 0) {
            for (std::size_t i = ids.size(); i-- > 0;)
                if (git_oid_equal(&ids[i], &want)) {
                    start = i + 1;
                    found = true;
                    break;
                }
        }
        if (!found) {
            // History was rewritten: find the commit with the same received
            // time and subject, then confirm by Message-ID.
            for (std::size_t i = ids.size(); i-- > 0 && !found;) {
                git_commit* raw = nullptr;
                if (git_commit_lookup(&raw, m_repo.get(), &ids[i]) != 0)
                    return make_error("corrupt epoch: cannot read commit " + oid_hex(&ids[i]) + ": " + last_error(),
                                      m_path);
                CommitPtr c(raw);
                if (git_commit_committer(raw)->when.time != cursor.received)
                    continue;
                char const* summary = git_commit_summary(raw);
                if (!summary || cursor.subject != summary)
                    continue;
                auto entry = TRY(read(oid_hex(&ids[i])));
                if (message_id_of(entry.raw) == cursor.message_id) {
                    start = i + 1;
                    found = true;
                }
            }
            if (!found)
                return make_error("the last commit read (" + cursor.commit.substr(0, 12) +
                                      ") is gone and no commit matches its date, subject and Message-ID; "
                                      "sync with --rescan to read the whole epoch again",
                                  m_path);
            walk.recovered = true;
        }
    }
    for (std::size_t i = start; i < ids.size(); ++i)
        walk.commits.push_back(oid_hex(&ids[i]));
    return walk;
}

Result<InboxEntry> Inbox::read(std::string const& id) const
{
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) != 0)
        return make_error("not a commit id: " + id, m_path);
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, m_repo.get(), &oid) != 0)
        return make_error("corrupt epoch: cannot read commit " + id + ": " + last_error(), m_path);
    CommitPtr commit(raw);
    InboxEntry entry;
    entry.commit = id;
    entry.received = git_commit_committer(raw)->when.time;
    char const* summary = git_commit_summary(raw);
    entry.subject = text::sanitize_utf8(summary ? summary : "");
    git_tree* tree_raw = nullptr;
    if (git_commit_tree(&tree_raw, raw) != 0)
        return make_error("corrupt epoch: cannot read the tree of " + id + ": " + last_error(), m_path);
    TreePtr tree(tree_raw);
    git_tree_entry const* te = git_tree_entry_byname(tree.get(), "m");
    if (!te) {
        te = git_tree_entry_byname(tree.get(), "d");
        entry.deleted = te != nullptr;
    }
    if (!te)
        return entry;
    git_blob* blob_raw = nullptr;
    if (git_blob_lookup(&blob_raw, m_repo.get(), git_tree_entry_id(te)) != 0)
        return make_error("corrupt epoch: cannot read the message of " + id + ": " + last_error(), m_path);
    BlobPtr blob(blob_raw);
    auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
    if (size > max_inbox_message) {
        entry.too_large = true; // skipped by the reader, with a note
        return entry;
    }
    entry.raw.assign(static_cast<char const*>(git_blob_rawcontent(blob.get())), size);
    return entry;
}

} // namespace review::git
