#pragma once
// One change under review: a commit read from git, a format-patch file, or a
// mail. Sources fill what they know; rules ask for what they need and are
// skipped when it is absent.

#include "libreview/core/header.h"
#include "libreview/patch/diff.h"
#include "libreview/patch/message.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace review::patch {

enum class Origin { Git, PatchFile, Mail };

struct Person {
    std::string name;
    std::string email;

    bool empty() const { return name.empty() && email.empty(); }
    std::string describe() const;
};

// "Name <email>", "<email>", "email (Name)" or a bare address.
Person parse_person(std::string_view);

struct Patch {
    Origin origin = Origin::Git;
    std::string commit;  // full id, for git commits (and "From <sha>" lines)
    std::string file;    // the file it was read from, if any
    Person author;
    Person committer;    // git committer, or the mail sender
    // False for `git format-patch` output: its From: is the author, and who
    // will send it is known only to the sender (the hook, `check --sender`).
    bool sender_known = true;
    std::int64_t date = 0; // seconds since the epoch, author date
    std::string subject; // the raw subject line, tags included
    std::string subject_tags; // "PATCH v2 3/13" for mail, empty for git
    Message message;
    Diff diff;
    bool diff_known = false; // false when the source carried no diff
    bool hunks_known = true; // false when only the touched paths were read
    bool is_merge = false;
    bool is_root = false;
    std::string base_commit; // from "base-commit:" (format-patch --base)
    std::vector<MailHeader> headers; // mail headers, for mail-borne patches

    // Location of the patch for findings, pointing at `line` (0: no line).
    std::string display_name() const;
};

} // namespace review::patch

namespace review {
using namespace patch; // the patch model is used by every layer above it
}
