// Sync: mails from public-inbox archives, mailboxes and lore into the
// messages table, in batches of one transaction each.

#include "libreview/queue/store.h"
#include "libreview/queue/store_internal.h"

#include "libreview/git/inbox.h"
#include "libreview/patch/patch_file.h"
#include "libreview/queue/ingest.h"
#include "libreview/source/input.h"
#include "libreview/source/mail.h"

#include <algorithm>
#include <filesystem>

namespace review::queue {

namespace fs = std::filesystem;
using namespace detail;

namespace {

struct Inserter {
    Database& db;
    Statement insert;
    Statement mark_deleted;
    SyncReport& report;

    Result<void> add(std::string_view raw, std::string const& source, int line, std::int64_t received)
    {
        ++report.read;
        std::vector<std::string> problems;
        auto meta = read_meta(raw, source, line, &problems);
        if (!meta) {
            ++report.skipped;
            if (report.problems.size() < 1000)
                report.problems.push_back(meta.error().describe() + " (mail skipped)");
            return {};
        }
        auto const& m = *meta;
        std::vector<std::string> refs = m.references;
        insert.bind(1, m.message_id)
            .bind(2, m.in_reply_to)
            .bind(3, join_lines(refs, ' '))
            .bind(4, m.subject)
            .bind(5, m.title)
            .bind(6, m.from_name)
            .bind(7, m.from_email)
            .bind(8, m.date)
            .bind(9, received ? received : m.date)
            .bind(10, kind_name(m.kind))
            .bind(11, m.project)
            .bind(12, m.rfc ? 1 : 0)
            .bind(13, m.resend ? 1 : 0)
            .bind(14, m.version.key)
            .bind(15, m.version.label)
            .bind(16, m.index)
            .bind(17, m.total)
            .bind(18, m.patch_id)
            .bind(19, m.change_id)
            .bind(20, join_lines(m.paths, '\n'))
            .bind(21, encode_trailers(m.trailers))
            .bind(22, m.fix ? 1 : 0)
            .bind(23, m.bot ? 1 : 0)
            .bind(24, source)
            .bind(25, raw);
        TRY_VOID(insert.run());
        if (db.changes() == 0)
            ++report.duplicates;
        else
            ++report.added;
        return {};
    }

    Result<void> remove(std::string_view raw, std::string const& source)
    {
        auto meta = read_meta(raw, source, 1);
        if (!meta)
            return {};
        TRY_VOID(mark_deleted.bind(1, meta->message_id).run());
        if (db.changes() > 0)
            ++report.deleted;
        return {};
    }
};

Result<Inserter> make_inserter(Database& db, SyncReport& report)
{
    auto insert = TRY(db.prepare(
        "INSERT OR IGNORE INTO messages(message_id, in_reply_to, refs, subject, title, from_name, from_email, date, "
        "received, kind, project, rfc, resend, version_key, version_label, idx, total, patch_id, change_id, paths, "
        "trailers, fix, bot, source, raw) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)"));
    auto del = TRY(db.prepare("UPDATE messages SET deleted = 1 WHERE message_id = ?1 AND deleted = 0"));
    return Inserter{db, std::move(insert), std::move(del), report};
}

std::string message_id_of_raw(std::string const& raw)
{
    auto meta = read_meta(raw, "inbox", 1);
    return meta ? meta->message_id : std::string();
}

} // namespace

Result<SyncReport> Queue::sync_path(std::string const& path, SyncOptions const& opts)
{
    SyncReport report;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return make_error("no such file or directory", path);
    // What the path holds is decided where check, hook and gate decide it.
    if (source::classify(path) != source::Kind::PublicInbox) {
        auto raws = TRY(source::read_raw_mails(path));
        auto synced = TRY(sync_raw(raws.mails, opts));
        synced.problems.insert(synced.problems.begin(), raws.problems.begin(), raws.problems.end());
        return synced;
    }

    auto epochs = TRY(git::inbox_epochs(path));
    for (auto const& epoch : epochs) {
        auto box = TRY(git::Inbox::open(epoch));
        std::string source = "inbox:" + fs::weakly_canonical(epoch, ec).string();
        git::InboxCursor cursor;
        if (!opts.rescan) {
            auto st = TRY(m_db.prepare("SELECT commit_id, received, subject, message_id FROM cursors WHERE source = ?1"));
            st.bind(1, source);
            if (TRY(st.step()))
                cursor = {st.text(0), st.integer(1), st.text(2), st.text(3)};
        }
        auto walk = TRY(box.pending(cursor, message_id_of_raw));
        report.recovered = report.recovered || walk.recovered;
        std::size_t n = walk.commits.size();
        if (opts.limit && n > opts.limit)
            n = opts.limit;
        std::size_t batch = std::max<std::size_t>(1, opts.batch);
        for (std::size_t begin = 0; begin < n; begin += batch) {
            std::size_t end = std::min(n, begin + batch);
            // Read the batch before taking the write lock: a corrupt object
            // fails here and leaves the queue as it was.
            std::vector<git::InboxEntry> entries;
            for (std::size_t i = begin; i < end; ++i)
                entries.push_back(TRY(box.read(walk.commits[i])));
            auto tx = TRY(m_db.begin());
            auto ins = TRY(make_inserter(m_db, report));
            std::size_t changed = report.added + report.deleted;
            for (auto const& e : entries) {
                if (e.too_large) {
                    ++report.skipped;
                    report.problems.push_back(epoch + ": commit " + e.commit.substr(0, 12) + ": message larger than " +
                                              std::to_string(git::max_inbox_message >> 20) + " MiB skipped");
                    continue;
                }
                if (e.raw.empty())
                    continue;
                if (e.deleted)
                    TRY_VOID(ins.remove(e.raw, epoch));
                else
                    TRY_VOID(ins.add(e.raw, epoch + "@" + e.commit.substr(0, 12), 1, e.received));
            }
            auto const& last = entries.back();
            auto cur = TRY(m_db.prepare("INSERT OR REPLACE INTO cursors(source, commit_id, received, subject, "
                                        "message_id) VALUES(?1, ?2, ?3, ?4, ?5)"));
            TRY_VOID(cur.bind(1, source)
                         .bind(2, last.commit)
                         .bind(3, last.received)
                         .bind(4, last.subject)
                         .bind(5, message_id_of_raw(last.raw))
                         .run());
            if (report.added + report.deleted != changed)
                TRY_VOID(set_dirty(m_db));
            TRY_VOID(tx.commit());
        }
    }
    if (report.added || report.deleted || TRY(dirty(m_db)))
        TRY_VOID(rebuild(opts, report));
    else
        report.series = TRY(series_count(m_db));
    return report;
}

Result<SyncReport> Queue::sync_raw(std::vector<mail::RawMail> const& raws, SyncOptions const& opts,
                                   std::optional<std::pair<std::string, std::string>> cursor)
{
    SyncReport report;
    std::size_t batch = std::max<std::size_t>(1, opts.batch);
    std::size_t n = opts.limit ? std::min(opts.limit, raws.size()) : raws.size();
    for (std::size_t begin = 0; begin < n || (begin == 0 && cursor); begin += batch) {
        std::size_t end = std::min(n, begin + batch);
        auto tx = TRY(m_db.begin());
        auto ins = TRY(make_inserter(m_db, report));
        std::size_t changed = report.added + report.deleted;
        for (std::size_t i = begin; i < end; ++i)
            TRY_VOID(ins.add(raws[i].text, raws[i].source, raws[i].line, 0));
        if (end >= n && cursor) {
            auto cur = TRY(m_db.prepare("INSERT OR REPLACE INTO cursors(source, commit_id, received, subject, "
                                        "message_id) VALUES(?1, ?2, 0, '', '')"));
            TRY_VOID(cur.bind(1, cursor->first).bind(2, cursor->second).run());
        }
        if (report.added + report.deleted != changed)
            TRY_VOID(set_dirty(m_db));
        TRY_VOID(tx.commit());
        if (end >= n)
            break;
    }
    if (report.added || report.deleted || TRY(dirty(m_db)))
        TRY_VOID(rebuild(opts, report));
    else
        report.series = TRY(series_count(m_db));
    return report;
}

} // namespace review::queue
