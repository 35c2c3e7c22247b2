#pragma once
// A public-inbox v2 epoch read through libgit2: every commit on `master`,
// oldest first, holds one file, `m` (a message was added; the blob is the raw
// RFC 822 text) or `d` (a message was deleted; the blob is the deleted text).
// Author date = the message's date, committer date = when it was received,
// commit message = its subject.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct git_repository;

namespace review::git {

inline constexpr std::size_t max_inbox_message = 32u << 20; // one blob

struct InboxEntry {
    std::string commit;       // full hex id
    std::int64_t received = 0; // committer time
    std::string subject;      // commit summary
    bool deleted = false;     // a `d` commit
    bool too_large = false;   // blob above max_inbox_message: not read
    std::string raw;          // blob text (empty when the commit has neither m nor d)
};

// Where a previous walk stopped: the last commit read, with what identifies
// it again after history was rewritten (purges change every later id).
struct InboxCursor {
    std::string commit;
    std::int64_t received = 0;
    std::string subject;
    std::string message_id;
    bool empty() const { return commit.empty(); }
};

struct InboxWalk {
    std::vector<std::string> commits; // ids to read, oldest first
    bool recovered = false;           // the cursor commit had gone; matched by date/subject/Message-ID
};

// The epoch directories of an archive: `PATH/git/N.git` in numeric order, or
// PATH itself when it is one repository (bare or not).
Result<std::vector<std::string>> inbox_epochs(std::string const& path);

class Inbox {
public:
    static Result<Inbox> open(std::string const& epoch);
    Inbox(Inbox&&) noexcept;
    Inbox& operator=(Inbox&&) noexcept;
    ~Inbox();

    // Commits of `master` after `cursor` (all when empty), oldest first. A
    // cursor whose commit is gone is looked up by received time, subject and
    // Message-ID (read through `message_id_of`); no match is an error, never
    // a silent restart.
    Result<InboxWalk> pending(InboxCursor const& cursor,
                              std::function<std::string(std::string const& raw)> const& message_id_of) const;

    Result<InboxEntry> read(std::string const& commit) const;
    std::string const& path() const { return m_path; }

private:
    Inbox(git_repository*, std::string);
    RepositoryPtr m_repo;
    std::string m_path;
};

} // namespace review::git
