#pragma once
// The frame of every page: doctype, head (title, viewport, the style sheet
// at /style.css), a skip link and the header; and small shared pieces.

#include <cstdint>
#include <string>
#include <string_view>

namespace review::web {

// `title` is text (escaped here); `body` is HTML built by the page.
std::string page(std::string_view title, std::string_view body);
// The style sheet: readable on a laptop and a phone, visible focus.
std::string_view style_sheet();
// "3d", "5h" between two dates; "?" without one.
std::string interval(std::int64_t seconds);
// The lore link of a Message-ID (percent-encoded).
std::string lore_url(std::string_view message_id);

} // namespace review::web
