#include "libreview/git/repository.h"

#include "libreview/core/text.h"
#include "libreview/git/handles.h"

#include <algorithm>
#include <atomic>
#include <mutex>

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

Repository::Repository(git_repository* repo, std::string path) : m_repo(repo), m_path(std::move(path)) {}
Repository::Repository(Repository&& other) noexcept
    : m_repo(std::exchange(other.m_repo, nullptr)), m_path(std::move(other.m_path)),
      m_release_tags(std::move(other.m_release_tags))
{
}
Repository& Repository::operator=(Repository&& other) noexcept
{
    if (this != &other) {
        if (m_repo)
            git_repository_free(m_repo);
        m_repo = std::exchange(other.m_repo, nullptr);
        m_path = std::move(other.m_path);
        m_release_tags = std::move(other.m_release_tags);
    }
    return *this;
}
Repository::~Repository()
{
    if (m_repo)
        git_repository_free(m_repo);
}

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
    if (git_revparse_single(&obj, m_repo, rev.c_str()) != 0)
        return std::nullopt;
    ObjectPtr holder(obj);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
        return std::nullopt;
    ObjectPtr peeled_holder(peeled);
    return oid_hex(git_object_id(peeled));
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
        ids.push_back(*id);
        return ids;
    }
    git_revwalk* walk_raw = nullptr;
    if (git_revwalk_new(&walk_raw, m_repo) != 0)
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
    // Merges are left in: readers skip them (read_patch() marks is_merge),
    // which keeps this walk cheap and moves the commit reads to the threads.
    (void)merges;
    while (git_revwalk_next(&oid, walk.get()) == 0)
        ids.push_back(oid_hex(&oid));
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

struct DiffBuilder {
    Diff* diff;
    std::size_t lines = 0;
};

// The file-level facts of a delta: added, deleted and the paths that exist.
static FileDiff file_of(git_diff_delta const* delta)
{
    FileDiff file;
    file.is_new = delta->status == GIT_DELTA_ADDED;
    file.is_deleted = delta->status == GIT_DELTA_DELETED;
    if (!file.is_new)
        file.old_path = text::sanitize_utf8(delta->old_file.path ? delta->old_file.path : "");
    if (!file.is_deleted)
        file.new_path = text::sanitize_utf8(delta->new_file.path ? delta->new_file.path : "");
    return file;
}

static Result<void> fill_diff(git_repository* repo, git_commit* commit, Diff& out, bool hunks)
{
    git_tree* new_tree_raw = nullptr;
    if (git_commit_tree(&new_tree_raw, commit) != 0)
        return make_error("cannot read tree: " + last_error());
    TreePtr new_tree(new_tree_raw);
    TreePtr old_tree;
    if (git_commit_parentcount(commit) > 0) {
        git_commit* parent = nullptr;
        if (git_commit_parent(&parent, commit, 0) != 0)
            return make_error("cannot read parent: " + last_error());
        CommitPtr parent_holder(parent);
        git_tree* t = nullptr;
        if (git_commit_tree(&t, parent) != 0)
            return make_error("cannot read parent tree: " + last_error());
        old_tree.reset(t);
    }
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 0;
    git_diff* diff_raw = nullptr;
    if (git_diff_tree_to_tree(&diff_raw, repo, old_tree.get(), new_tree.get(), &opts) != 0)
        return make_error("cannot diff: " + last_error());
    DiffPtr diff(diff_raw);
    std::size_t total = 0;
    std::size_t deltas = git_diff_num_deltas(diff.get());
    for (std::size_t d = 0; d < deltas && d < 20000; ++d) {
        git_diff_delta const* delta = git_diff_get_delta(diff.get(), d);
        if (!hunks) {
            out.files.push_back(file_of(delta));
            continue;
        }
        // Diff the blobs through git_blob_lookup(), which goes through
        // libgit2's object cache, rather than git_patch_from_diff(), which
        // reads both sides from the pack every time: the old side of a
        // commit is usually the new side of the one checked just before.
        BlobPtr old_blob, new_blob;
        if (!git_oid_is_zero(&delta->old_file.id)) {
            git_blob* b = nullptr;
            if (git_blob_lookup(&b, repo, &delta->old_file.id) != 0)
                return make_error("cannot read blob: " + last_error());
            old_blob.reset(b);
        }
        if (!git_oid_is_zero(&delta->new_file.id)) {
            git_blob* b = nullptr;
            if (git_blob_lookup(&b, repo, &delta->new_file.id) != 0)
                return make_error("cannot read blob: " + last_error());
            new_blob.reset(b);
        }
        git_patch* p = nullptr;
        if (git_patch_from_blobs(&p, old_blob.get(), delta->old_file.path, new_blob.get(), delta->new_file.path,
                                 &opts) != 0)
            return make_error("cannot build patch: " + last_error());
        PatchPtr patch(p);
        FileDiff file = file_of(delta);
        file.is_rename = delta->status == GIT_DELTA_RENAMED;
        file.binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
        if (!patch) {
            out.files.push_back(std::move(file));
            continue;
        }
        std::size_t hunks = git_patch_num_hunks(patch.get());
        for (std::size_t h = 0; h < hunks; ++h) {
            git_diff_hunk const* gh = nullptr;
            std::size_t nlines = 0;
            if (git_patch_get_hunk(&gh, &nlines, patch.get(), h) != 0)
                break;
            Hunk hunk;
            hunk.old_start = gh->old_start;
            hunk.old_count = gh->old_lines;
            hunk.new_start = gh->new_start;
            hunk.new_count = gh->new_lines;
            std::string_view header(gh->header, gh->header_len);
            std::size_t end = header.find(" @@", 3);
            if (end != std::string_view::npos)
                hunk.function_context = std::string(text::trim(header.substr(end + 3)));
            for (std::size_t l = 0; l < nlines && total < 2000000; ++l, ++total) {
                git_diff_line const* gl = nullptr;
                if (git_patch_get_line_in_hunk(&gl, patch.get(), h, l) != 0)
                    break;
                std::string_view content(gl->content, gl->content_len);
                if (!content.empty() && content.back() == '\n')
                    content.remove_suffix(1);
                DiffLine line{std::string(content), gl->new_lineno, gl->old_lineno, 0};
                if (gl->origin == GIT_DIFF_LINE_ADDITION)
                    hunk.added.push_back(std::move(line));
                else if (gl->origin == GIT_DIFF_LINE_DELETION)
                    hunk.removed.push_back(std::move(line));
                else if (gl->origin == GIT_DIFF_LINE_CONTEXT)
                    hunk.context.push_back(std::move(line));
            }
            file.hunks.push_back(std::move(hunk));
        }
        out.files.push_back(std::move(file));
    }
    return {};
}

Result<Patch> Repository::read_patch(std::string const& id, DiffDepth depth) const
{
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) != 0)
        return make_error("not a commit id: " + id);
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, m_repo, &oid) != 0)
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
        TRY_VOID(fill_diff(m_repo, raw, patch.diff, depth == DiffDepth::Hunks));
        patch.diff_known = true;
        patch.hunks_known = depth == DiffDepth::Hunks;
    }
    return patch;
}

Result<std::optional<CommitInfo>> Repository::lookup(std::string const& abbreviated) const
{
    if (abbreviated.size() < 4 || abbreviated.size() > GIT_OID_HEXSZ || !text::is_hex(abbreviated))
        return std::optional<CommitInfo>{};
    git_oid oid;
    if (git_oid_fromstrn(&oid, abbreviated.c_str(), abbreviated.size()) != 0)
        return std::optional<CommitInfo>{};
    git_commit* raw = nullptr;
    int rc = git_commit_lookup_prefix(&raw, m_repo, &oid, abbreviated.size());
    if (rc == GIT_EAMBIGUOUS)
        return make_error("commit id " + abbreviated + " is ambiguous; use 12 or more characters");
    if (rc != 0)
        return std::optional<CommitInfo>{};
    CommitPtr commit(raw);
    char const* summary = git_commit_summary(raw);
    return std::optional<CommitInfo>(
        CommitInfo{oid_hex(git_commit_id(raw)), text::sanitize_utf8(summary ? summary : "")});
}

bool Repository::is_ancestor(std::string const& ancestor, std::string const& descendant) const
{
    git_oid a, d;
    if (git_oid_fromstr(&a, ancestor.c_str()) != 0 || git_oid_fromstr(&d, descendant.c_str()) != 0)
        return false;
    if (git_oid_equal(&a, &d))
        return true;
    return git_graph_descendant_of(m_repo, &d, &a) == 1;
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
        if (git_tag_list(&names, m_repo) == 0) {
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
