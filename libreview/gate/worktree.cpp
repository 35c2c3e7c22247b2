#include "libreview/gate/worktree.h"

#include "libreview/gate/process.h"
#include "libreview/git/handles.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace review::gate {
namespace {

using git::BlobPtr;
using git::CommitPtr;
using git::DiffPtr;
using git::IndexPtr;
using git::TreePtr;
using git::oid_hex;

Result<TreePtr> lookup_tree(git::Repository const& repo, std::string const& id)
{
    if (id.empty())
        return TreePtr{};
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) != 0)
        return make_error("not a tree id: '" + id + "'");
    git_tree* tree = nullptr;
    if (git_tree_lookup(&tree, repo.raw(), &oid) != 0)
        return make_error("tree " + id + ": " + git::last_error());
    return TreePtr(tree);
}

Result<CommitPtr> lookup_commit(git::Repository const& repo, std::string const& id)
{
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) != 0)
        return make_error("not a commit id: '" + id + "'");
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo.raw(), &oid) != 0)
        return make_error("commit " + id + ": " + git::last_error());
    return CommitPtr(c);
}

Result<void> write_all(int fd, char const* data, std::size_t size, std::string const& path)
{
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return make_error(path + ": " + std::strerror(errno));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace

Result<ScratchDir> ScratchDir::create(std::string const& prefix)
{
    char const* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
        return make_error("cannot create a scratch directory " + templ + ": " + std::strerror(errno));
    return ScratchDir(std::filesystem::path(buf.data()));
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }

ScratchDir::~ScratchDir()
{
    if (m_path.empty())
        return;
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

Result<std::string> tree_of_commit(git::Repository const& repo, std::string const& commit)
{
    auto c = TRY(lookup_commit(repo, commit));
    return oid_hex(git_commit_tree_id(c.get()));
}

Result<std::string> first_parent(git::Repository const& repo, std::string const& commit)
{
    auto c = TRY(lookup_commit(repo, commit));
    if (git_commit_parentcount(c.get()) == 0)
        return std::string();
    return oid_hex(git_commit_parent_id(c.get(), 0));
}

Result<std::string> apply_to_tree(git::Repository const& repo, std::string const& tree, std::string const& diff_text,
                                  std::string const& name)
{
    auto base = TRY(lookup_tree(repo, tree));
    git_diff* diff = nullptr;
    if (git_diff_from_buffer(&diff, diff_text.data(), diff_text.size()) != 0)
        return make_error("cannot parse the diff: " + git::last_error(), name);
    DiffPtr owned_diff(diff);
    git_index* index = nullptr;
    if (git_apply_to_tree(&index, repo.raw(), base.get(), diff, nullptr) != 0)
        return make_error("does not apply: " + git::last_error(), name);
    IndexPtr owned_index(index);
    git_oid out;
    if (git_index_write_tree_to(&out, index, repo.raw()) != 0)
        return make_error("cannot write the applied tree: " + git::last_error(), name);
    return oid_hex(&out);
}

Result<std::vector<std::string>> changed_paths(git::Repository const& repo, std::string const& old_tree,
                                               std::string const& new_tree)
{
    auto a = TRY(lookup_tree(repo, old_tree));
    auto b = TRY(lookup_tree(repo, new_tree));
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    git_diff* diff = nullptr;
    if (git_diff_tree_to_tree(&diff, repo.raw(), a.get(), b.get(), &opts) != 0)
        return make_error("diff " + old_tree + ".." + new_tree + ": " + git::last_error());
    DiffPtr owned(diff);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff); ++i) {
        git_diff_delta const* d = git_diff_get_delta(diff, i);
        if (d->old_file.path && d->status != GIT_DELTA_ADDED)
            paths.emplace_back(d->old_file.path);
        if (d->new_file.path && (paths.empty() || paths.back() != d->new_file.path))
            paths.emplace_back(d->new_file.path);
    }
    return paths;
}

namespace {

bool stat_of(std::filesystem::path const& p, std::uintmax_t& size, std::int64_t& mtime_ns)
{
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0)
        return false;
    size = static_cast<std::uintmax_t>(st.st_size);
    mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return true;
}

} // namespace

Result<void> PrivateTree::load_manifest()
{
    std::error_code ec;
    std::ifstream in(m_manifest);
    std::string line;
    if (!in || !std::getline(in, line) || !line.starts_with("kvmx-gate-tree 1 ")) {
        // No trustworthy record of the directory: start from an empty one.
        std::filesystem::remove_all(m_dir, ec);
        std::filesystem::create_directories(m_dir, ec);
        if (ec)
            return make_error(m_dir.string() + ": " + ec.message());
        return {};
    }
    std::string tree = line.substr(17);
    std::map<std::string, Entry> files;
    bool all_intact = true;
    while (std::getline(in, line)) {
        // "<mode> <blob> <size> <mtime_ns> <path>"
        std::istringstream fields(line);
        Entry e;
        std::string path;
        if (!(fields >> e.mode >> e.blob >> e.size >> e.mtime_ns) || fields.get() != ' ' || !std::getline(fields, path) ||
            path.empty() || path.find("..") != std::string::npos || path.front() == '/') {
            std::filesystem::remove(m_manifest, ec);
            return load_manifest(); // damaged: treat as absent
        }
        std::uintmax_t size = 0;
        std::int64_t mtime = 0;
        if (stat_of(m_dir / path, size, mtime) && size == e.size && mtime == e.mtime_ns)
            files.emplace(std::move(path), std::move(e));
        else
            all_intact = false;
    }
    m_files = std::move(files);
    m_tree = all_intact ? tree : std::string();
    return {};
}

Result<void> PrivateTree::save_manifest() const
{
    if (m_manifest.empty())
        return {};
    std::filesystem::path tmp = m_manifest;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "kvmx-gate-tree 1 " << m_tree << "\n";
        for (auto const& [path, e] : m_files)
            out << e.mode << ' ' << e.blob << ' ' << e.size << ' ' << e.mtime_ns << ' ' << path << "\n";
        if (!out)
            return make_error(tmp.string() + ": cannot write the tree manifest");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, m_manifest, ec);
    if (ec)
        return make_error(m_manifest.string() + ": " + ec.message());
    return {};
}

Result<void> PrivateTree::checkout(git::Repository const& repo, std::string const& tree)
{
    if (tree == m_tree)
        return {};
    if (!m_manifest.empty()) {
        std::error_code ec;
        std::filesystem::remove(m_manifest, ec); // the directory is about to change
    }
    auto root = TRY(lookup_tree(repo, tree));
    std::map<std::string, Entry> files;
    struct Walk {
        std::map<std::string, Entry>* files;
    } walk{&files};
    auto callback = [](char const* root_path, git_tree_entry const* entry, void* payload) -> int {
        auto* w = static_cast<Walk*>(payload);
        git_object_t type = git_tree_entry_type(entry);
        if (type != GIT_OBJECT_BLOB)
            return 0; // trees are walked into; submodule commits have nothing to write
        (*w->files)[std::string(root_path) + git_tree_entry_name(entry)] =
            Entry{oid_hex(git_tree_entry_id(entry)), static_cast<unsigned>(git_tree_entry_filemode(entry))};
        return 0;
    };
    if (git_tree_walk(root.get(), GIT_TREEWALK_PRE, callback, &walk) != 0)
        return make_error("walking tree " + tree + ": " + git::last_error());

    std::error_code ec;
    for (auto const& [path, old] : m_files) {
        auto it = files.find(path);
        if (it != files.end())
            continue;
        std::filesystem::path full = m_dir / path;
        std::filesystem::remove(full, ec);
        // Drop directories the removal emptied, up to the tree root.
        for (auto dir = full.parent_path(); dir != m_dir && dir.string().size() > m_dir.string().size();
             dir = dir.parent_path())
            if (!std::filesystem::remove(dir, ec))
                break;
    }
    std::size_t written_files = 0;
    for (auto const& [path, entry] : files) {
        auto it = m_files.find(path);
        if (it != m_files.end() && it->second.blob == entry.blob && it->second.mode == entry.mode)
            continue;
        // A kernel tree is ~90000 files: stop soon after SIGINT or SIGTERM,
        // not minutes later.
        if (++written_files % 512 == 0 && interrupted_by())
            return make_error("interrupted by signal " + std::to_string(interrupted_by()) + " while writing " +
                              m_dir.string());
        std::filesystem::path full = m_dir / path;
        std::filesystem::create_directories(full.parent_path(), ec);
        git_oid oid;
        git_oid_fromstr(&oid, entry.blob.c_str());
        git_blob* blob = nullptr;
        if (git_blob_lookup(&blob, repo.raw(), &oid) != 0)
            return make_error("blob " + entry.blob + " (" + path + "): " + git::last_error());
        BlobPtr owned(blob);
        auto const* data = static_cast<char const*>(git_blob_rawcontent(blob));
        auto size = static_cast<std::size_t>(git_blob_rawsize(blob));
        ::unlink(full.c_str()); // a symlink or read-only file must not be written through
        if (entry.mode == GIT_FILEMODE_LINK) {
            if (::symlink(std::string(data, size).c_str(), full.c_str()) != 0)
                return make_error(full.string() + ": " + std::strerror(errno));
            continue;
        }
        mode_t mode = entry.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644;
        int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
            return make_error(full.string() + ": " + std::strerror(errno));
        auto written = write_all(fd, data, size, full.string());
        ::close(fd);
        if (!written)
            return written.error();
    }
    if (!m_manifest.empty())
        for (auto& [path, entry] : files) {
            // Record what is on disk now, written or kept, for the next run.
            auto it = m_files.find(path);
            if (it != m_files.end() && it->second.blob == entry.blob && it->second.mode == entry.mode) {
                entry.size = it->second.size;
                entry.mtime_ns = it->second.mtime_ns;
            } else {
                stat_of(m_dir / path, entry.size, entry.mtime_ns);
            }
        }
    m_files = std::move(files);
    m_tree = tree;
    return save_manifest();
}

} // namespace review::gate
