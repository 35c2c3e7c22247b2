#pragma once
// Mailbox text: mbox files (mboxrd and mboxo, gzip-compressed too) split
// into raw mails with where they came from; message.h decodes them.
// Which files to read is source/'s business (source/input.h).

#include "libreview/core/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace review::mail {

// Bounds for hostile input: compressed and uncompressed mailbox sizes, and
// the number of mails taken from one source.
inline constexpr std::size_t max_mailbox_size = 512u << 20;
inline constexpr std::size_t max_mails = 100000;

struct RawMail {
    std::string source; // file the mail was read from
    int line = 1;       // line of its first header in that file
    std::string text;   // RFC 5322 text, "From " separator removed, >From unescaped
    // The separator is `git format-patch`'s ("From <sha> Mon Sep 17 00:00:00
    // 2001"): the file was written, not sent, so its From: is the author and
    // the sender is not known.
    bool format_patch = false;
};

// Split mbox text into mails. Separators are "From " lines that follow a
// blank line (or open the file) and look like an mbox postmark, so a stray
// "From " in a body does not split a mail. ">From " lines lose one '>'.
std::vector<RawMail> split_mbox(std::string_view data, std::string const& name);

// Gunzip `data` (gzip magic checked by the caller), refusing output above `limit`.
Result<std::string> gunzip(std::string_view data, std::string const& name, std::size_t limit = max_mailbox_size);

} // namespace review::mail
