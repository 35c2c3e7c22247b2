#pragma once
// The maintainer's queue, stored in one SQLite file: every mail read from
// public-inbox archives, lore or mailboxes (kept once per Message-ID), the
// postings and series derived from them, states, manual links, applied
// commits and the findings of the checker. Writers (sync, set, link,
// applied) take the write lock for one transaction at a time; readers
// (list, show) see the last committed state.

#include "libreview/core/result.h"
#include "libreview/mail/mailbox.h"
#include "libreview/queue/db.h"
#include "libreview/queue/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace review::queue {

inline constexpr int schema_version = 2;

struct SyncOptions {
    bool rescan = false;        // read a public-inbox epoch from its first commit (duplicates are skipped)
    std::string profile;        // check every series with this profile instead of choosing by paths
    std::size_t batch = 500;    // mails per transaction
    std::size_t limit = 0;      // stop after this many new commits or mails (0: no limit)
};

struct SyncReport {
    std::size_t read = 0;       // mails read from the source
    std::size_t added = 0;      // new in the queue
    std::size_t duplicates = 0; // Message-ID already stored
    std::size_t deleted = 0;    // `d` commits honoured
    std::size_t skipped = 0;    // mails that could not be decoded
    bool recovered = false;     // a rewritten history was matched by date, subject and Message-ID
    std::size_t series = 0;     // series in the queue after the sync
    std::size_t checked = 0;    // postings checked by the rules this time
    std::vector<std::string> problems;
};

// One mail of a version, for am, range-diff and ty.
struct VersionMail {
    PatchView patch;
    std::string raw;
};

struct VersionMails {
    SeriesView series;
    std::size_t version = 0; // index into series.versions
    std::optional<VersionMail> cover;
    std::vector<VersionMail> patches;
};

struct AppliedMark {
    std::string message_id;
    std::string commit;
    std::string how; // patch-id, subject, link
};

class Queue {
public:
    // Open or create the database and migrate its schema.
    static Result<Queue> open(std::string const& path);
    // $XDG_DATA_HOME/kvmx/queue.sqlite (~/.local/share when unset).
    static std::string default_path();

    // A public-inbox v2 archive or epoch (via libgit2), or an mbox, mbox.gz,
    // Maildir, .eml file or directory of mails.
    Result<SyncReport> sync_path(std::string const& path, SyncOptions const&);
    // Mails fetched elsewhere (lore); `cursor` is saved in the same transaction.
    Result<SyncReport> sync_raw(std::vector<mail::RawMail> const&, SyncOptions const&,
                                std::optional<std::pair<std::string, std::string>> cursor = std::nullopt);
    // Recompute postings, series, replies and findings after new mail.
    Result<void> rebuild(SyncOptions const&, SyncReport&);

    Result<std::vector<SeriesView>> list(ListFilter const&);
    Result<SeriesView> show(std::int64_t id);
    // A queue id (digits) or the Message-ID of any mail of the series.
    Result<std::int64_t> resolve(std::string const& ref);
    // The posting a Message-ID belongs to (its series id and version index).
    Result<std::pair<std::int64_t, std::size_t>> resolve_version(std::string const& ref);
    Result<void> set_state(std::int64_t id, State);
    Result<void> link(std::string const& a, std::string const& b);
    // `version`: index into versions; nullopt for the latest.
    Result<VersionMails> version_mails(std::int64_t id, std::optional<std::size_t> version);
    Result<void> mark_applied(std::vector<AppliedMark> const&, std::string const& branch);
    // Record a gate report for one version (replacing an earlier one for it).
    Result<void> set_gate_result(std::int64_t id, GateResultView const&);

    Result<std::optional<std::string>> cursor(std::string const& source);

    Database& database() { return m_db; }
    struct Snapshot; // what list and show read, in memory

private:
    explicit Queue(Database db) : m_db(std::move(db)) {}
    Result<void> migrate();
    Result<Snapshot> load(std::optional<std::int64_t> only);
    Database m_db;
};

} // namespace review::queue
