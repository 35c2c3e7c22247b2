#include "libreview/git/commit_diff.h"

#include "libreview/core/text.h"
#include "libreview/git/handles.h"
#include "libreview/git/repository.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace review::git {
namespace {

constexpr std::size_t max_files = 20000;
constexpr std::size_t max_lines = 2000000;
constexpr int max_depth = 64;

struct Change {
    std::string old_path, new_path; // empty for an added or deleted file
    git_oid old_id{}, new_id{};
    bool old_blob = false, new_blob = false; // a gitlink (submodule) has no content
};

// Entries of a tree in git's order: a subtree sorts as if its name ended in
// '/', so "a.c" < "a/" < "a0". Merge-walking both trees in that order yields
// the changes sorted by path, as git diff prints them.
int compare_entries(git_tree_entry const* a, git_tree_entry const* b)
{
    std::string_view an = git_tree_entry_name(a), bn = git_tree_entry_name(b);
    std::size_t n = std::min(an.size(), bn.size());
    if (int c = std::memcmp(an.data(), bn.data(), n); c != 0)
        return c;
    auto tail = [](std::string_view s, std::size_t at, git_tree_entry const* e) -> unsigned char {
        if (at < s.size())
            return static_cast<unsigned char>(s[at]);
        return git_tree_entry_type(e) == GIT_OBJECT_TREE ? '/' : '\0';
    };
    unsigned char ca = tail(an, n, a), cb = tail(bn, n, b);
    if (ca != cb)
        return ca < cb ? -1 : 1;
    if (an.size() == bn.size())
        return 0;
    return an.size() < bn.size() ? -1 : 1;
}

class TreeWalker {
public:
    TreeWalker(git_repository* repo, std::vector<Change>& out) : m_repo(repo), m_out(out) {}

    Result<void> walk(git_tree const* old_tree, git_tree const* new_tree, std::string const& prefix, int depth)
    {
        if (depth > max_depth)
            return make_error("tree nesting deeper than " + std::to_string(max_depth));
        std::size_t no = old_tree ? git_tree_entrycount(old_tree) : 0;
        std::size_t nn = new_tree ? git_tree_entrycount(new_tree) : 0;
        std::size_t i = 0, j = 0;
        while ((i < no || j < nn) && m_out.size() < max_files) {
            git_tree_entry const* a = i < no ? git_tree_entry_byindex(old_tree, i) : nullptr;
            git_tree_entry const* b = j < nn ? git_tree_entry_byindex(new_tree, j) : nullptr;
            int c = !a ? 1 : !b ? -1 : compare_entries(a, b);
            if (c == 0) {
                ++i, ++j;
                if (git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
                    git_tree_entry_type(a) == git_tree_entry_type(b))
                    continue;
                TRY_VOID(pair(a, b, prefix, depth));
            } else if (c < 0) {
                ++i;
                TRY_VOID(pair(a, nullptr, prefix, depth));
            } else {
                ++j;
                TRY_VOID(pair(nullptr, b, prefix, depth));
            }
        }
        return {};
    }

private:
    Result<TreePtr> subtree(git_tree_entry const* e)
    {
        if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
            return TreePtr();
        git_tree* t = nullptr;
        if (git_tree_lookup(&t, m_repo, git_tree_entry_id(e)) != 0)
            return make_error("cannot read tree: " + last_error());
        return TreePtr(t);
    }

    // One name on either side: a file changed, added or deleted, or a
    // directory to descend into (a file replaced by a directory is both).
    Result<void> pair(git_tree_entry const* a, git_tree_entry const* b, std::string const& prefix, int depth)
    {
        bool a_tree = a && git_tree_entry_type(a) == GIT_OBJECT_TREE;
        bool b_tree = b && git_tree_entry_type(b) == GIT_OBJECT_TREE;
        std::string name = prefix + git_tree_entry_name(a ? a : b);
        if (a_tree || b_tree) {
            TreePtr ot = TRY(subtree(a_tree ? a : nullptr));
            TreePtr nt = TRY(subtree(b_tree ? b : nullptr));
            // A file that became a directory (or the reverse) is a deletion plus additions.
            if (a && !a_tree)
                add(a, nullptr, name);
            TRY_VOID(walk(ot.get(), nt.get(), name + "/", depth + 1));
            if (b && !b_tree)
                add(nullptr, b, name);
            return {};
        }
        add(a, b, name);
        return {};
    }

    void add(git_tree_entry const* a, git_tree_entry const* b, std::string const& name)
    {
        Change c;
        if (a) {
            c.old_path = name;
            c.old_id = *git_tree_entry_id(a);
            c.old_blob = git_tree_entry_type(a) == GIT_OBJECT_BLOB;
        }
        if (b) {
            c.new_path = name;
            c.new_id = *git_tree_entry_id(b);
            c.new_blob = git_tree_entry_type(b) == GIT_OBJECT_BLOB;
        }
        m_out.push_back(std::move(c));
    }

    git_repository* m_repo;
    std::vector<Change>& m_out;
};

// git's binary test: a NUL in the first 8000 bytes.
bool is_binary(std::string_view s) { return s.substr(0, 8000).find('\0') != std::string_view::npos; }

// The line a hunk's "@@ ... @@" header names: the nearest line above
// `line_start` (a byte offset) that starts with a letter, '_' or '$', as
// xdiff's default rule picks it, cut to 80 bytes.
std::string function_line(std::string_view file, std::size_t line_start)
{
    std::size_t end = std::min(line_start, file.size()); // the lines strictly above this offset
    while (end > 0) {
        std::size_t nl = end >= 2 ? file.rfind('\n', end - 2) : std::string_view::npos;
        std::size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
        char c = file[begin];
        if (text::is_alpha(c) || c == '_' || c == '$') {
            std::string_view l = file.substr(begin, end - begin);
            if (!l.empty() && l.back() == '\n')
                l.remove_suffix(1);
            return std::string(text::trim_right(l.substr(0, 80)));
        }
        end = begin;
    }
    return {};
}

struct HunkSink {
    FileDiff* file;
    std::string_view old_text; // the whole old file
    std::size_t head_bytes = 0;
    int head_lines = 0;
    std::size_t* total = nullptr;
    // Where the previous hunk's search started: hunks come in order, so the
    // line-to-offset walk resumes there instead of at the top each time.
    int cursor_line = 1;
    std::size_t cursor_offset = 0;
};

int on_hunk(git_diff_delta const*, git_diff_hunk const* gh, void* payload)
{
    auto* s = static_cast<HunkSink*>(payload);
    Hunk h;
    h.old_start = gh->old_start + (gh->old_lines > 0 || gh->old_start > 0 ? s->head_lines : 0);
    h.old_count = gh->old_lines;
    h.new_start = gh->new_start + (gh->new_lines > 0 || gh->new_start > 0 ? s->head_lines : 0);
    h.new_count = gh->new_lines;
    // The header's function line: the nearest match above the hunk's first
    // old line (for a pure insertion, above the line it follows, included).
    int first = gh->old_lines > 0 ? gh->old_start : gh->old_start + 1; // 1-based, within the middle
    std::string_view middle = s->old_text.substr(s->head_bytes);
    if (first < s->cursor_line)
        s->cursor_line = 1, s->cursor_offset = 0;
    std::size_t offset = s->cursor_offset;
    int line = s->cursor_line;
    for (; line < first && offset < middle.size(); ++line) {
        std::size_t nl = middle.find('\n', offset);
        if (nl == std::string_view::npos) {
            offset = middle.size();
            break;
        }
        offset = nl + 1;
    }
    s->cursor_line = line;
    s->cursor_offset = offset;
    h.function_context = function_line(s->old_text, s->head_bytes + offset);
    s->file->hunks.push_back(std::move(h));
    return 0;
}

int on_line(git_diff_delta const*, git_diff_hunk const*, git_diff_line const* gl, void* payload)
{
    auto* s = static_cast<HunkSink*>(payload);
    if (s->file->hunks.empty() || *s->total >= max_lines)
        return 0;
    ++*s->total;
    std::string_view content(gl->content, gl->content_len);
    if (!content.empty() && content.back() == '\n')
        content.remove_suffix(1);
    DiffLine line{std::string(content), gl->new_lineno > 0 ? gl->new_lineno + s->head_lines : gl->new_lineno,
                  gl->old_lineno > 0 ? gl->old_lineno + s->head_lines : gl->old_lineno, 0};
    Hunk& h = s->file->hunks.back();
    if (gl->origin == GIT_DIFF_LINE_ADDITION)
        h.added.push_back(std::move(line));
    else if (gl->origin == GIT_DIFF_LINE_DELETION)
        h.removed.push_back(std::move(line));
    else if (gl->origin == GIT_DIFF_LINE_CONTEXT)
        h.context.push_back(std::move(line));
    return 0;
}

Result<std::string_view> blob_text(git_repository* repo, git_oid const& id, bool is_blob, BlobPtr& holder)
{
    if (!is_blob)
        return std::string_view();
    git_blob* b = nullptr;
    if (git_blob_lookup(&b, repo, &id) != 0)
        return make_error("cannot read blob: " + last_error());
    holder.reset(b);
    return std::string_view(static_cast<char const*>(git_blob_rawcontent(b)),
                            static_cast<std::size_t>(git_blob_rawsize(b)));
}

// All lines of `text` as one hunk, added (a new file) or removed.
void whole_file_hunk(std::string_view text, bool added, FileDiff& file, std::size_t& total)
{
    Hunk h;
    std::size_t count = 0;
    auto& lines = added ? h.added : h.removed;
    for (std::size_t at = 0; at < text.size() && total < max_lines; ++total) {
        std::size_t nl = text.find('\n', at);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        ++count;
        int number = static_cast<int>(count);
        lines.push_back(DiffLine{std::string(text.substr(at, end - at)), added ? number : -1, added ? -1 : number, 0});
        at = end + 1;
    }
    if (count == 0)
        return;
    h.old_start = added ? 0 : 1;
    h.old_count = added ? 0 : static_cast<int>(count);
    h.new_start = added ? 1 : 0;
    h.new_count = added ? static_cast<int>(count) : 0;
    file.hunks.push_back(std::move(h));
}

// Newlines in `text`, found with memchr rather than byte by byte.
int count_lines(std::string_view text)
{
    int n = 0;
    char const* p = text.data();
    char const* end = p + text.size();
    while ((p = static_cast<char const*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
        ++n;
        ++p;
    }
    return n;
}

// Bytes the two texts share at the start (at most `limit`), compared a
// block at a time.
std::size_t common_prefix(std::string_view a, std::string_view b, std::size_t limit)
{
    constexpr std::size_t block = 64;
    std::size_t n = 0;
    while (n + block <= limit && std::memcmp(a.data() + n, b.data() + n, block) == 0)
        n += block;
    while (n < limit && a[n] == b[n])
        ++n;
    return n;
}

// Bytes the two texts share at the end (at most `limit`).
std::size_t common_suffix(std::string_view a, std::string_view b, std::size_t limit)
{
    constexpr std::size_t block = 64;
    std::size_t n = 0;
    while (n + block <= limit &&
           std::memcmp(a.data() + a.size() - n - block, b.data() + b.size() - n - block, block) == 0)
        n += block;
    while (n < limit && a[a.size() - 1 - n] == b[b.size() - 1 - n])
        ++n;
    return n;
}

// Diff two file contents into `file`: trim the common head and tail (whole
// lines only), diff the rest with xdiff, and shift line numbers back.
Result<void> diff_contents(git_blob* old_blob, git_blob* new_blob, std::string_view old_text, std::string_view new_text,
                           FileDiff& file, std::size_t& total)
{
    if (is_binary(old_text) || is_binary(new_text)) {
        file.binary = true;
        return {};
    }
    if (old_text.empty() || new_text.empty()) {
        // A file added or deleted (or emptied): one hunk of all its lines,
        // no diff to compute (and no hashing of the whole file by libgit2).
        whole_file_hunk(old_text.empty() ? new_text : old_text, old_text.empty(), file, total);
        return {};
    }
    std::size_t limit = std::min(old_text.size(), new_text.size());
    std::size_t head = common_prefix(old_text, new_text, limit);
    // Back to the start of the line the difference is in, and a margin of
    // lines more: xdiff slides a hunk along equal neighbouring lines, and
    // needs them to place it where a diff of the whole file would.
    constexpr int margin = 20;
    for (int lines = 0; head > 0 && lines <= margin;) {
        --head;
        if (head > 0 && old_text[head - 1] == '\n')
            ++lines;
    }
    std::size_t tail = common_suffix(old_text, new_text, limit - head);
    // Forward to a line start inside the common tail (both sides agree
    // there), keeping the same margin.
    for (int lines = 0; tail > 0 && lines <= margin;) {
        --tail;
        if (tail > 0 && old_text[old_text.size() - tail - 1] == '\n')
            ++lines;
    }
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 0;
    opts.flags |= GIT_DIFF_FORCE_TEXT;
    // libgit2 hashes buffers it is given (SHA-1 with collision detection,
    // slower than the diff), but not blobs: when trimming leaves most of the
    // file, diff the blobs whole instead.
    if (4 * (head + tail) < old_text.size() + new_text.size()) {
        HunkSink sink{&file, old_text, 0, 0, &total};
        if (git_diff_blobs(old_blob, nullptr, new_blob, nullptr, &opts, nullptr, nullptr, on_hunk, on_line, &sink) != 0)
            return make_error("cannot diff: " + last_error());
        return {};
    }
    HunkSink sink{&file, old_text, head, count_lines(old_text.substr(0, head)), &total};
    std::string_view o = old_text.substr(head, old_text.size() - head - tail);
    std::string_view n = new_text.substr(head, new_text.size() - head - tail);
    if (git_diff_buffers(o.data(), o.size(), nullptr, n.data(), n.size(), nullptr, &opts, nullptr, nullptr, on_hunk,
                         on_line, &sink) != 0)
        return make_error("cannot diff: " + last_error());
    return {};
}

} // namespace

Result<void> commit_diff(git_repository* repo, git_commit* commit, Diff& out, bool hunks)
{
    git_tree* new_raw = nullptr;
    if (git_commit_tree(&new_raw, commit) != 0)
        return make_error("cannot read tree: " + last_error());
    TreePtr new_tree(new_raw);
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
    std::vector<Change> changes;
    TRY_VOID(TreeWalker(repo, changes).walk(old_tree.get(), new_tree.get(), "", 0));
    std::size_t total = 0;
    for (auto const& c : changes) {
        FileDiff file;
        file.is_new = c.old_path.empty();
        file.is_deleted = c.new_path.empty();
        file.old_path = text::sanitize_utf8(c.old_path);
        file.new_path = text::sanitize_utf8(c.new_path);
        if (hunks) {
            BlobPtr old_blob, new_blob;
            std::string_view old_text = c.old_path.empty() ? std::string_view()
                                                           : TRY(blob_text(repo, c.old_id, c.old_blob, old_blob));
            std::string_view new_text = c.new_path.empty() ? std::string_view()
                                                           : TRY(blob_text(repo, c.new_id, c.new_blob, new_blob));
            TRY_VOID(diff_contents(old_blob.get(), new_blob.get(), old_text, new_text, file, total));
        }
        out.files.push_back(std::move(file));
    }
    return {};
}

} // namespace review::git
