#include "libreview/series/series.h"

#include "libreview/core/text.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch_file.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <unordered_map>

namespace review::series {

bool Series::has_mail_headers() const
{
    Posting const* l = lead();
    return l && l->patch.origin == Origin::Mail;
}

Posting const* Series::lead() const
{
    if (cover)
        return &*cover;
    return patches.empty() ? nullptr : &patches.front();
}

std::vector<Posting const*> Series::mails() const
{
    std::vector<Posting const*> out;
    if (cover)
        out.push_back(&*cover);
    for (auto const& p : patches)
        out.push_back(&p);
    return out;
}

std::string join(std::vector<std::string> const& items, std::string_view sep)
{
    std::string out;
    for (auto const& i : items) {
        if (!out.empty())
            out += sep;
        out += i;
    }
    return out;
}

Posting make_posting(Patch patch)
{
    Posting p;
    p.tags = series::parse_subject(patch.subject);
    auto ids = mail::message_ids(review::header(patch, "Message-ID"));
    if (!ids.empty())
        p.message_id = ids.front();
    auto irt = mail::message_ids(review::header(patch, "In-Reply-To"));
    if (!irt.empty())
        p.in_reply_to = irt.front();
    p.references = mail::message_ids(review::header(patch, "References"));
    std::set<std::string> seen;
    for (auto const& h : patch.headers) {
        if (!text::iequals(h.name, "To") && !text::iequals(h.name, "Cc"))
            continue;
        for (auto& a : mail::addresses(h.value))
            if (seen.insert(a).second)
                p.recipients.push_back(a);
    }
    p.date = patch.date;
    p.patch = std::move(patch);
    return p;
}

namespace {

struct UnionFind {
    std::vector<std::size_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    std::size_t find(std::size_t x)
    {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    }
    void unite(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

std::string normalize_title(std::string_view title)
{
    std::string out;
    for (auto w : text::words(title)) {
        if (!out.empty())
            out += ' ';
        out += text::to_lower(w);
    }
    return out;
}

Series build_series(std::vector<Posting> members)
{
    Series s;
    std::stable_sort(members.begin(), members.end(), [](Posting const& a, Posting const& b) {
        return a.tags.index < b.tags.index;
    });
    s.date = members.front().date;
    for (auto& m : members) {
        s.date = std::min(s.date, m.date);
        s.total = std::max(s.total, m.tags.total);
        s.version = m.tags.version;
        s.rfc = s.rfc || m.tags.rfc;
        s.project = m.tags.project;
        bool is_cover = m.tags.numbered && m.tags.index == 0;
        if (is_cover) {
            if (s.cover)
                s.duplicates.push_back(std::move(m));
            else
                s.cover = std::move(m);
            continue;
        }
        if (!s.patches.empty() && s.patches.back().tags.index == m.tags.index && m.tags.numbered)
            s.duplicates.push_back(std::move(m));
        else
            s.patches.push_back(std::move(m));
    }
    Posting const* lead = s.lead();
    s.title = lead ? lead->tags.title : std::string();
    s.key = s.title + " v" + std::to_string(s.version);
    return s;
}

// Identity of a series across versions.
bool same_series(SeriesHistory const& history, Series const& s)
{
    Series const& last = history.versions.back();
    if (text::to_lower(last.project) != text::to_lower(s.project))
        return false;
    if (s.version < last.version || (s.version == last.version && !(s.lead() && s.lead()->tags.resend)))
        return false;
    if (normalize_title(last.title) == normalize_title(s.title))
        return true;
    // Posted in reply to an earlier version.
    std::set<std::string> earlier;
    for (auto const& v : history.versions)
        for (auto const* m : v.mails())
            if (!m->message_id.empty())
                earlier.insert(m->message_id);
    if (Posting const* lead = s.lead()) {
        if (earlier.count(lead->in_reply_to))
            return true;
        for (auto const& r : lead->references)
            if (earlier.count(r))
                return true;
    }
    // Most patch titles carried over.
    std::set<std::string> titles;
    for (auto const& p : last.patches)
        titles.insert(normalize_title(p.tags.title));
    std::size_t common = 0;
    for (auto const& p : s.patches)
        common += titles.count(normalize_title(p.tags.title));
    std::size_t larger = std::max(titles.size(), s.patches.size());
    return larger >= 2 && common * 2 >= larger;
}

} // namespace

Mailbox assemble(std::vector<Patch> mails)
{
    Mailbox box;
    std::vector<Posting> patches;
    bool any_message_id = false;
    for (auto& m : mails) {
        Posting p = make_posting(std::move(m));
        any_message_id = any_message_id || !p.message_id.empty();
        bool patch_like = p.tags.is_patch || (p.patch.diff_known && !p.patch.diff.empty());
        if (p.tags.is_reply || !patch_like)
            box.replies.push_back(std::move(p));
        else
            patches.push_back(std::move(p));
    }
    std::unordered_map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < patches.size(); ++i) {
        auto const& p = patches[i];
        if (p.message_id.empty()) {
            if (any_message_id)
                box.problems.push_back(p.patch.display_name() + ": mail has no Message-ID: '" + p.patch.subject +
                                       "'; threading falls back to subject tags");
            continue;
        }
        auto [it, inserted] = by_id.emplace(p.message_id, i);
        if (!inserted)
            box.problems.push_back(p.patch.display_name() + ": duplicate Message-ID <" + p.message_id +
                                   "> (also on '" + patches[it->second].patch.subject + "')");
    }
    // Thread: a numbered patch joins the mail it replies to, within one posting.
    UnionFind uf(patches.size());
    std::vector<bool> threaded(patches.size(), false);
    for (std::size_t i = 0; i < patches.size(); ++i) {
        auto const& p = patches[i];
        if (!p.tags.numbered)
            continue;
        std::vector<std::string> parents = p.references;
        if (!p.in_reply_to.empty())
            parents.push_back(p.in_reply_to);
        for (auto const& id : parents) {
            auto it = by_id.find(id);
            if (it == by_id.end() || it->second == i)
                continue;
            auto const& q = patches[it->second];
            if (!q.tags.numbered || q.tags.posting_key() != p.tags.posting_key() || q.tags.total != p.tags.total)
                continue;
            uf.unite(i, it->second);
            threaded[i] = threaded[it->second] = true;
        }
    }
    // Unthreaded numbered mails (format-patch without --thread) group by
    // tags and sender; they join the one threaded posting that matches.
    auto group_key = [&](Posting const& p) {
        return p.tags.posting_key() + "|" + std::to_string(p.tags.total) + "|" + text::to_lower(p.patch.author.email);
    };
    std::map<std::string, std::set<std::size_t>> threaded_roots;
    for (std::size_t i = 0; i < patches.size(); ++i)
        if (threaded[i])
            threaded_roots[group_key(patches[i])].insert(uf.find(i));
    std::map<std::string, std::size_t> loose;
    for (std::size_t i = 0; i < patches.size(); ++i) {
        if (threaded[i] || !patches[i].tags.numbered)
            continue;
        std::string key = group_key(patches[i]);
        auto roots = threaded_roots.find(key);
        if (roots != threaded_roots.end() && roots->second.size() == 1) {
            uf.unite(i, *roots->second.begin());
            continue;
        }
        auto [it, inserted] = loose.emplace(key, i);
        if (!inserted)
            uf.unite(i, it->second);
    }
    std::map<std::size_t, std::vector<Posting>> components;
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < patches.size(); ++i) {
        std::size_t root = uf.find(i);
        if (!components.count(root))
            order.push_back(root);
        components[root].push_back(std::move(patches[i]));
    }
    std::vector<Series> all;
    for (auto root : order)
        all.push_back(build_series(std::move(components[root])));
    std::stable_sort(all.begin(), all.end(), [](Series const& a, Series const& b) {
        return a.version != b.version ? a.version < b.version : a.date < b.date;
    });
    // Candidate histories come from indexes (title, message ids, patch
    // titles), so a mailbox of many unrelated patches stays linear.
    std::map<std::string, std::vector<std::size_t>> by_title, by_patch_title;
    std::unordered_map<std::string, std::size_t> by_message;
    for (auto& s : all) {
        std::set<std::size_t> candidates;
        auto add_all = [&](auto const& index, std::string const& key) {
            auto it = index.find(key);
            if (it != index.end())
                candidates.insert(it->second.begin(), it->second.end());
        };
        add_all(by_title, normalize_title(s.title));
        for (auto const& p : s.patches)
            if (candidates.size() < 64)
                add_all(by_patch_title, normalize_title(p.tags.title));
        if (Posting const* lead = s.lead()) {
            std::vector<std::string> parents = lead->references;
            parents.push_back(lead->in_reply_to);
            for (auto const& id : parents) {
                auto it = by_message.find(id);
                if (it != by_message.end())
                    candidates.insert(it->second);
            }
        }
        std::optional<std::size_t> home;
        for (std::size_t h : candidates)
            if (same_series(box.series[h], s)) {
                home = h;
                break;
            }
        if (!home) {
            box.series.emplace_back();
            home = box.series.size() - 1;
        }
        std::size_t h = *home;
        auto remember = [h](std::vector<std::size_t>& v) {
            if (v.empty() || v.back() != h)
                v.push_back(h);
        };
        remember(by_title[normalize_title(s.title)]);
        for (auto const& p : s.patches)
            remember(by_patch_title[normalize_title(p.tags.title)]);
        for (auto const* m : s.mails())
            if (!m->message_id.empty())
                by_message.emplace(m->message_id, h);
        box.series[h].versions.push_back(std::move(s));
    }
    std::stable_sort(box.series.begin(), box.series.end(), [](SeriesHistory const& a, SeriesHistory const& b) {
        return a.versions.front().date < b.versions.front().date;
    });
    return box;
}

} // namespace review::series
