#pragma once
// Mail into patches: raw mails from mailbox files, Maildirs and format-patch
// folders, decoded by mail/, then built into Patches from the decoded
// headers and body with their input line numbers (no text round trip).

#include "libreview/core/result.h"
#include "libreview/mail/mailbox.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch.h"

#include <string>
#include <string_view>
#include <vector>

namespace review::source {

// Turn one raw mail into a Patch. `first_line` is the line of the mail's
// first header in `name`, so findings point into the mbox or file.
Result<Patch> mail_to_patch(std::string_view raw, std::string const& name, int first_line,
                            std::vector<std::string>* problems = nullptr);

// The same, from a mail already decoded (the queue decodes once, then
// turns only patches and cover letters into a Patch).
Result<Patch> decoded_to_patch(mail::DecodedMail const&, std::string const& name, int first_line,
                               std::vector<std::string>* problems = nullptr);

// The raw mails of one input: a mailbox file (gzip too), a single mail or
// patch file, a Maildir or a folder of format-patch files. An unreadable
// source is an error; damaged files in a folder land in `problems`.
struct RawMails {
    std::vector<mail::RawMail> mails;
    std::vector<std::string> problems;
};
Result<RawMails> read_raw_mails(std::string const& path);

struct MailInput {
    std::vector<Patch> mails;          // every mail, patches, cover letters and replies
    std::vector<std::string> problems; // damaged or skipped mails, "file:line: what"
};

// Read and decode every mail of a file or directory. Mails that cannot be
// parsed are reported in `problems` and skipped.
Result<MailInput> read_mail_input(std::string const& path);

// Decode raw mails into patches, collecting problems.
void decode_mails(std::vector<mail::RawMail> const&, MailInput&);

} // namespace review::source
