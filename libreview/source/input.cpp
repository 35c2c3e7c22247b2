#include "libreview/source/input.h"

#include <algorithm>
#include <filesystem>

namespace review::source {

namespace fs = std::filesystem;

std::string_view kind_name(Kind kind)
{
    switch (kind) {
    case Kind::Revision: return "revision";
    case Kind::PatchFile: return "patch file";
    case Kind::Mailbox: return "mailbox";
    case Kind::PatchFolder: return "format-patch folder";
    case Kind::Maildir: return "Maildir";
    case Kind::PublicInbox: return "public-inbox archive";
    case Kind::Url: return "URL";
    }
    return "input";
}

std::vector<Ending> const& endings()
{
    static std::vector<Ending> const table = {
        {".patch", Kind::PatchFile}, {".diff", Kind::PatchFile}, {".mbox", Kind::Mailbox},
        {".mbx", Kind::Mailbox},     {".gz", Kind::Mailbox},     {".eml", Kind::Mailbox},
        {".mail", Kind::Mailbox},
    };
    return table;
}

namespace {

Ending const* ending_of(std::string_view name)
{
    for (auto const& e : endings())
        if (name.size() > e.suffix.size() && name.ends_with(e.suffix))
            return &e;
    return nullptr;
}

bool is_inbox_dir(fs::path const& p)
{
    std::error_code ec;
    // A public-inbox v2 archive, or one epoch: a git repository (bare or not).
    return fs::is_directory(p / "git", ec) || fs::is_regular_file(p / "HEAD", ec) || fs::is_directory(p / ".git", ec);
}

} // namespace

Kind classify(std::string const& arg)
{
    if (arg.starts_with("http://") || arg.starts_with("https://"))
        return Kind::Url;
    std::error_code ec;
    fs::path p(arg);
    if (!fs::exists(p, ec))
        return Kind::Revision;
    if (fs::is_directory(p, ec)) {
        if (fs::is_directory(p / "cur", ec) || fs::is_directory(p / "new", ec))
            return Kind::Maildir;
        if (is_inbox_dir(p))
            return Kind::PublicInbox;
        return Kind::PatchFolder;
    }
    Ending const* e = ending_of(p.filename().string());
    return e ? e->kind : Kind::PatchFile;
}

bool is_mail(Kind kind)
{
    return kind == Kind::Mailbox || kind == Kind::PatchFolder || kind == Kind::Maildir || kind == Kind::PatchFile;
}

std::vector<std::string> mail_files(std::string const& dir, Kind kind)
{
    std::vector<std::string> files;
    auto scan = [&](fs::path const& d, bool any_name) {
        std::vector<std::string> here;
        std::error_code ec;
        for (auto const& entry : fs::directory_iterator(d, ec)) {
            if (!entry.is_regular_file(ec))
                continue;
            std::string name = entry.path().filename().string();
            if (name.empty() || name[0] == '.')
                continue;
            bool mh = std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (any_name || mh || ending_of(name))
                here.push_back(entry.path().string());
        }
        std::sort(here.begin(), here.end());
        files.insert(files.end(), here.begin(), here.end());
    };
    if (kind == Kind::Maildir) {
        scan(fs::path(dir) / "cur", true);
        scan(fs::path(dir) / "new", true);
    } else {
        scan(fs::path(dir), false);
    }
    return files;
}

} // namespace review::source
