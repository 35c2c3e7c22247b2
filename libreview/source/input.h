#pragma once
// What the user names on a command line, sorted into kinds in one place:
// check, the send-email hook, the gate and the queue all ask classify(), so
// a file ending means the same thing to every command.

#include "libreview/core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace review::source {

enum class Kind {
    Revision,    // not a path: a commit, a range or a ref, resolved in a repository
    PatchFile,   // one `git format-patch` file (.patch, .diff, or any other file)
    Mailbox,     // mbox, mbox.gz, .eml, .mail: mails, possibly several series
    PatchFolder, // a directory of format-patch files (or mailboxes)
    Maildir,     // a directory with cur/ and new/
    PublicInbox, // a public-inbox v2 archive (git/N.git) or one epoch repository
    Url,         // http:// or https://, read over HTTP (lore)
};

std::string_view kind_name(Kind);

// The one table of file endings and what they hold.
struct Ending {
    std::string_view suffix;
    Kind kind;
};
std::vector<Ending> const& endings();

// Sort one command-line argument. Looks at the file system only (a path
// that does not exist is a revision; the caller resolves it in a repository).
Kind classify(std::string const& arg);

// True for kinds read as mail (a PatchFile is mail too, but check reads it
// as one patch rather than as a series).
bool is_mail(Kind);

// The mail files of a PatchFolder (files with a mail ending, or MH-style
// numbers, sorted) or a Maildir (cur/ then new/, sorted). Hidden files are
// skipped.
std::vector<std::string> mail_files(std::string const& dir, Kind);

} // namespace review::source
