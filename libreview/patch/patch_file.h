#pragma once
// Read `git format-patch` output: one patch (or cover letter) per file, mail
// headers first, then the message, "---", notes, the diff, and the optional
// "base-commit:" lines that `--base` appends.

#include "libreview/core/result.h"
#include "libreview/patch/patch.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace review {

inline constexpr std::size_t max_patch_file_size = 64u << 20;

// Parse one mail-formatted patch. `name` is used for locations and errors.
Result<Patch> parse_patch_text(std::string_view text, std::string const& name);

Result<Patch> read_patch_file(std::string const& path);

// Read a whole file, refusing anything above `limit` bytes.
Result<std::string> read_file_bounded(std::string const& path, std::size_t limit);

// RFC 5322 date ("Mon, 18 Sep 2023 14:40:59 +0000") to seconds since the epoch.
std::optional<std::int64_t> parse_mail_date(std::string_view);

// Unfold headers: returns name/value pairs with the line each starts on.
std::vector<MailHeader> parse_headers(std::vector<std::string_view> const& lines, std::size_t& index, int first_line);

} // namespace review
