#pragma once
// Small text helpers over std::string_view. Inputs are hostile mail: every
// function here is bounded by its input and never reads past it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace review::core::text {

// Lines without their terminators; "\r\n" and "\n" both end a line.
std::vector<std::string_view> split_lines(std::string_view);

std::string_view trim(std::string_view);
std::string_view trim_left(std::string_view);
std::string_view trim_right(std::string_view);

bool istarts_with(std::string_view text, std::string_view prefix);
bool iequals(std::string_view, std::string_view);
bool icontains(std::string_view text, std::string_view needle);
std::string to_lower(std::string_view);

bool is_hex(std::string_view);
bool is_ident_char(char);
bool is_upper(char c);
bool is_lower(char c);
bool is_digit(char c);
bool is_alpha(char c);
bool is_space(char c);

// Valid UTF-8 (no overlongs, no surrogates); invalid bytes become U+FFFD.
bool is_valid_utf8(std::string_view);
std::string sanitize_utf8(std::string_view);
// Number of code points, counting an invalid byte as one.
std::size_t display_width(std::string_view);

// Words split on whitespace.
std::vector<std::string_view> words(std::string_view);

std::size_t edit_distance(std::string_view, std::string_view);
// The candidate closest to `name`, if close enough to be a likely typo.
std::optional<std::string> did_you_mean(std::string_view name, std::vector<std::string> const& candidates);

} // namespace review::core::text

namespace review {
using namespace core; // core names are used by every layer
}
