// Rebuild: group every mail into postings and series, keep series ids
// stable through the leads of their postings, and check new postings.

#include "libreview/queue/store.h"
#include "libreview/queue/store_internal.h"

#include "libreview/core/text.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch_file.h"
#include "libreview/queue/ingest.h"
#include "libreview/rules/engine.h"
#include "libreview/rules/profile.h"
#include "libreview/rules/topics.h"
#include "libreview/rules/series_runner.h"
#include "libreview/series/series.h"
#include "libreview/source/mail.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace review::queue {

using namespace detail;

namespace {

struct Loaded {
    std::vector<std::int64_t> ids;
    std::vector<MailMeta> metas;
};

Result<Loaded> load_metas(Database& db)
{
    Loaded l;
    auto st = TRY(db.prepare("SELECT id, message_id, in_reply_to, refs, title, from_email, date, kind, project, rfc, "
                             "resend, version_key, version_label, idx, total, patch_id, change_id, from_name "
                             "FROM messages WHERE deleted = 0 ORDER BY id"));
    while (TRY(st.step())) {
        MailMeta m;
        l.ids.push_back(st.integer(0));
        m.message_id = st.text(1);
        m.in_reply_to = st.text(2);
        std::string refs = st.text(3);
        if (!refs.empty())
            m.references = split_on(refs, ' ');
        m.title = st.text(4);
        m.from_email = st.text(5);
        m.date = st.integer(6);
        m.kind = kind_from_name(st.text(7));
        m.project = st.text(8);
        m.rfc = st.integer(9) != 0;
        m.resend = st.integer(10) != 0;
        m.version.key = static_cast<int>(st.integer(11));
        m.version.label = st.text(12);
        m.index = static_cast<int>(st.integer(13));
        m.total = static_cast<int>(st.integer(14));
        m.patch_id = st.text(15);
        m.change_id = st.text(16);
        m.from_name = st.text(17);
        l.metas.push_back(std::move(m));
    }
    return l;
}

// Findings of one posting, by the profile its paths belong to.
struct Checker {
    std::string forced;
    std::map<std::string, std::optional<Engine>> engines;

    Engine const* engine(std::string const& name)
    {
        auto it = engines.find(name);
        if (it != engines.end())
            return it->second ? &*it->second : nullptr;
        auto const& registry = builtin_registry();
        auto opts = registry.load_options();
        Result<Profile> profile = builtin_profile_text(name) ? load_builtin_profile(name, opts)
                                                             : load_profile_file(name, opts);
        std::optional<Engine> e;
        if (profile) {
            auto created = Engine::create(std::move(*profile), registry);
            if (created)
                e.emplace(std::move(*created));
        }
        auto& slot = engines[name];
        slot = std::move(e);
        return slot ? &*slot : nullptr;
    }

    std::string choose(std::string const& project, std::vector<std::string> const& paths)
    {
        if (!forced.empty())
            return forced;
        if (text::icontains(project, "kvm-unit-tests"))
            return "kvm-unit-tests";
        Engine const* kvm = engine("kvm-x86");
        if (!kvm)
            return {};
        for (auto const& p : paths)
            if (kvm->topics().is_subsystem_path(p) || kvm->topics().is_guest_path(p))
                return "kvm-x86";
        return {};
    }
};

} // namespace

Result<void> Queue::rebuild(SyncOptions const& opts, SyncReport& report)
{
    auto tx = TRY(m_db.begin());
    auto loaded = TRY(load_metas(m_db));
    std::vector<std::pair<std::string, std::string>> manual;
    {
        auto st = TRY(m_db.prepare("SELECT a, b FROM links"));
        while (TRY(st.step()))
            manual.emplace_back(st.text(0), st.text(1));
    }
    Grouping g = group_mails(loaded.metas, manual);
    auto const& metas = loaded.metas;

    // Series ids: reuse the id an earlier rebuild gave any lead of the series.
    std::unordered_map<std::string, std::int64_t> known;
    {
        auto st = TRY(m_db.prepare("SELECT lead, series_id FROM posting_series"));
        while (TRY(st.step()))
            known.emplace(st.text(0), st.integer(1));
    }
    std::map<std::int64_t, std::pair<std::string, std::string>> states; // id -> state, state_version
    std::map<std::int64_t, std::int64_t> merged;
    {
        auto st = TRY(m_db.prepare("SELECT id, state, state_version, merged_into FROM series"));
        while (TRY(st.step())) {
            states[st.integer(0)] = {st.text(1), st.text(2)};
            if (!st.is_null(3))
                merged[st.integer(0)] = st.integer(3);
        }
    }
    TRY_VOID(m_db.exec("DELETE FROM postings; DELETE FROM replies;"));
    auto new_series = TRY(m_db.prepare("INSERT INTO series(state, state_version, created) VALUES('new', '', ?1)"));
    auto merge_series =
        TRY(m_db.prepare("UPDATE series SET merged_into = ?2, state = 'superseded' WHERE id = ?1"));
    auto unmerge = TRY(m_db.prepare("UPDATE series SET merged_into = NULL WHERE id = ?1"));
    auto reset_state = TRY(m_db.prepare("UPDATE series SET state = 'new' WHERE id = ?1"));
    auto put_lead = TRY(m_db.prepare("INSERT OR REPLACE INTO posting_series(lead, series_id) VALUES(?1, ?2)"));
    auto put_posting = TRY(m_db.prepare(
        "INSERT INTO postings(series_id, ordinal, lead, members, duplicates, date, link_reason, has_cover, "
        "members_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    auto cached = TRY(m_db.prepare("SELECT 1 FROM findings_cache WHERE members_hash = ?1"));
    auto put_findings = TRY(m_db.prepare("INSERT OR REPLACE INTO findings_cache(members_hash, profile, errors, "
                                         "warnings, findings) VALUES(?1, ?2, ?3, ?4, ?5)"));
    auto raw_of = TRY(m_db.prepare("SELECT raw, source, paths FROM messages WHERE id = ?1"));
    Checker checker{opts.profile, {}};

    for (auto const& s : g.series) {
        std::set<std::int64_t> ids;
        for (auto pi : s.postings)
            if (auto it = known.find(metas[g.postings[pi].lead].message_id); it != known.end()) {
                std::int64_t id = it->second;
                for (int hop = 0; hop < 16 && merged.count(id); ++hop)
                    id = merged[id];
                ids.insert(id);
            }
        std::int64_t id;
        if (ids.empty()) {
            TRY_VOID(new_series.bind(1, g.postings[s.postings.front()].date).run());
            id = m_db.last_insert_id();
            states[id] = {"new", ""};
        } else {
            id = *ids.begin();
            for (auto other : ids)
                if (other != id)
                    TRY_VOID(merge_series.bind(1, other).bind(2, id).run());
            if (merged.count(id))
                TRY_VOID(unmerge.bind(1, id).run());
        }
        // A newer version resets "changes requested" and "waiting".
        auto const& last_lead = metas[g.postings[s.postings.back()].lead];
        auto const& st = states[id];
        if ((st.first == "changes-requested" || st.first == "waiting") && !st.second.empty() &&
            st.second != last_lead.version.label + (last_lead.rfc ? "rfc" : ""))
            TRY_VOID(reset_state.bind(1, id).run());
        int ordinal = 0;
        std::vector<std::string> history_ids;
        // One posting as the series model sees it, for the rules.
        auto build_series = [&](std::size_t pi) -> Result<Series> {
            auto const& p = g.postings[pi];
            auto const& lead = metas[p.lead];
            Series out;
            out.version = std::max(1, lead.version.key / 100);
            out.rfc = lead.rfc;
            out.project = lead.project;
            out.total = lead.total;
            out.date = p.date;
            for (auto r : p.mails) {
                raw_of.bind(1, loaded.ids[r]);
                bool found = TRY(raw_of.step());
                std::string raw = found ? raw_of.text(0) : std::string();
                raw_of.reset();
                // Findings name the mail by its Message-ID: "<id>:LINE" within that mail.
                auto patch = review::source::mail_to_patch(raw, "<" + metas[r].message_id + ">", 1);
                if (!patch)
                    continue;
                Posting posting = make_posting(std::move(*patch));
                if (metas[r].kind == Kind::Cover)
                    out.cover = std::move(posting);
                else
                    out.patches.push_back(std::move(posting));
            }
            out.title = out.cover ? out.cover->tags.title : out.patches.empty() ? lead.title : out.patches.front().tags.title;
            out.key = out.title + " v" + lead.version.label;
            return out;
        };
        for (auto pi : s.postings) {
            auto const& p = g.postings[pi];
            std::vector<std::string> members, dups, member_ids;
            for (auto r : p.mails) {
                members.push_back(std::to_string(loaded.ids[r]));
                member_ids.push_back(metas[r].message_id);
            }
            for (auto r : p.duplicates)
                dups.push_back(std::to_string(loaded.ids[r]));
            // Findings depend on the versions before this one too.
            for (auto const& id : member_ids)
                history_ids.push_back("v" + std::to_string(ordinal) + ":" + id);
            std::string hash = hash_ids(history_ids) + (opts.profile.empty() ? "" : ":" + opts.profile);
            TRY_VOID(put_lead.bind(1, metas[p.lead].message_id).bind(2, id).run());
            TRY_VOID(put_posting.bind(1, id)
                         .bind(2, ordinal++)
                         .bind(3, metas[p.lead].message_id)
                         .bind(4, join_lines(members, ','))
                         .bind(5, join_lines(dups, ','))
                         .bind(6, p.date)
                         .bind(7, p.link_reason)
                         .bind(8, p.has_cover ? 1 : 0)
                         .bind(9, hash)
                         .run());
            cached.bind(1, hash);
            bool have = TRY(cached.step());
            cached.reset();
            if (have)
                continue;
            // Check the posting with the versions before it as history.
            std::vector<std::string> paths;
            for (auto r : p.mails) {
                raw_of.bind(1, loaded.ids[r]);
                if (TRY(raw_of.step()))
                    for (auto const& path : split_on(raw_of.text(2), '\n'))
                        paths.push_back(path);
                raw_of.reset();
            }
            std::string profile = checker.choose(metas[p.lead].project, paths);
            Engine const* engine = profile.empty() ? nullptr : checker.engine(profile);
            int errors = 0, warnings = 0;
            nlohmann::json list = nlohmann::json::array();
            std::string checked = profile.empty() ? "not checked: no profile for its paths" : profile;
            if (engine) {
                Mailbox box;
                SeriesHistory history;
                for (std::size_t k = 0; k <= static_cast<std::size_t>(ordinal - 1); ++k)
                    history.versions.push_back(TRY(build_series(s.postings[k])));
                box.series.push_back(std::move(history));
                SkipLog skips;
                auto result = check_mailbox(*engine, box, nullptr, skips, Versions::Latest);
                // A list archive holds what was sent to that list: a partial
                // posting is normal there, and shown as received/total.
                std::size_t received = 0;
                for (auto r : p.mails)
                    received += metas[r].kind == Kind::Patch;
                bool partial = metas[p.lead].total > 0 && received < static_cast<std::size_t>(metas[p.lead].total);
                for (auto const& f : result.findings) {
                    if (partial && f.rule == "series.numbering")
                        continue;
                    errors += f.severity == Severity::Error;
                    warnings += f.severity == Severity::Warning;
                    if (list.size() < 500)
                        list.push_back({{"rule", f.rule},
                                        {"severity", std::string(severity_name(f.severity))},
                                        {"message", f.message},
                                        {"where", f.location.describe()}});
                }
                ++report.checked;
            } else if (!profile.empty()) {
                checked = "not checked: profile " + profile + " cannot be loaded";
            }
            TRY_VOID(put_findings.bind(1, hash)
                         .bind(2, checked)
                         .bind(3, errors)
                         .bind(4, warnings)
                         .bind(5, list.dump())
                         .run());
        }
    }
    auto put_reply = TRY(m_db.prepare("INSERT INTO replies(row, target) VALUES(?1, ?2)"));
    for (auto const& [row, target] : g.reply_target)
        TRY_VOID(put_reply.bind(1, loaded.ids[row]).bind(2, loaded.ids[target]).run());
    TRY_VOID(m_db.exec("DELETE FROM meta WHERE key = 'dirty'"));
    report.series = g.series.size();
    return tx.commit();
}

} // namespace review::queue
