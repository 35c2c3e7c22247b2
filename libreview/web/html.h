#pragma once
// Output encoding for the web view. Every string from the queue (subjects,
// names, headers, bodies) is hostile: escape() makes it text in HTML
// content and double-quoted attributes, replacing control characters,
// bidirectional overrides and invalid UTF-8 with U+FFFD; url_encode()
// makes it one component of a URL built by the server (never a scheme).

#include <cstddef>
#include <string>
#include <string_view>

namespace review::web {

void append_escaped(std::string& out, std::string_view text);
std::string escape(std::string_view text);
// At most `max` bytes of `text` (cut at a character boundary), then "…".
std::string truncate(std::string_view text, std::size_t max);
// Percent-encode everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view text);

} // namespace review::web
