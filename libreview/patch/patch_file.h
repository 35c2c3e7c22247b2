#pragma once
// Read `git format-patch` output: one patch (or cover letter) per file, mail
// headers first, then the message, "---", notes, the diff, and the optional
// "base-commit:" lines that `--base` appends.

#include "libreview/core/file.h"
#include "libreview/core/result.h"
#include "libreview/patch/patch.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace review::patch {

inline constexpr std::size_t max_patch_file_size = 64u << 20;

// What a patch is built from: its headers (with their input lines) and the
// text after them. A mail's decoded body gives the same parts as a
// format-patch file, so both build the Patch the same way, line numbers kept.
struct PatchParts {
    std::string name; // file named in locations
    Origin origin = Origin::PatchFile;
    std::vector<MailHeader> headers;
    std::string_view body; // the text after the blank line that ends the headers
    int body_line = 1;     // input line of the body's first line
};

Result<Patch> build_patch(PatchParts);

// Header value by name (case-insensitive); empty when absent.
std::string header(Patch const&, std::string_view name);

// Parse one mail-formatted patch. `name` is used for locations and errors.
Result<Patch> parse_patch_text(std::string_view text, std::string const& name);

Result<Patch> read_patch_file(std::string const& path);

// RFC 5322 date ("Mon, 18 Sep 2023 14:40:59 +0000") to seconds since the epoch.
std::optional<std::int64_t> parse_mail_date(std::string_view);

// Unfold headers: returns name/value pairs with the line each starts on.
std::vector<MailHeader> parse_headers(std::vector<std::string_view> const& lines, std::size_t& index, int first_line);

} // namespace review::patch

namespace review {
using namespace patch; // the patch model is used by every layer above it
}
