#pragma once
// What the queue keeps of one mail: its identity (Message-ID, threading),
// what kind of mail it is (patch, cover letter, reply, pull request,
// other), the subject tags that place it in a posting, the patch-id of its
// diff, a b4 change-id, and the trailers a reply gives. Decoding goes
// through the mail reader (GMime) and the format-patch parser; this file
// adds only what series identity needs.

#include "libreview/core/result.h"
#include "libreview/patch/diff.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace review::queue {

enum class Kind { Patch, Cover, Reply, Pull, Other };
std::string_view kind_name(Kind);
Kind kind_from_name(std::string_view);

struct FollowupTrailer {
    std::string key;   // "Reviewed-by", as the reply wrote it (canonical case)
    std::string value; // "Name <email>"
    std::string email; // lowercased
};

// A version tag: v3 is {300, "3"}, v5.5 is {505, "5.5"}; no tag is {100, "1"}.
struct VersionTag {
    int key = 100;
    std::string label = "1";
    bool explicit_tag = false;
};

struct MailMeta {
    std::string message_id; // without brackets; synthesized from the content when absent
    bool synthetic_id = false;
    std::string in_reply_to;
    std::vector<std::string> references;
    std::string subject;
    std::string title;      // subject without tags
    std::string from_name;
    std::string from_email; // lowercased
    std::int64_t date = 0;
    Kind kind = Kind::Other;
    std::string project;    // "kvm-unit-tests", "pppd", ...
    bool rfc = false;
    bool resend = false;
    VersionTag version;
    int index = 0;
    int total = 0;
    std::string patch_id;   // of the diff (patches only)
    std::string change_id;  // b4's "change-id:" line
    std::string base_commit;
    std::vector<std::string> paths;
    std::vector<FollowupTrailer> trailers; // replies: Reviewed-by, Acked-by, Tested-by, ...
    bool fix = false;       // carries Fixes: or Cc: stable
    bool bot = false;       // kernel test robot, syzbot, ...
};

inline constexpr std::size_t max_followup_trailers = 64;

// Decode one raw mail. Errors only for text that is not a mail at all.
Result<MailMeta> read_meta(std::string_view raw, std::string const& source, int line,
                           std::vector<std::string>* problems = nullptr);

// A patch-id: a 64-bit FNV-1a hash over the changed paths and the added and
// removed lines with whitespace removed, so a rebase that moves a hunk or
// changes its context keeps the id. Empty for an empty diff.
std::string patch_id(Diff const&);

// Lowercased title with runs of blanks folded, for comparing subjects.
std::string normalize_title(std::string_view);

// "v5.5" and "v3" among the words of a subject tag's project part.
VersionTag parse_version_word(std::string_view word);

// Trailers given in a reply body: unquoted "Reviewed-by: Name <addr>" lines
// (also Acked-by, Tested-by, Reported-by, Suggested-by, Nacked-by) above the
// signature separator.
std::vector<FollowupTrailer> followup_trailers(std::string_view body);

} // namespace review::queue
