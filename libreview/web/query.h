#pragma once
// Query strings and form bodies (application/x-www-form-urlencoded), the
// only request data the web view parses. Bounded: at most max_query_bytes,
// max_params pairs; a malformed %-escape is an error (a 400 page).

#include "libreview/core/result.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace review::web {

inline constexpr std::size_t max_query_bytes = 16 * 1024;
inline constexpr std::size_t max_params = 64;

struct Params {
    std::vector<std::pair<std::string, std::string>> items;
    // The first value of `name`, or "" when absent.
    std::string get(std::string_view name) const;
    bool has(std::string_view name) const;
};

Result<Params> parse_query(std::string_view text);
// "+" is a space, %XX a byte; nullopt-like error on a bad escape.
Result<std::string> percent_decode(std::string_view text);

} // namespace review::web
