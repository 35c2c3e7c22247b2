#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

#include <algorithm>

namespace review::series_text {

namespace {

// "Paul Durrant (13):" opens the shortlog git format-patch writes.
bool is_shortlog_header(std::string_view l)
{
    l = text::trim_right(l);
    if (l.size() < 5 || l.back() != ':' || l[0] == ' ')
        return false;
    std::size_t open = l.rfind(" (");
    if (open == std::string_view::npos)
        return false;
    std::string_view n = l.substr(open + 2, l.size() - open - 4);
    return !n.empty() && l[l.size() - 2] == ')' &&
           std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::vector<Line> cover_prose(Series const& s)
{
    std::vector<Line> out;
    if (s.cover) {
        Message const& m = s.cover->patch.message;
        std::vector<Line> all = m.body;
        for (auto const& t : m.trailers)
            all.push_back(Line{t.raw, t.line});
        all.insert(all.end(), m.notes.begin(), m.notes.end());
        for (auto const& l : all) {
            if (is_shortlog_header(l.text))
                break;
            out.push_back(l);
        }
        return out;
    }
    if (s.patches.size() == 1)
        return s.patches.front().patch.message.notes;
    return out;
}

std::string cover_prose_text(Series const& s)
{
    std::string t;
    for (auto const& l : cover_prose(s)) {
        t += l.text;
        t += '\n';
    }
    return t;
}

std::vector<int> version_tokens(std::string_view t)
{
    std::vector<int> out;
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
        if ((t[i] != 'v' && t[i] != 'V') || (i > 0 && (text::is_alpha(t[i - 1]) || text::is_digit(t[i - 1]))))
            continue;
        std::size_t j = i + 1;
        int v = 0;
        while (j < t.size() && text::is_digit(t[j]) && v < 1000)
            v = v * 10 + (t[j++] - '0');
        if (j == i + 1 || (j < t.size() && (text::is_alpha(t[j]) || t[j] == '_')))
            continue;
        // "v6.1" is a kernel release, not a series version.
        if (j + 1 < t.size() && t[j] == '.' && text::is_digit(t[j + 1]))
            continue;
        out.push_back(v);
    }
    return out;
}

std::vector<std::string> links_to(std::string_view t, std::vector<std::string> const& hosts)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while ((pos = t.find("http", pos)) != std::string_view::npos) {
        std::size_t end = pos;
        while (end < t.size() && !text::is_space(t[end]) && t[end] != '>' && t[end] != ')')
            ++end;
        std::string_view url = t.substr(pos, end - pos);
        for (auto const& h : hosts)
            if (url.find("://" + h + "/") != std::string_view::npos) {
                out.emplace_back(url);
                break;
            }
        pos = end;
    }
    return out;
}

std::vector<std::string> uapi_additions(Series const& s)
{
    std::vector<std::string> out;
    for (auto const& p : s.patches)
        for (auto const& f : p.patch.diff.files) {
            std::string const& path = f.path();
            bool uapi = path.find("include/uapi/") != std::string::npos && path.find("kvm") != std::string::npos;
            if (!uapi)
                continue;
            for (auto const& h : f.hunks)
                for (auto const& l : h.added) {
                    std::string_view a = text::trim(l.text);
                    if (text::istarts_with(a, "#define KVM_CAP_") || text::istarts_with(a, "#define KVM_EXIT_") ||
                        (text::istarts_with(a, "#define KVM_") &&
                         (a.find("_IO(") != std::string_view::npos || a.find("_IOW(") != std::string_view::npos ||
                          a.find("_IOR(") != std::string_view::npos || a.find("_IOWR(") != std::string_view::npos)))
                        out.emplace_back(a);
                }
        }
    return out;
}

bool touches_prefix(Series const& s, std::string_view prefix)
{
    for (auto const& p : s.patches)
        for (auto const& f : p.patch.diff.files)
            if (std::string_view(f.path()).substr(0, prefix.size()) == prefix)
                return true;
    return false;
}

bool is_fix(Patch const& p)
{
    Shortlog sl = split_shortlog(p.message.title);
    if (text::istarts_with(sl.description, "fix"))
        return true;
    return !p.message.trailers_named("Fixes").empty();
}

std::string position(Posting const& p)
{
    if (!p.tags.numbered)
        return "the patch";
    return std::to_string(p.tags.index) + "/" + std::to_string(p.tags.total);
}

std::string all_prose(Series const& s)
{
    std::string t = cover_prose_text(s);
    for (auto const& p : s.patches) {
        t += p.patch.message.title;
        t += '\n';
        t += p.patch.message.body_text();
        t += '\n';
    }
    return t;
}

} // namespace review::series_text
