#include "libreview/queue/identity.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

namespace review::queue {

namespace {

bool is_series_mail(MailMeta const& m) { return m.kind == Kind::Patch || m.kind == Kind::Cover; }

std::string posting_key(MailMeta const& m)
{
    return normalize_title(m.project) + "|" + (m.rfc ? "rfc" : "") + "|" + std::to_string(m.version.key) + "|" +
           std::to_string(m.total);
}

struct Builder {
    std::vector<MailMeta> const& rows;
    std::unordered_map<std::string, std::size_t> by_id; // message id -> row
    std::unordered_map<std::size_t, std::size_t> posting_of; // row -> posting
    std::vector<PostingPlan> postings;
    std::vector<std::set<int>> taken; // indexes per posting
    std::vector<std::string> keys;

    explicit Builder(std::vector<MailMeta> const& r) : rows(r)
    {
        for (std::size_t i = 0; i < rows.size(); ++i)
            by_id.emplace(rows[i].message_id, i);
    }

    // The posting a threaded mail points into, if any (nearest reference first).
    std::optional<std::size_t> referenced_posting(MailMeta const& m) const
    {
        std::vector<std::string> refs;
        if (!m.in_reply_to.empty())
            refs.push_back(m.in_reply_to);
        for (auto it = m.references.rbegin(); it != m.references.rend(); ++it)
            refs.push_back(*it);
        for (auto const& r : refs) {
            auto row = by_id.find(r);
            if (row == by_id.end())
                continue;
            auto p = posting_of.find(row->second);
            if (p != posting_of.end())
                return p->second;
        }
        return std::nullopt;
    }

    void start(std::size_t row)
    {
        PostingPlan p;
        p.lead = row;
        p.mails.push_back(row);
        p.date = rows[row].date;
        p.has_cover = rows[row].kind == Kind::Cover;
        posting_of[row] = postings.size();
        taken.push_back({rows[row].index});
        keys.push_back(posting_key(rows[row]));
        postings.push_back(std::move(p));
    }

    void join(std::size_t posting, std::size_t row)
    {
        auto const& m = rows[row];
        posting_of[row] = posting;
        if (taken[posting].count(m.index)) {
            postings[posting].duplicates.push_back(row);
            return;
        }
        taken[posting].insert(m.index);
        postings[posting].mails.push_back(row);
        postings[posting].date = std::min(postings[posting].date, m.date);
    }

    void build_postings()
    {
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (is_series_mail(rows[i]))
                order.push_back(i);
        // Covers first among equal dates so patches sent in the same second find them.
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            if (rows[a].date != rows[b].date)
                return rows[a].date < rows[b].date;
            return rows[a].index < rows[b].index;
        });
        for (std::size_t row : order) {
            auto const& m = rows[row];
            if (m.kind == Kind::Cover) {
                start(row);
                continue;
            }
            if (auto p = referenced_posting(m)) {
                if (keys[*p] == posting_key(m) && m.total > 0 && !taken[*p].count(m.index)) {
                    join(*p, row);
                    continue;
                }
                if (keys[*p] == posting_key(m) && m.total > 0) {
                    join(*p, row); // a second copy of an index in one thread
                    continue;
                }
                start(row);
                continue;
            }
            // Unthreaded (format-patch without --thread): same tags and sender, close in time.
            bool joined = false;
            if (m.total > 0 && m.in_reply_to.empty()) {
                for (std::size_t k = postings.size(); k-- > 0;) {
                    auto const& p = postings[k];
                    auto const& lead = rows[p.lead];
                    if (m.date - p.date > unthreaded_window)
                        break;
                    if (keys[k] == posting_key(m) && lead.from_email == m.from_email && !taken[k].count(m.index) &&
                        lead.in_reply_to.empty()) {
                        join(k, row);
                        joined = true;
                        break;
                    }
                }
            }
            if (!joined)
                start(row);
        }
        for (auto& p : postings) {
            std::stable_sort(p.mails.begin(), p.mails.end(),
                             [&](std::size_t a, std::size_t b) { return rows[a].index < rows[b].index; });
            p.lead = p.mails.front();
        }
    }
};

struct UnionFind {
    std::vector<std::size_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    std::size_t find(std::size_t x)
    {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    }
    void unite(std::size_t a, std::size_t b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b); // the older keeps its place
    }
};

std::vector<std::string> patch_titles(std::vector<MailMeta> const& rows, PostingPlan const& p)
{
    std::vector<std::string> out;
    for (auto r : p.mails)
        if (rows[r].kind == Kind::Patch)
            out.push_back(normalize_title(rows[r].title));
    return out;
}

} // namespace

Grouping group_mails(std::vector<MailMeta> const& rows, std::vector<std::pair<std::string, std::string>> const& manual)
{
    Builder b(rows);
    b.build_postings();
    auto& postings = b.postings;
    std::vector<std::size_t> order(postings.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return postings[x].date < postings[y].date; });

    // Series under construction, indexed by the first posting; lookups by
    // change-id, patch-id and title point at series indexes.
    struct Building {
        std::vector<std::size_t> postings;
        std::size_t latest = 0; // posting with the highest version
        std::int64_t last_date = 0;
    };
    std::vector<Building> series;
    std::size_t const unassigned = static_cast<std::size_t>(-1);
    std::vector<std::size_t> series_of(postings.size(), unassigned);
    std::unordered_map<std::string, std::size_t> by_change, by_patch_id;
    std::unordered_map<std::string, std::vector<std::size_t>> by_title;

    auto version_above = [&](std::size_t newer, std::size_t older) {
        auto const& n = rows[postings[newer].lead];
        auto const& o = rows[postings[older].lead];
        if (n.version.key > o.version.key)
            return true;
        if (n.version.key == o.version.key && o.rfc && !n.rfc)
            return true;
        if (o.rfc && !n.rfc)
            return true; // [RFC PATCH v2] -> [PATCH v1]: the count restarts
        return n.resend && n.version.key == o.version.key;
    };

    for (std::size_t pi : order) {
        auto& p = postings[pi];
        auto const& lead = rows[p.lead];
        std::optional<std::size_t> target;
        std::string reason;
        // 1. A lead mail replying into an older version (partial reroll, v2 in reply to v1).
        for (auto r : p.mails) {
            if (target)
                break;
            auto const& m = rows[r];
            std::vector<std::string> refs;
            if (!m.in_reply_to.empty())
                refs.push_back(m.in_reply_to);
            refs.insert(refs.end(), m.references.rbegin(), m.references.rend());
            for (auto const& ref : refs) {
                auto row = b.by_id.find(ref);
                if (row == b.by_id.end())
                    continue;
                auto q = b.posting_of.find(row->second);
                // A posting dated after this one (a hostile or skewed Date:) has no series yet.
                if (q == b.posting_of.end() || q->second == pi || series_of[q->second] == unassigned)
                    continue;
                auto const& qlead = rows[postings[q->second].lead];
                if (qlead.version.key < lead.version.key || (qlead.rfc && !lead.rfc) ||
                    (lead.resend && qlead.version.key == lead.version.key)) {
                    target = series_of[q->second];
                    reason = "thread";
                }
                break;
            }
        }
        // 2. b4's change-id.
        std::string change;
        for (auto r : p.mails)
            if (!rows[r].change_id.empty())
                change = rows[r].change_id;
        if (!target && !change.empty()) {
            if (auto it = by_change.find(change); it != by_change.end()) {
                target = it->second;
                reason = "change-id";
            }
        }
        // 3. patch-id overlap.
        if (!target) {
            for (auto r : p.mails) {
                if (rows[r].patch_id.empty())
                    continue;
                if (auto it = by_patch_id.find(rows[r].patch_id); it != by_patch_id.end()) {
                    target = it->second;
                    reason = "patch-id";
                    break;
                }
            }
        }
        // 4. Same subject and author, later version, within the window.
        if (!target) {
            std::vector<std::string> titles;
            titles.push_back(normalize_title(lead.title));
            for (auto const& t : patch_titles(rows, p))
                titles.push_back(t);
            std::set<std::size_t> candidates;
            for (auto const& t : titles)
                if (auto it = by_title.find(t); it != by_title.end())
                    candidates.insert(it->second.begin(), it->second.end());
            for (std::size_t s : candidates) {
                auto const& cand = series[s];
                auto const& latest = postings[cand.latest];
                auto const& clead = rows[latest.lead];
                if (normalize_title(clead.project) != normalize_title(lead.project))
                    continue;
                if (clead.from_email != lead.from_email)
                    continue;
                if (p.date - cand.last_date > subject_window)
                    continue;
                // The same version again within a week is a repost (patchwork's
                // unlabeled revision); an equal version later is another series.
                bool repost = rows[postings[cand.latest].lead].version.key == lead.version.key &&
                              rows[postings[cand.latest].lead].rfc == lead.rfc &&
                              p.date - cand.last_date <= repost_window;
                if (!version_above(pi, cand.latest) && !repost)
                    continue;
                bool same_title = normalize_title(clead.title) == normalize_title(lead.title);
                if (!same_title) {
                    auto mine = patch_titles(rows, p), theirs = patch_titles(rows, latest);
                    std::size_t common = 0;
                    for (auto const& t : mine)
                        common += std::count(theirs.begin(), theirs.end(), t) ? 1 : 0;
                    std::size_t smaller = std::min(mine.size(), theirs.size());
                    if (common == 0 || common * 2 < smaller)
                        continue;
                }
                target = s;
                reason = "subject";
                break;
            }
        }
        std::size_t s;
        if (target) {
            s = *target;
            series[s].postings.push_back(pi);
            auto const& cur = rows[postings[series[s].latest].lead];
            if (lead.version.key >= cur.version.key || version_above(pi, series[s].latest))
                series[s].latest = pi;
            series[s].last_date = std::max(series[s].last_date, p.date);
            p.link_reason = reason;
        } else {
            s = series.size();
            series.push_back({{pi}, pi, p.date});
            p.link_reason = "first";
        }
        series_of[pi] = s;
        if (!change.empty())
            by_change.emplace(change, s);
        for (auto r : p.mails)
            if (!rows[r].patch_id.empty())
                by_patch_id.emplace(rows[r].patch_id, s);
        by_title[normalize_title(lead.title)].push_back(s);
        for (auto const& t : patch_titles(rows, p))
            by_title[t].push_back(s);
    }

    // Manual links join whole series.
    UnionFind uf(series.size());
    for (auto const& [a, bid] : manual) {
        auto ra = b.by_id.find(a), rb = b.by_id.find(bid);
        if (ra == b.by_id.end() || rb == b.by_id.end())
            continue;
        auto pa = b.posting_of.find(ra->second), pb = b.posting_of.find(rb->second);
        if (pa == b.posting_of.end() || pb == b.posting_of.end())
            continue;
        uf.unite(series_of[pa->second], series_of[pb->second]);
        postings[std::max(pa->second, pb->second)].link_reason = "manual";
    }

    Grouping g;
    std::map<std::size_t, std::size_t> root_to_out;
    for (std::size_t s = 0; s < series.size(); ++s) {
        std::size_t root = uf.find(s);
        auto [it, fresh] = root_to_out.emplace(root, g.series.size());
        if (fresh)
            g.series.push_back({});
        auto& out = g.series[it->second].postings;
        out.insert(out.end(), series[s].postings.begin(), series[s].postings.end());
    }
    for (auto& s : g.series)
        std::stable_sort(s.postings.begin(), s.postings.end(), [&](auto x, auto y) {
            auto const& a = rows[postings[x].lead];
            auto const& c = rows[postings[y].lead];
            if (a.rfc != c.rfc)
                return a.rfc; // RFC postings come before the PATCH ones
            if (a.version.key != c.version.key)
                return a.version.key < c.version.key;
            return postings[x].date < postings[y].date;
        });

    // Replies: up the In-Reply-To chain to a patch or cover letter.
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto const& m = rows[i];
        if (is_series_mail(m) || m.in_reply_to.empty())
            continue;
        std::string cur = m.in_reply_to;
        for (int hop = 0; hop < 64 && !cur.empty(); ++hop) {
            auto it = b.by_id.find(cur);
            if (it == b.by_id.end()) {
                // An unknown parent: the nearest known reference instead.
                cur.clear();
                auto const& here = hop == 0 ? m : rows[i];
                for (auto r = here.references.rbegin(); r != here.references.rend(); ++r)
                    if (b.by_id.count(*r) && *r != m.in_reply_to) {
                        cur = *r;
                        break;
                    }
                if (hop > 0)
                    break;
                continue;
            }
            if (is_series_mail(rows[it->second])) {
                g.reply_target[i] = it->second;
                break;
            }
            if (it->second == i)
                break;
            cur = rows[it->second].in_reply_to;
        }
    }
    g.postings = std::move(postings);
    return g;
}

} // namespace review::queue
