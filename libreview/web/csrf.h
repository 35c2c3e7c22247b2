#pragma once
// The token that state-changing forms carry: random per server process,
// embedded in each form as a hidden field, compared in constant time. A
// page of another origin cannot read it (no CORS), so it cannot forge a
// POST; a POST whose Origin header names another host is refused as well.

#include <string>
#include <string_view>

namespace review::web {

class Csrf {
public:
    // 128 random bits from the system's random device.
    static Csrf generate();
    explicit Csrf(std::string token) : m_token(std::move(token)) {}
    std::string const& token() const { return m_token; }
    bool check(std::string_view candidate) const;

private:
    std::string m_token;
};

// The Origin header of a POST is absent, or "http://<host>" for the Host
// the request was sent to.
bool same_origin(std::string_view origin, std::string_view host);

} // namespace review::web
