#include "libreview/web/query.h"

namespace review::web {

namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::string Params::get(std::string_view name) const
{
    for (auto const& [k, v] : items)
        if (k == name)
            return v;
    return {};
}

bool Params::has(std::string_view name) const
{
    for (auto const& [k, v] : items)
        if (k == name)
            return true;
    return false;
}

Result<std::string> percent_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
            if (lo < 0)
                return make_error("malformed %-escape in the query");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

Result<Params> parse_query(std::string_view s)
{
    if (s.size() > max_query_bytes)
        return make_error("query longer than " + std::to_string(max_query_bytes) + " bytes");
    Params p;
    while (!s.empty()) {
        std::size_t amp = s.find('&');
        std::string_view pair = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
        if (pair.empty())
            continue;
        if (p.items.size() == max_params)
            return make_error("more than " + std::to_string(max_params) + " parameters");
        std::size_t eq = pair.find('=');
        auto key = TRY(percent_decode(pair.substr(0, eq)));
        auto value = TRY(percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1)));
        p.items.emplace_back(std::move(key), std::move(value));
    }
    return p;
}

} // namespace review::web
