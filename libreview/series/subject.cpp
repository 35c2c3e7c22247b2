#include "libreview/series/subject.h"

#include "libreview/core/text.h"

#include <charconv>

namespace review::series {

namespace {

bool parse_int(std::string_view s, int& out)
{
    if (s.empty() || s.size() > 6)
        return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool strip_reply_prefix(std::string_view& s)
{
    bool reply = false;
    for (;;) {
        s = text::trim_left(s);
        bool again = false;
        for (std::string_view p : {"re:", "aw:", "fwd:", "fw:", "re :"}) {
            if (text::istarts_with(s, p)) {
                s.remove_prefix(p.size());
                reply = again = true;
                break;
            }
        }
        if (!again)
            return reply;
    }
}

void apply_word(std::string_view w, SubjectTags& tags)
{
    if (text::iequals(w, "PATCH")) {
        tags.is_patch = true;
        return;
    }
    if (text::iequals(w, "RFC")) {
        tags.rfc = true;
        return;
    }
    if (text::iequals(w, "RESEND")) {
        tags.resend = true;
        return;
    }
    if ((w[0] == 'v' || w[0] == 'V') && w.size() > 1) {
        int v = 0;
        if (parse_int(w.substr(1), v) && v >= 1) {
            tags.version = v;
            return;
        }
    }
    std::size_t slash = w.find('/');
    if (slash != std::string_view::npos) {
        int m = 0, n = 0;
        if (parse_int(w.substr(0, slash), m) && parse_int(w.substr(slash + 1), n) && n >= 0) {
            tags.index = m;
            tags.total = n;
            tags.numbered = true;
            return;
        }
    }
    if (!tags.project.empty())
        tags.project += ' ';
    tags.project += std::string(w);
}

} // namespace

SubjectTags parse_subject(std::string_view subject)
{
    SubjectTags tags;
    std::string_view s = subject;
    tags.is_reply = strip_reply_prefix(s);
    // Bracketed groups at the start: "[RFC PATCH v2 1/3]", "[PATCH] [RESEND]".
    for (int groups = 0; groups < 8; ++groups) {
        s = text::trim_left(s);
        if (s.empty() || s[0] != '[')
            break;
        std::size_t close = s.find(']');
        if (close == std::string_view::npos)
            break;
        std::string_view inside = s.substr(1, close - 1);
        // "[PATCH,v2,1/3]" as patchwork writes it.
        std::string normalized(inside);
        for (char& c : normalized)
            if (c == ',')
                c = ' ';
        for (auto w : text::words(normalized))
            apply_word(w, tags);
        s.remove_prefix(close + 1);
    }
    if (!tags.is_reply)
        tags.is_reply = strip_reply_prefix(s);
    if (!tags.is_patch && tags.numbered)
        tags.is_patch = true; // "[RFC 1/3]", "[v2 0/5]"
    tags.title = std::string(text::trim(s));
    return tags;
}

std::string SubjectTags::posting_key() const
{
    return text::to_lower(project) + (rfc ? "|rfc|" : "||") + std::to_string(version);
}

} // namespace review::series
