#include "libreview/web/html.h"

#include <cstdint>

namespace review::web {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// Characters that change how the text around them is shown: bidirectional
// embeddings, overrides and isolates, marks, and line/paragraph separators.
bool confusing(std::uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C || cp == 0x2028 || cp == 0x2029 || (cp >= 0x80 && cp < 0xA0);
}

// Length of the valid UTF-8 sequence at `s` (code point in `cp`), 0 if invalid.
std::size_t utf8_sequence(std::string_view s, std::uint32_t& cp)
{
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    unsigned char c = b(0);
    std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || c > 0xF4 || s.size() < n)
        return 0;
    cp = c & (0x7F >> n);
    for (std::size_t i = 1; i < n; ++i) {
        if ((b(i) & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b(i) & 0x3F);
    }
    static constexpr std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

} // namespace

void append_escaped(std::string& out, std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\n':
            case '\t': out += static_cast<char>(c); break;
            default:
                if (c < 0x20 || c == 0x7F)
                    out += replacement;
                else
                    out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        std::size_t n = utf8_sequence(s.substr(i), cp);
        if (n == 0 || confusing(cp)) {
            out += replacement;
            i += n ? n : 1;
            continue;
        }
        out.append(s.substr(i, n));
        i += n;
    }
}

std::string escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    append_escaped(out, s);
    return out;
}

std::string truncate(std::string_view s, std::size_t max)
{
    if (s.size() <= max)
        return std::string(s);
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(s.substr(0, cut)) + "\xE2\x80\xA6";
}

std::string url_encode(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~';
        if (keep) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace review::web
