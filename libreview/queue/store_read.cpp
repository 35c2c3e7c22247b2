// Reading: series views built from a Snapshot (trailers carried over by
// patch-id, findings, replies), the queue in handbook order, and series
// named by id or Message-ID.

#include "libreview/queue/store.h"
#include "libreview/queue/store_internal.h"

#include "libreview/core/text.h"
#include "libreview/queue/ingest.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace review::queue {

using namespace detail;

namespace {

using Snap = Queue::Snapshot;

std::string email_of(std::string const& from)
{
    Person p = parse_person(from);
    return text::to_lower(p.email);
}

// Trailers of one mail: direct replies, and replies to the cover letter.
void add_trailers(Snap const& snap, std::int64_t row, bool from_cover, std::string const& carried,
                  std::vector<TrailerView>& out)
{
    auto it = snap.replies_to.find(row);
    if (it == snap.replies_to.end())
        return;
    for (auto const& r : it->second)
        for (auto const& t : r.trailers) {
            bool dup = std::any_of(out.begin(), out.end(), [&](TrailerView const& x) {
                return text::iequals(x.key, t.key) && text::iequals(x.value, t.value);
            });
            if (dup)
                continue;
            TrailerView v;
            v.key = t.key;
            v.value = t.value;
            v.message_id = r.message_id;
            v.sender = r.sender;
            v.address_mismatch = !r.sender.empty() && t.email != r.sender;
            v.from_cover = from_cover;
            v.carried_from = carried;
            out.push_back(std::move(v));
        }
}

std::string s_version_label(Snap const& snap, Snap::Posting const& p)
{
    for (auto row : p.members)
        if (auto it = snap.mails.find(row); it != snap.mails.end())
            return it->second.version_label;
    return "1";
}

PatchView patch_view(Snap::Mail const& m)
{
    PatchView p;
    p.index = m.index;
    p.subject = m.subject;
    p.title = m.title;
    p.message_id = m.message_id;
    p.author = Person{m.from_name, m.from_email}.describe();
    p.date = m.date;
    p.patch_id = m.patch_id;
    return p;
}

SeriesView build_series_view(Snap const& snap, Snap::Series const& s, bool detail)
{
    SeriesView v;
    v.id = s.id;
    v.state = parse_state(s.state).value_or(State::New);
    // Versions, with the trailers of each patch (carried over by patch-id).
    std::vector<std::vector<PatchView>> per_version;
    for (std::size_t k = 0; k < s.postings.size(); ++k) {
        auto const& p = s.postings[k];
        VersionView ver;
        ver.posting = p.id;
        ver.date = p.date;
        ver.link_reason = p.link_reason;
        ver.cover = p.has_cover;
        std::optional<std::int64_t> cover_row;
        std::vector<PatchView> patches;
        for (auto row : p.members) {
            auto it = snap.mails.find(row);
            if (it == snap.mails.end())
                continue;
            auto const& m = it->second;
            if (ver.message_id.empty()) {
                ver.message_id = m.message_id;
                ver.version = m.version_label;
                ver.rfc = m.rfc;
                ver.resend = m.resend;
                ver.title = m.title;
                ver.patches = std::max(1, m.total);
                if (v.author.empty() || k + 1 == s.postings.size())
                    v.author = Person{m.from_name, m.from_email}.describe();
            }
            if (m.kind == "cover") {
                cover_row = row;
                if (detail)
                    ver.cover_letter = patch_view(m);
                continue;
            }
            v.fix = v.fix || (k + 1 == s.postings.size() && m.fix);
            PatchView pv = patch_view(m);
            add_trailers(snap, row, false, "", pv.trailers);
            if (cover_row)
                add_trailers(snap, *cover_row, true, "", pv.trailers);
            // Carried over from older versions when the patch-id matches.
            for (std::size_t j = 0; j < per_version.size() && !m.patch_id.empty(); ++j)
                for (auto const& old : per_version[j])
                    if (old.patch_id == m.patch_id)
                        for (auto const& t : old.trailers) {
                            bool dup = std::any_of(pv.trailers.begin(), pv.trailers.end(), [&](auto const& x) {
                                return text::iequals(x.key, t.key) && text::iequals(x.value, t.value);
                            });
                            if (!dup) {
                                TrailerView c = t;
                                if (c.carried_from.empty())
                                    c.carried_from = "v" + s_version_label(snap, s.postings[j]);
                                pv.trailers.push_back(std::move(c));
                            }
                        }
            if (auto a = snap.applied.find(m.message_id); a != snap.applied.end()) {
                pv.applied_commit = a->second.first;
                pv.applied_how = a->second.second;
            }
            patches.push_back(std::move(pv));
        }
        ver.received = static_cast<int>(patches.size());
        if (ver.patches < ver.received)
            ver.patches = ver.received;
        if (auto f = snap.findings.find(p.hash); f != snap.findings.end()) {
            ver.checked = std::get<0>(f->second);
            ver.errors = std::get<1>(f->second);
            ver.warnings = std::get<2>(f->second);
            if (detail && !std::get<3>(f->second).empty()) {
                auto j = nlohmann::json::parse(std::get<3>(f->second), nullptr, false);
                if (j.is_array())
                    for (auto const& x : j)
                        ver.findings.push_back({x.value("rule", ""), x.value("severity", ""), x.value("message", ""),
                                                x.value("where", "")});
            }
        }
        if (detail) {
            auto add_replies = [&](std::int64_t row, int index) {
                auto it = snap.replies_to.find(row);
                if (it == snap.replies_to.end())
                    return;
                for (auto const& r : it->second) {
                    ReplyView rv{r.message_id, r.from, r.subject, r.date, index, r.bot, {}};
                    for (auto const& t : r.trailers)
                        rv.trailers.push_back({t.key, t.value, r.message_id, r.sender, t.email != r.sender,
                                               index == 0, ""});
                    ver.replies.push_back(std::move(rv));
                }
            };
            if (cover_row)
                add_replies(*cover_row, 0);
            for (auto row : p.members)
                if (!cover_row || row != *cover_row)
                    if (auto it = snap.mails.find(row); it != snap.mails.end())
                        add_replies(row, it->second.index);
            std::sort(ver.replies.begin(), ver.replies.end(),
                      [](auto const& a, auto const& b) { return a.date < b.date; });
            ver.patch_list = patches;
        }
        per_version.push_back(std::move(patches));
        v.versions.push_back(std::move(ver));
    }
    if (v.versions.empty())
        return v;
    for (std::size_t k = 0; k + 1 < v.versions.size(); ++k)
        v.versions[k].superseded = true;
    if (auto g = snap.gates.find(s.id); g != snap.gates.end())
        v.gate = g->second;
    auto const& latest = v.versions.back();
    v.subject = latest.title;
    v.first_posted = v.versions.front().date;
    v.errors = latest.errors;
    v.warnings = latest.warnings;
    std::string latest_tag = latest.version + (latest.rfc ? "rfc" : "");
    v.newer_version = v.versions.size() > 1 && !s.state_version.empty() && s.state_version != latest_tag;
    std::set<std::pair<std::string, std::string>> people;
    for (auto const& p : per_version.back())
        for (auto const& t : p.trailers)
            people.insert({text::to_lower(t.key), email_of(t.value)});
    for (auto const& [key, who] : people) {
        v.trailers.acked += key == "acked-by";
        v.trailers.reviewed += key == "reviewed-by";
        v.trailers.tested += key == "tested-by";
    }
    return v;
}

} // namespace

Result<std::vector<SeriesView>> Queue::list(ListFilter const& filter)
{
    auto snap = TRY(load(std::nullopt));
    std::vector<SeriesView> out;
    for (auto const& [id, s] : snap.series) {
        if (s.postings.empty())
            continue;
        SeriesView v = build_series_view(snap, s, false);
        if (v.versions.empty())
            continue;
        if (filter.state) {
            if (v.state != *filter.state)
                continue;
        } else if (!filter.all && (v.state == State::Superseded || v.state == State::Archived ||
                                   v.state == State::Thanked)) {
            continue;
        }
        out.push_back(std::move(v));
    }
    // Handbook order: fixes first, then series with acks or reviews, each FIFO by v1's posting.
    auto tier = [](SeriesView const& v) { return v.fix ? 0 : (v.trailers.acked + v.trailers.reviewed) ? 1 : 2; };
    std::stable_sort(out.begin(), out.end(), [&](SeriesView const& a, SeriesView const& b) {
        if (tier(a) != tier(b))
            return tier(a) < tier(b);
        if (a.first_posted != b.first_posted)
            return a.first_posted < b.first_posted;
        return a.id < b.id;
    });
    return out;
}

Result<SeriesView> Queue::show(std::int64_t id)
{
    auto snap = TRY(load(id));
    auto it = snap.series.find(id);
    if (it == snap.series.end() || it->second.postings.empty())
        return make_error("no series " + std::to_string(id) + " in the queue", m_db.path());
    return build_series_view(snap, it->second, true);
}

Result<std::int64_t> Queue::resolve(std::string const& ref)
{
    auto [id, version] = TRY(resolve_version(ref));
    (void)version;
    return id;
}

Result<std::pair<std::int64_t, std::size_t>> Queue::resolve_version(std::string const& ref_in)
{
    std::string ref = strip_brackets(ref_in);
    if (ref.empty())
        return make_error("empty series reference", m_db.path());
    if (ref.size() < 19 && std::all_of(ref.begin(), ref.end(), text::is_digit)) {
        std::int64_t id = std::stoll(ref);
        for (int hop = 0; hop < 16; ++hop) {
            auto st = TRY(m_db.prepare("SELECT merged_into FROM series WHERE id = ?1"));
            st.bind(1, id);
            if (!TRY(st.step()))
                return make_error("no series " + ref + " in the queue", m_db.path());
            if (st.is_null(0))
                break;
            id = st.integer(0);
        }
        auto st = TRY(m_db.prepare("SELECT count(*) FROM postings WHERE series_id = ?1"));
        st.bind(1, id);
        (void)TRY(st.step());
        if (st.integer(0) == 0)
            return make_error("no series " + ref + " in the queue", m_db.path());
        return std::make_pair(id, static_cast<std::size_t>(st.integer(0) - 1));
    }
    auto st = TRY(m_db.prepare("SELECT id FROM messages WHERE message_id = ?1"));
    st.bind(1, ref);
    if (!TRY(st.step()))
        return make_error("no mail with Message-ID <" + ref + "> in the queue", m_db.path());
    std::int64_t row = st.integer(0);
    // A reply stands for the mail it answers.
    auto rep = TRY(m_db.prepare("SELECT target FROM replies WHERE row = ?1"));
    rep.bind(1, row);
    if (TRY(rep.step()))
        row = rep.integer(0);
    std::string needle = std::to_string(row);
    auto ps = TRY(m_db.prepare("SELECT series_id, members FROM postings ORDER BY series_id, ordinal"));
    std::int64_t last_series = -1;
    std::size_t ordinal = 0;
    while (TRY(ps.step())) {
        std::int64_t sid = ps.integer(0);
        ordinal = sid == last_series ? ordinal + 1 : 0;
        last_series = sid;
        for (auto const& m : split_on(ps.text(1), ','))
            if (m == needle)
                return std::make_pair(sid, ordinal);
    }
    return make_error("the mail <" + ref + "> belongs to no series (not a patch, cover letter or reply to one)",
                      m_db.path());
}

} // namespace review::queue
