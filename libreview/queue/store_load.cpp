// Reading: the rows list and show need, loaded into a Snapshot in one pass
// per table (one series' rows only for show).

#include "libreview/queue/store.h"
#include "libreview/queue/store_internal.h"

#include "libreview/queue/ingest.h"

#include <cstdlib>
#include <set>

namespace review::queue {

using namespace detail;

Result<Queue::Snapshot> Queue::load(std::optional<std::int64_t> only)
{
    Snapshot snap;
    {
        auto st = TRY(m_db.prepare("SELECT id, state, state_version FROM series WHERE merged_into IS NULL" +
                                   std::string(only ? " AND id = ?1" : "")));
        if (only)
            st.bind(1, *only);
        while (TRY(st.step()))
            snap.series[st.integer(0)] = {st.integer(0), st.text(1), st.text(2), {}};
    }
    {
        auto st = TRY(m_db.prepare("SELECT id, series_id, date, members, has_cover, link_reason, members_hash FROM "
                                   "postings" + std::string(only ? " WHERE series_id = ?1" : "") +
                                   " ORDER BY series_id, ordinal"));
        if (only)
            st.bind(1, *only);
        while (TRY(st.step())) {
            Snapshot::Posting p;
            p.id = st.integer(0);
            p.series = st.integer(1);
            p.date = st.integer(2);
            for (auto const& m : split_on(st.text(3), ','))
                p.members.push_back(std::strtoll(m.c_str(), nullptr, 10));
            p.has_cover = st.integer(4) != 0;
            p.link_reason = st.text(5);
            p.hash = st.text(6);
            auto it = snap.series.find(p.series);
            if (it != snap.series.end())
                it->second.postings.push_back(std::move(p));
        }
    }
    std::set<std::int64_t> wanted;
    for (auto const& [id, s] : snap.series)
        for (auto const& p : s.postings)
            wanted.insert(p.members.begin(), p.members.end());
    {
        auto st = TRY(m_db.prepare("SELECT id, message_id, subject, title, from_name, from_email, version_label, "
                                   "patch_id, kind, date, idx, total, rfc, resend, fix, project FROM messages WHERE "
                                   "kind IN ('patch', 'cover') AND deleted = 0"));
        while (TRY(st.step())) {
            std::int64_t id = st.integer(0);
            if (only && !wanted.count(id))
                continue;
            Snapshot::Mail m;
            m.id = id;
            m.message_id = st.text(1);
            m.subject = st.text(2);
            m.title = st.text(3);
            m.from_name = st.text(4);
            m.from_email = st.text(5);
            m.version_label = st.text(6);
            m.patch_id = st.text(7);
            m.kind = st.text(8);
            m.date = st.integer(9);
            m.index = static_cast<int>(st.integer(10));
            m.total = static_cast<int>(st.integer(11));
            m.rfc = st.integer(12) != 0;
            m.resend = st.integer(13) != 0;
            m.fix = st.integer(14) != 0;
            m.project = st.text(15);
            snap.mails.emplace(id, std::move(m));
        }
    }
    {
        // Every reply for show; only those with trailers for list.
        auto st = TRY(m_db.prepare(std::string("SELECT r.row, r.target, m.message_id, m.from_name, m.from_email, "
                                               "m.subject, m.date, m.bot, m.trailers FROM replies r JOIN messages m ON "
                                               "m.id = r.row WHERE m.deleted = 0") +
                                   (only ? "" : " AND m.trailers != ''")));
        while (TRY(st.step())) {
            Snapshot::Reply r;
            r.row = st.integer(0);
            r.target = st.integer(1);
            if (only && !wanted.count(r.target))
                continue;
            r.message_id = st.text(2);
            Person p{st.text(3), st.text(4)};
            r.from = p.describe();
            r.subject = st.text(5);
            r.date = st.integer(6);
            r.bot = st.integer(7) != 0;
            r.sender = p.email;
            r.trailers = decode_trailers(st.text(8));
            snap.replies_to[r.target].push_back(std::move(r));
        }
    }
    {
        auto st = TRY(m_db.prepare("SELECT members_hash, profile, errors, warnings, findings FROM findings_cache"));
        std::set<std::string> hashes;
        for (auto const& [id, s] : snap.series)
            for (auto const& p : s.postings)
                hashes.insert(p.hash);
        while (TRY(st.step())) {
            std::string h = st.text(0);
            if (!hashes.count(h))
                continue;
            snap.findings.emplace(h, std::make_tuple(st.text(1), static_cast<int>(st.integer(2)),
                                                     static_cast<int>(st.integer(3)),
                                                     only ? st.text(4) : std::string()));
        }
    }
    {
        auto st = TRY(m_db.prepare("SELECT message_id, commit_id, how FROM applied"));
        while (TRY(st.step()))
            snap.applied[st.text(0)] = {st.text(1), st.text(2)};
    }
    {
        // The newest report per series; its text for show only.
        auto st = TRY(m_db.prepare(std::string("SELECT series_id, version, status, imported, ") +
                                   (only ? "report, checks" : "'', ''") +
                                   " FROM gate_results" + (only ? " WHERE series_id = ?1" : "") +
                                   " ORDER BY imported, rowid"));
        if (only)
            st.bind(1, *only);
        while (TRY(st.step()))
            snap.gates[st.integer(0)] = {st.text(1), st.text(2), st.integer(3), st.text(4), st.text(5)};
    }
    return snap;
}

} // namespace review::queue
