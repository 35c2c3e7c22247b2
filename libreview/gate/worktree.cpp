#include "libreview/gate/worktree.h"

#include "libreview/core/file_descriptor.h"
#include "libreview/gate/process.h"
#include "libreview/git/tree.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace review::gate {

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
    std::map<std::string, Entry> files;
    for (auto& f : TRY(git::tree_files(repo, tree)))
        files[std::move(f.path)] = Entry{std::move(f.blob), f.mode};

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
        // A symlink or read-only file must not be written through.
        if (::unlink(full.c_str()) != 0 && errno != ENOENT)
            return make_error(full.string() + ": " + std::strerror(errno));
        bool symlink = entry.mode == git::mode_symlink;
        mode_t mode = entry.mode == git::mode_executable ? 0755 : 0644;
        TRY_VOID(git::with_blob(repo, entry.blob, [&](std::string_view data) -> Result<void> {
            if (symlink) {
                if (::symlink(std::string(data).c_str(), full.c_str()) != 0)
                    return make_error(full.string() + ": " + std::strerror(errno));
                return {};
            }
            auto fd = TRY(FileDescriptor::open(full.string(), O_WRONLY | O_CREAT | O_TRUNC, mode));
            TRY_VOID(fd.write_all(data));
            return fd.close();
        }));
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
