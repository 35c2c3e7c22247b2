// Helpers shared by the store's files (store_internal.h).

#include "libreview/queue/store_internal.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace review::queue::detail {

std::string join_lines(std::vector<std::string> const& v, char sep)
{
    std::string out;
    for (auto const& s : v) {
        if (!out.empty())
            out += sep;
        out += s;
    }
    return out;
}

std::vector<std::string> split_on(std::string_view s, char sep)
{
    std::vector<std::string> out;
    while (!s.empty()) {
        std::size_t p = s.find(sep);
        out.emplace_back(s.substr(0, p));
        if (p == std::string_view::npos)
            break;
        s.remove_prefix(p + 1);
    }
    return out;
}

std::string encode_trailers(std::vector<FollowupTrailer> const& t)
{
    std::string out;
    for (auto const& x : t) {
        std::string v = x.value;
        std::replace(v.begin(), v.end(), '\t', ' ');
        out += x.key + "\t" + v + "\t" + x.email + "\n";
    }
    return out;
}

std::vector<FollowupTrailer> decode_trailers(std::string_view s)
{
    std::vector<FollowupTrailer> out;
    for (auto const& line : split_on(s, '\n')) {
        auto parts = split_on(line, '\t');
        if (parts.size() == 3)
            out.push_back({parts[0], parts[1], parts[2]});
    }
    return out;
}

std::string hash_ids(std::vector<std::string> ids)
{
    std::sort(ids.begin(), ids.end());
    std::uint64_t h = 14695981039346656037ull;
    for (auto const& id : ids) {
        for (unsigned char c : id) {
            h ^= c;
            h *= 1099511628211ull;
        }
        h ^= 0xff;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string strip_brackets(std::string_view s)
{
    s = text::trim(s);
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>')
        s = s.substr(1, s.size() - 2);
    return std::string(s);
}

Result<void> set_dirty(Database& db)
{
    return db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES('dirty', '1')");
}

Result<bool> dirty(Database& db)
{
    auto st = TRY(db.prepare("SELECT 1 FROM meta WHERE key = 'dirty'"));
    return st.step();
}

Result<std::size_t> series_count(Database& db)
{
    auto st = TRY(db.prepare("SELECT count(DISTINCT series_id) FROM postings"));
    (void)TRY(st.step());
    return static_cast<std::size_t>(st.integer(0));
}

} // namespace review::queue::detail
