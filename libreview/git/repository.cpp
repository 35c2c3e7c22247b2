#include "libreview/git/repository.h"

#include "libreview/core/text.h"
#include "libreview/git/commit_diff.h"
#include "libreview/git/handles.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace review::git {

namespace {
std::once_flag started_flag;
std::atomic<bool> started{false};
} // namespace

void ensure_started()
{
    std::call_once(started_flag, [] {
        git_libgit2_init();
        // Cache blobs too (libgit2 caches none by default): consecutive commits
        // share them, so a walk over a range reads each one from the pack once.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, static_cast<std::size_t>(1) << 20);
        // Bound the cache (256 MiB by default): the blobs neighbouring commits
        // share fit in far less, and a run over a long history stays small.
        git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<std::ptrdiff_t>(32) << 20);
        // Do not re-hash every object read, as git itself does not: the pack's
        // checksums already cover corruption, and hashing cost a fifth of a walk.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        started = true;
    });
}

Library::Library() = default;
Library::~Library()
{
    if (started)
        git_libgit2_shutdown();
}

std::string last_error()
{
    git_error const* e = git_error_last();
    return e && e->message ? e->message : "unknown libgit2 error";
}

struct Repository::Memo {
    struct Node {
        std::int64_t time = 0;
        std::vector<std::string> parents; // raw 20-byte ids
    };
    std::unordered_map<std::string, std::optional<CommitInfo>> lookups;
    std::unordered_map<std::string, Node> graph;
};

Repository::Repository(git_repository* repo, std::string path)
    : m_repo(repo), m_path(std::move(path)), m_memo(std::make_unique<Memo>())
{
}
void RepositoryFree::operator()(git_repository* repo) const { git_repository_free(repo); }

Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Result<Repository> Repository::open(std::string const& path)
{
    ensure_started();
    git_repository* repo = nullptr;
    if (git_repository_open_ext(&repo, path.c_str(), 0, nullptr) != 0)
        return make_error("not a git repository (or cannot be opened): " + last_error(), path);
    return Repository(repo, path);
}

std::optional<std::string> Repository::resolve_commit(std::string const& rev) const
{
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, m_repo.get(), rev.c_str()) != 0)
        return std::nullopt;
    ObjectPtr holder(obj);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
        return std::nullopt;
    ObjectPtr peeled_holder(peeled);
    return oid_hex(git_object_id(peeled));
}

// The revision walk has parsed the commit already: this lookup hits
// libgit2's object cache.
static Result<bool> is_merge(git_repository* repo, git_oid const& oid)
{
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &oid) != 0)
        return make_error("cannot read commit " + oid_hex(&oid) + ": " + last_error());
    CommitPtr commit(raw);
    return git_commit_parentcount(raw) > 1;
}

Result<std::vector<std::string>> Repository::resolve(std::string const& spec, Merges merges) const
{
    if (spec.find("...") != std::string::npos)
        return make_error("symmetric ranges (A...B) are not supported; use A..B: " + spec);
    std::vector<std::string> ids;
    std::size_t dots = spec.find("..");
    if (dots == std::string::npos) {
        auto id = resolve_commit(spec);
        if (!id)
            return make_error("unknown revision: " + spec + " (" + last_error() + ")");
        git_oid oid;
        git_oid_fromstr(&oid, id->c_str());
        if (merges == Merges::Include || !TRY(is_merge(m_repo.get(), oid)))
            ids.push_back(*id);
        return ids;
    }
    git_revwalk* walk_raw = nullptr;
    if (git_revwalk_new(&walk_raw, m_repo.get()) != 0)
        return make_error("cannot walk history: " + last_error());
    RevwalkPtr walk(walk_raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    std::string from = spec.substr(0, dots);
    std::string to = spec.substr(dots + 2);
    if (to.empty())
        to = "HEAD";
    auto to_id = resolve_commit(to);
    if (!to_id)
        return make_error("unknown revision: " + to + " in range " + spec);
    git_oid oid;
    git_oid_fromstr(&oid, to_id->c_str());
    git_revwalk_push(walk.get(), &oid);
    if (!from.empty()) {
        auto from_id = resolve_commit(from);
        if (!from_id)
            return make_error("unknown revision: " + from + " in range " + spec);
        git_oid_fromstr(&oid, from_id->c_str());
        git_revwalk_hide(walk.get(), &oid);
    }
    while (git_revwalk_next(&oid, walk.get()) == 0) {
        if (merges == Merges::Skip && TRY(is_merge(m_repo.get(), oid)))
            continue;
        ids.push_back(oid_hex(&oid));
    }
    return ids;
}

static Person signature_person(git_signature const* sig)
{
    Person p;
    if (sig) {
        p.name = text::sanitize_utf8(sig->name ? sig->name : "");
        p.email = text::sanitize_utf8(sig->email ? sig->email : "");
    }
    return p;
}

Result<Patch> Repository::read_patch(std::string const& id, DiffDepth depth) const
{
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) != 0)
        return make_error("not a commit id: " + id);
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, m_repo.get(), &oid) != 0)
        return make_error("cannot read commit " + id + ": " + last_error());
    CommitPtr commit(raw);
    Patch patch;
    patch.origin = Origin::Git;
    patch.commit = id;
    patch.author = signature_person(git_commit_author(raw));
    patch.committer = signature_person(git_commit_committer(raw));
    patch.date = git_commit_author(raw)->when.time;
    patch.is_merge = git_commit_parentcount(raw) > 1;
    patch.is_root = git_commit_parentcount(raw) == 0;
    char const* msg = git_commit_message(raw);
    std::string message = text::sanitize_utf8(msg ? msg : "");
    patch.message = parse_message(message, 1);
    patch.subject = patch.message.title;
    if (depth != DiffDepth::None && !patch.is_merge) {
        TRY_VOID(commit_diff(m_repo.get(), raw, patch.diff, depth == DiffDepth::Hunks));
        patch.diff_known = true;
        patch.hunks_known = depth == DiffDepth::Hunks;
    }
    return patch;
}

Result<std::optional<CommitInfo>> Repository::lookup(std::string const& abbreviated) const
{
    if (abbreviated.size() < 4 || abbreviated.size() > GIT_OID_HEXSZ || !text::is_hex(abbreviated))
        return std::optional<CommitInfo>{};
    if (auto it = m_memo->lookups.find(abbreviated); it != m_memo->lookups.end())
        return it->second;
    auto found = lookup_uncached(abbreviated);
    if (found && m_memo->lookups.size() < 100000)
        m_memo->lookups.emplace(abbreviated, *found);
    return found;
}

Result<std::optional<CommitInfo>> Repository::lookup_uncached(std::string const& abbreviated) const
{
    git_oid oid;
    if (git_oid_fromstrn(&oid, abbreviated.c_str(), abbreviated.size()) != 0)
        return std::optional<CommitInfo>{};
    git_commit* raw = nullptr;
    int rc = git_commit_lookup_prefix(&raw, m_repo.get(), &oid, abbreviated.size());
    if (rc == GIT_EAMBIGUOUS)
        return make_error("commit id " + abbreviated + " is ambiguous; use 12 or more characters");
    if (rc != 0)
        return std::optional<CommitInfo>{};
    CommitPtr commit(raw);
    char const* summary = git_commit_summary(raw);
    return std::optional<CommitInfo>(
        CommitInfo{oid_hex(git_commit_id(raw)), text::sanitize_utf8(summary ? summary : "")});
}

static Repository::Memo::Node const* memo_node(git_repository* repo, Repository::Memo& memo, git_oid const& oid)
{
    std::string key(reinterpret_cast<char const*>(oid.id), GIT_OID_RAWSZ);
    if (auto it = memo.graph.find(key); it != memo.graph.end())
        return &it->second;
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &oid) != 0)
        return nullptr;
    CommitPtr commit(raw);
    Repository::Memo::Node n;
    n.time = git_commit_time(raw);
    for (unsigned i = 0; i < git_commit_parentcount(raw); ++i) {
        git_oid const* p = git_commit_parent_id(raw, i);
        n.parents.emplace_back(reinterpret_cast<char const*>(p->id), GIT_OID_RAWSZ);
    }
    return &memo.graph.emplace(std::move(key), std::move(n)).first->second;
}

bool Repository::is_ancestor(std::string const& ancestor, std::string const& descendant) const
{
    git_oid a, d;
    if (git_oid_fromstr(&a, ancestor.c_str()) != 0 || git_oid_fromstr(&d, descendant.c_str()) != 0)
        return false;
    if (git_oid_equal(&a, &d))
        return true;
    // Walk back from the descendant over a memoized graph, and stop on
    // commits older than the ancestor (a day's slack for clock skew): a range
    // check asks this for every Fixes:, and libgit2's git_graph_descendant_of()
    // parsed every commit in between again each time.
    constexpr std::int64_t skew = 24 * 3600;
    constexpr std::size_t max_walk = 2000000;
    auto const* target = memo_node(m_repo.get(), *m_memo, a);
    if (!target)
        return false;
    std::string const want(reinterpret_cast<char const*>(a.id), GIT_OID_RAWSZ);
    std::int64_t const floor = target->time - skew;
    std::vector<std::string> stack{std::string(reinterpret_cast<char const*>(d.id), GIT_OID_RAWSZ)};
    std::unordered_set<std::string> seen{stack.front()};
    while (!stack.empty() && seen.size() < max_walk) {
        std::string id = std::move(stack.back());
        stack.pop_back();
        if (id == want)
            return true;
        git_oid oid;
        git_oid_fromraw(&oid, reinterpret_cast<unsigned char const*>(id.data()));
        auto const* n = memo_node(m_repo.get(), *m_memo, oid);
        if (!n || n->time < floor)
            continue;
        for (auto const& p : n->parents)
            if (seen.insert(p).second)
                stack.push_back(p);
    }
    return false;
}



static bool is_release_tag(std::string_view name)
{
    // "vX.Y" or "vX.Y.Z" with digits only: no -rc, no suffixes.
    if (name.size() < 4 || name[0] != 'v')
        return false;
    int dots = 0;
    for (std::size_t i = 1; i < name.size(); ++i) {
        if (name[i] == '.') {
            if (name[i - 1] == '.' || name[i - 1] == 'v')
                return false;
            ++dots;
        } else if (!text::is_digit(name[i])) {
            return false;
        }
    }
    return dots >= 1 && dots <= 2 && name.back() != '.';
}

bool Repository::in_release(std::string const& id) const
{
    if (!m_release_tags) {
        m_release_tags.emplace();
        git_strarray names{};
        if (git_tag_list(&names, m_repo.get()) == 0) {
            for (std::size_t i = 0; i < names.count; ++i) {
                if (!is_release_tag(names.strings[i]))
                    continue;
                if (auto c = resolve_commit(std::string("refs/tags/") + names.strings[i]))
                    m_release_tags->push_back(*c);
            }
            git_strarray_dispose(&names);
        }
    }
    return std::any_of(m_release_tags->begin(), m_release_tags->end(),
                       [&](std::string const& tag) { return is_ancestor(id, tag); });
}

} // namespace review::git
