#include "libreview/web/csrf.h"

#include <random>

namespace review::web {

Csrf Csrf::generate()
{
    std::random_device rd;
    static constexpr char hex[] = "0123456789abcdef";
    std::string t;
    for (int i = 0; i < 4; ++i) {
        unsigned v = rd();
        for (int k = 0; k < 8; ++k, v >>= 4)
            t += hex[v & 15];
    }
    return Csrf(t);
}

bool Csrf::check(std::string_view candidate) const
{
    if (candidate.size() != m_token.size() || m_token.empty())
        return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < m_token.size(); ++i)
        diff |= static_cast<unsigned char>(candidate[i]) ^ static_cast<unsigned char>(m_token[i]);
    return diff == 0;
}

bool same_origin(std::string_view origin, std::string_view host)
{
    if (origin.empty())
        return true;
    for (std::string_view scheme : {"http://", "https://"})
        if (origin.substr(0, scheme.size()) == scheme)
            return !host.empty() && origin.substr(scheme.size()) == host;
    return false;
}

} // namespace review::web
