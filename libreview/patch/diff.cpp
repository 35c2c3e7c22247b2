#include "libreview/patch/diff.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace review::patch {

std::vector<std::string> Diff::paths() const
{
    std::vector<std::string> out;
    out.reserve(files.size());
    for (auto const& f : files)
        out.push_back(f.path());
    return out;
}

std::size_t Diff::changed_lines() const
{
    std::size_t n = 0;
    for (auto const& f : files)
        for (auto const& h : f.hunks)
            n += h.added.size() + h.removed.size();
    return n;
}

static std::string strip_prefix_path(std::string_view p)
{
    p = text::trim(p);
    // Quoted paths ("a/with space") keep their content; escapes stay as written.
    if (p.size() >= 2 && p.front() == '"' && p.back() == '"')
        p = p.substr(1, p.size() - 2);
    std::size_t tab = p.find('\t');
    if (tab != std::string_view::npos)
        p = p.substr(0, tab);
    if (p == "/dev/null")
        return {};
    if (p.size() > 2 && (p.substr(0, 2) == "a/" || p.substr(0, 2) == "b/"))
        p.remove_prefix(2);
    return std::string(p);
}

static bool parse_range(std::string_view s, int& start, int& count)
{
    // "12,5" or "12"
    std::size_t comma = s.find(',');
    std::string_view a = s.substr(0, comma);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), start);
    if (r1.ec != std::errc() || r1.ptr != a.data() + a.size())
        return false;
    count = 1;
    if (comma != std::string_view::npos) {
        std::string_view b = s.substr(comma + 1);
        auto r2 = std::from_chars(b.data(), b.data() + b.size(), count);
        if (r2.ec != std::errc() || r2.ptr != b.data() + b.size())
            return false;
    }
    return start >= 0 && count >= 0 && count < 100000000;
}

// "@@ -a,b +c,d @@ context"
static bool parse_hunk_header(std::string_view line, Hunk& hunk)
{
    if (line.substr(0, 4) != "@@ -")
        return false;
    std::size_t end = line.find(" @@", 4);
    if (end == std::string_view::npos)
        return false;
    std::string_view ranges = line.substr(4, end - 4);
    std::size_t space = ranges.find(" +");
    if (space == std::string_view::npos)
        return false;
    if (!parse_range(ranges.substr(0, space), hunk.old_start, hunk.old_count))
        return false;
    if (!parse_range(ranges.substr(space + 2), hunk.new_start, hunk.new_count))
        return false;
    hunk.function_context = std::string(text::trim(line.substr(end + 3)));
    return true;
}

Diff parse_diff(std::string_view input, int first_line, std::size_t* consumed, DiffLimits limits)
{
    Diff diff;
    auto lines = text::split_lines(input);
    std::size_t i = 0;
    std::size_t total_lines = 0;
    FileDiff* file = nullptr;
    while (i < lines.size()) {
        std::string_view line = lines[i];
        int number = first_line + static_cast<int>(i);
        if (line.substr(0, 11) == "diff --git ") {
            if (diff.files.size() >= limits.max_files)
                break;
            diff.files.emplace_back();
            file = &diff.files.back();
            file->source_line = number;
            // "diff --git a/X b/Y": the halves are equal unless renamed; take
            // the "b/" half as a first guess, refined by ---/+++ and rename lines.
            std::string_view rest = line.substr(11);
            std::size_t b = rest.rfind(" b/");
            if (b != std::string_view::npos) {
                file->old_path = strip_prefix_path(rest.substr(0, b));
                file->new_path = strip_prefix_path(rest.substr(b + 1));
            }
            ++i;
            continue;
        }
        if (!file) {
            // Not inside a file section: accept leading "Index:"/"---" style
            // diffs without "diff --git" too.
            if (line.substr(0, 4) == "--- " && i + 1 < lines.size() && lines[i + 1].substr(0, 4) == "+++ ") {
                diff.files.emplace_back();
                file = &diff.files.back();
                file->source_line = number;
                continue;
            }
            break;
        }
        if (line.substr(0, 14) == "new file mode ") {
            file->is_new = true;
            file->old_path.clear();
        } else if (line.substr(0, 18) == "deleted file mode ") {
            file->is_deleted = true;
            file->new_path.clear();
        } else if (line.substr(0, 12) == "rename from ") {
            file->is_rename = true;
            file->old_path = std::string(line.substr(12));
        } else if (line.substr(0, 10) == "rename to ") {
            file->is_rename = true;
            file->new_path = std::string(line.substr(10));
        } else if (line.substr(0, 13) == "Binary files " || line == "GIT binary patch") {
            file->binary = true;
            if (line == "GIT binary patch") {
                // Skip the base85 payload: lines up to the blank line ending each block.
                ++i;
                int blocks = 0;
                while (i < lines.size() && blocks < 2) {
                    if (lines[i].empty())
                        ++blocks;
                    else if (lines[i].substr(0, 8) != "literal " && lines[i].substr(0, 6) != "delta " &&
                             blocks == 1)
                        break;
                    ++i;
                }
                continue;
            }
        } else if (line.substr(0, 4) == "--- ") {
            std::string p = strip_prefix_path(line.substr(4));
            if (p.empty())
                file->is_new = true;
            file->old_path = p;
        } else if (line.substr(0, 4) == "+++ ") {
            std::string p = strip_prefix_path(line.substr(4));
            if (p.empty())
                file->is_deleted = true;
            file->new_path = p;
        } else if (line.substr(0, 3) == "@@ ") {
            Hunk hunk;
            if (!parse_hunk_header(line, hunk))
                break;
            hunk.source_line = number;
            int old_left = hunk.old_count;
            int new_left = hunk.new_count;
            int old_no = hunk.old_start;
            int new_no = hunk.new_start;
            ++i;
            while (i < lines.size() && (old_left > 0 || new_left > 0) && total_lines < limits.max_lines) {
                std::string_view l = lines[i];
                int src = first_line + static_cast<int>(i);
                ++total_lines;
                if (!l.empty() && l[0] == '\\') { // "\ No newline at end of file"
                    ++i;
                    continue;
                }
                char kind = l.empty() ? ' ' : l[0];
                std::string body = l.empty() ? std::string() : std::string(l.substr(1));
                if (kind == '+' && new_left > 0) {
                    hunk.added.push_back({std::move(body), new_no++, 0, src});
                    --new_left;
                } else if (kind == '-' && old_left > 0) {
                    hunk.removed.push_back({std::move(body), 0, old_no++, src});
                    --old_left;
                } else if (kind == ' ' && old_left > 0 && new_left > 0) {
                    hunk.context.push_back({std::move(body), new_no++, old_no++, src});
                    --old_left;
                    --new_left;
                } else {
                    break; // malformed: counts and content disagree
                }
                ++i;
            }
            while (i < lines.size() && !lines[i].empty() && lines[i][0] == '\\')
                ++i;
            file->hunks.push_back(std::move(hunk));
            continue;
        } else if (line.substr(0, 6) == "index " || line.substr(0, 9) == "old mode " ||
                   line.substr(0, 9) == "new mode " || line.substr(0, 11) == "similarity " ||
                   line.substr(0, 14) == "dissimilarity " || line.substr(0, 10) == "copy from " ||
                   line.substr(0, 8) == "copy to ") {
            // Metadata with nothing to keep.
        } else {
            break; // end of diff: signature, base-commit, or trailing text
        }
        ++i;
    }
    if (consumed)
        *consumed = i;
    return diff;
}

// The end of the name in "#define NAME ..." when NAME is an object-like macro,
// else 0. Only "#define name(" (no space) makes a function-like macro; in
// "#define NAME (1 << 7)" the '(' opens the value, so NAME is no function.
static std::size_t object_like_macro_name_end(std::string_view s)
{
    auto skip_blanks = [&](std::size_t i) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
            ++i;
        return i;
    };
    std::size_t i = skip_blanks(0);
    if (i >= s.size() || s[i] != '#')
        return 0;
    i = skip_blanks(i + 1);
    if (s.substr(i, 6) != "define" || i + 6 >= s.size() || (s[i + 6] != ' ' && s[i + 6] != '\t'))
        return 0;
    i = skip_blanks(i + 6);
    std::size_t end = i;
    while (end < s.size() && text::is_ident_char(s[end]))
        ++end;
    if (end == i || (end < s.size() && s[end] == '('))
        return 0;
    return end;
}

static void collect_calls(std::string_view s, std::set<std::string>& out)
{
    std::size_t i = object_like_macro_name_end(s);
    while (i < s.size()) {
        if (text::is_alpha(s[i]) || s[i] == '_') {
            std::size_t start = i;
            while (i < s.size() && text::is_ident_char(s[i]))
                ++i;
            std::size_t j = i;
            while (j < s.size() && s[j] == ' ')
                ++j;
            if (j < s.size() && s[j] == '(' && i - start >= 3)
                out.insert(std::string(s.substr(start, i - start)));
        } else {
            ++i;
        }
    }
}

std::vector<std::string> functions_in_diff(Diff const& diff)
{
    static constexpr std::string_view keywords[] = {"if", "for", "while", "switch", "return", "sizeof",
                                                    "defined", "typeof", "__attribute__", "likely", "unlikely"};
    std::set<std::string> names;
    for (auto const& f : diff.files) {
        for (auto const& h : f.hunks) {
            collect_calls(h.function_context, names);
            for (auto const& l : h.added)
                collect_calls(l.text, names);
            for (auto const& l : h.removed)
                collect_calls(l.text, names);
        }
    }
    std::vector<std::string> out;
    for (auto const& n : names)
        if (std::find(std::begin(keywords), std::end(keywords), n) == std::end(keywords))
            out.push_back(n);
    return out;
}

} // namespace review::patch
