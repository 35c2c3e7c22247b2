#pragma once
// The series model: one posting of a series (cover letter and patches
// m/n of one version), the history of its versions, and the replies that
// came with it. assemble() groups a mailbox's mails into series.

#include "libreview/patch/patch.h"
#include "libreview/series/subject.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace review::series {

// One mail of a series with what threading and the rules need from it.
struct Posting {
    Patch patch;
    series::SubjectTags tags;
    std::string message_id;
    std::string in_reply_to;
    std::vector<std::string> references;
    std::vector<std::string> recipients; // To: and Cc:, lowercased addresses
    std::int64_t date = 0;
};

// One version of a series as posted.
struct Series {
    std::string key;   // stable id for reports: "<title> v<N>"
    std::string title; // the cover letter's title, or the single patch's
    int version = 1;
    bool rfc = false;
    std::string project; // "kvm-unit-tests", "6.1.y", ... from the subject tags
    int total = 0;       // n of m/n (0: a single unnumbered patch)
    std::optional<Posting> cover;
    std::vector<Posting> patches;          // sorted by index, duplicates removed
    std::vector<Posting> duplicates;       // second postings of an index already taken
    std::int64_t date = 0;                 // earliest date of the posting

    bool has_mail_headers() const; // read from mail (not git or bare patches)
    // The mail that speaks for the series: the cover letter, or the only patch.
    Posting const* lead() const;
    std::vector<Posting const*> mails() const; // cover first, then patches
};

// All versions of one series, oldest first.
struct SeriesHistory {
    std::vector<Series> versions;
};

struct Mailbox {
    std::vector<SeriesHistory> series; // in order of first posting
    std::vector<Posting> replies;      // "Re:" mails and other non-patch mail
    std::vector<std::string> problems; // mails without Message-ID, duplicate ids, ...
};

Posting make_posting(Patch patch);

// Group mails into series and versions. Threading (Message-ID, In-Reply-To,
// References) decides which mails form one posting; the subject tags and
// sender decide for unthreaded format-patch output; the cover title (or the
// patch titles) and replies to an earlier version link versions.
Mailbox assemble(std::vector<Patch> mails);

// "a@x, b@y": a short list for messages.
std::string join(std::vector<std::string> const&, std::string_view sep = ", ");

} // namespace review::series

namespace review {
using namespace series; // series are used by every layer above them
}
