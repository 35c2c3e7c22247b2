#include "libreview/queue/range_diff.h"

#include "libreview/core/text.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch.h"
#include "libreview/queue/ingest.h"
#include "libreview/source/mail.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace review::queue {

RangePatch range_patch(std::string_view raw, std::string const& name, int index)
{
    RangePatch p;
    p.index = index;
    auto decoded = mail::decode_mail(raw, name);
    if (!decoded)
        return p;
    for (auto const& h : decoded->headers)
        if (text::iequals(h.name, "Subject"))
            p.title = strip_subject_tags(h.value);
    if (auto patch = review::source::decoded_to_patch(*decoded, name, 1))
        p.patch_id = patch_id(patch->diff);
    p.lines.push_back(p.title);
    p.lines.push_back("");
    bool in_diff = false, in_notes = false;
    for (auto line : text::split_lines(decoded->body)) {
        if (line == "-- " || text::istarts_with(line, "base-commit:"))
            break;
        if (!in_diff && text::istarts_with(line, "diff --git ")) {
            in_diff = true;
            in_notes = false;
        }
        if (!in_diff) {
            if (line == "---") {
                in_notes = true;
                continue;
            }
            if (!in_notes)
                p.lines.emplace_back(line);
            continue;
        }
        if (text::istarts_with(line, "index "))
            continue;
        if (line.substr(0, 2) == "@@") {
            std::size_t close = line.find("@@", 2);
            p.lines.push_back("@@" + (close == std::string_view::npos ? std::string() : std::string(line.substr(close + 2))));
            continue;
        }
        p.lines.emplace_back(line);
    }
    if (p.lines.size() > 200000)
        p.lines.resize(200000);
    return p;
}

namespace {

// Edit script by LCS over line indexes: 0 keep, 1 delete (a), 2 insert (b).
std::vector<std::pair<int, std::size_t>> edit_script(std::vector<std::string> const& a,
                                                     std::vector<std::string> const& b)
{
    std::size_t n = a.size(), m = b.size();
    std::vector<std::pair<int, std::size_t>> ops;
    // Common prefix and suffix first: most versions differ in a few lines.
    std::size_t pre = 0;
    while (pre < n && pre < m && a[pre] == b[pre])
        ++pre;
    std::size_t suf = 0;
    while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf])
        ++suf;
    for (std::size_t i = 0; i < pre; ++i)
        ops.push_back({0, i});
    std::size_t an = n - pre - suf, bm = m - pre - suf;
    if (an > max_range_lines || bm > max_range_lines) {
        for (std::size_t i = 0; i < an; ++i)
            ops.push_back({1, pre + i});
        for (std::size_t j = 0; j < bm; ++j)
            ops.push_back({2, pre + j});
    } else {
        std::vector<std::uint16_t> dp((an + 1) * (bm + 1), 0);
        auto at = [&](std::size_t i, std::size_t j) -> std::uint16_t& { return dp[i * (bm + 1) + j]; };
        for (std::size_t i = an; i-- > 0;)
            for (std::size_t j = bm; j-- > 0;)
                at(i, j) = a[pre + i] == b[pre + j] ? static_cast<std::uint16_t>(at(i + 1, j + 1) + 1)
                                                    : std::max(at(i + 1, j), at(i, j + 1));
        std::size_t i = 0, j = 0;
        while (i < an || j < bm) {
            if (i < an && j < bm && a[pre + i] == b[pre + j]) {
                ops.push_back({0, pre + i});
                ++i;
                ++j;
            } else if (i < an && (j == bm || at(i + 1, j) >= at(i, j + 1))) {
                ops.push_back({1, pre + i}); // removed lines before added ones, as diff prints them
                ++i;
            } else {
                ops.push_back({2, pre + j});
                ++j;
            }
        }
    }
    for (std::size_t i = 0; i < suf; ++i)
        ops.push_back({0, n - suf + i});
    return ops;
}

std::size_t diff_size(std::vector<std::string> const& a, std::vector<std::string> const& b)
{
    std::size_t changed = 0;
    for (auto const& op : edit_script(a, b))
        changed += op.first != 0;
    return changed;
}

// Minimum-cost assignment on a square matrix (Hungarian algorithm, O(n^3)).
std::vector<int> assign(std::vector<std::vector<long>> const& cost)
{
    std::size_t n = cost.size();
    long const inf = std::numeric_limits<long>::max() / 4;
    std::vector<long> u(n + 1), v(n + 1);
    std::vector<std::size_t> p(n + 1), way(n + 1);
    for (std::size_t i = 1; i <= n; ++i) {
        p[0] = i;
        std::size_t j0 = 0;
        std::vector<long> minv(n + 1, inf);
        std::vector<bool> used(n + 1, false);
        do {
            used[j0] = true;
            std::size_t i0 = p[j0], j1 = 0;
            long delta = inf;
            for (std::size_t j = 1; j <= n; ++j)
                if (!used[j]) {
                    long cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            for (std::size_t j = 0; j <= n; ++j)
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            std::size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    std::vector<int> row_to_col(n, -1);
    for (std::size_t j = 1; j <= n; ++j)
        if (p[j])
            row_to_col[p[j] - 1] = static_cast<int>(j - 1);
    return row_to_col;
}

} // namespace

std::vector<std::string> line_diff(std::vector<std::string> const& a, std::vector<std::string> const& b,
                                   std::size_t context)
{
    auto ops = edit_script(a, b);
    std::vector<std::string> out;
    std::vector<bool> changed(ops.size());
    bool any = false;
    for (std::size_t k = 0; k < ops.size(); ++k)
        any = any || (changed[k] = ops[k].first != 0);
    if (!any)
        return out;
    std::vector<bool> show(ops.size(), false);
    for (std::size_t k = 0; k < ops.size(); ++k)
        if (changed[k])
            for (std::size_t d = (k >= context ? k - context : 0); d <= std::min(ops.size() - 1, k + context); ++d)
                show[d] = true;
    bool gap = true;
    for (std::size_t k = 0; k < ops.size(); ++k) {
        if (!show[k]) {
            gap = true;
            continue;
        }
        if (gap)
            out.push_back("@@");
        gap = false;
        auto const& [op, idx] = ops[k];
        out.push_back((op == 0 ? " " : op == 1 ? "-" : "+") + (op == 2 ? b[idx] : a[idx]));
    }
    return out;
}

RangeDiff range_diff(std::vector<RangePatch> const& a_in, std::vector<RangePatch> const& b_in, int creation_factor)
{
    std::vector<RangePatch> const& a = a_in;
    std::vector<RangePatch> const& b = b_in;
    std::size_t n = std::min(a.size(), max_range_patches), m = std::min(b.size(), max_range_patches);
    std::size_t size = n + m;
    std::vector<std::vector<long>> cost(size, std::vector<long>(size, 0));
    auto creation = [&](RangePatch const& p) { return static_cast<long>(p.lines.size()) * creation_factor / 100; };
    long const big = std::numeric_limits<long>::max() / 16;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j) {
            // Two patches whose pairing would cost more than creating both are not a pair.
            long c = static_cast<long>(diff_size(a[i].lines, b[j].lines));
            cost[i][j] = c > creation(a[i]) + creation(b[j]) ? big : c;
        }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = m; j < size; ++j)
            cost[i][j] = creation(a[i]);
    for (std::size_t i = n; i < size; ++i)
        for (std::size_t j = 0; j < m; ++j)
            cost[i][j] = creation(b[j]);
    auto match = size ? assign(cost) : std::vector<int>();
    std::vector<int> b_from_a(m, -1);
    for (std::size_t i = 0; i < n; ++i)
        if (match[i] >= 0 && static_cast<std::size_t>(match[i]) < m && cost[i][match[i]] < big)
            b_from_a[match[i]] = static_cast<int>(i);

    RangeDiff out;
    std::vector<bool> a_done(n, false);
    int last_a = -1;
    for (std::size_t j = 0; j < m; ++j) {
        int i = b_from_a[j];
        if (i >= 0) {
            // Dropped patches that stood before this one come first.
            for (int k = 0; k < i; ++k)
                if (!a_done[k] && std::find(b_from_a.begin(), b_from_a.end(), k) == b_from_a.end()) {
                    a_done[k] = true;
                    out.pairs.push_back({PairKind::Dropped, k, -1, false, {}});
                }
            RangePair pair;
            pair.a = i;
            pair.b = static_cast<int>(j);
            pair.diff = line_diff(a[i].lines, b[j].lines);
            pair.kind = pair.diff.empty() ? PairKind::Same : PairKind::Changed;
            pair.moved = i < last_a;
            last_a = std::max(last_a, i);
            a_done[i] = true;
            out.pairs.push_back(std::move(pair));
        } else {
            out.pairs.push_back({PairKind::Added, -1, static_cast<int>(j), false, {}});
        }
    }
    for (std::size_t k = 0; k < n; ++k)
        if (!a_done[k] && std::find(b_from_a.begin(), b_from_a.end(), static_cast<int>(k)) == b_from_a.end())
            out.pairs.push_back({PairKind::Dropped, static_cast<int>(k), -1, false, {}});
    return out;
}

std::string format_range_diff(RangeDiff const& d, std::vector<RangePatch> const& a, std::vector<RangePatch> const& b)
{
    auto id = [](RangePatch const& p) { return p.patch_id.empty() ? std::string("--------") : p.patch_id.substr(0, 8); };
    auto num = [](int k) {
        std::string s = std::to_string(k + 1) + ":";
        while (s.size() < 4)
            s += ' ';
        return s;
    };
    std::string out;
    std::size_t same = 0, changed = 0, added = 0, dropped = 0, moved = 0;
    for (auto const& p : d.pairs) {
        switch (p.kind) {
        case PairKind::Same:
        case PairKind::Changed:
            out += num(p.a) + id(a[p.a]) + (p.kind == PairKind::Same ? " = " : " ! ") + num(p.b) + id(b[p.b]) + " " +
                   b[p.b].title + (p.moved ? " (moved)" : "") + "\n";
            for (auto const& l : p.diff)
                out += "    " + l + "\n";
            (p.kind == PairKind::Same ? same : changed)++;
            moved += p.moved;
            break;
        case PairKind::Added:
            out += "-:  -------- > " + num(p.b) + id(b[p.b]) + " " + b[p.b].title + "\n";
            ++added;
            break;
        case PairKind::Dropped:
            out += num(p.a) + id(a[p.a]) + " < -:  -------- " + a[p.a].title + "\n";
            ++dropped;
            break;
        }
    }
    out += std::to_string(same) + " unchanged, " + std::to_string(changed) + " changed, " + std::to_string(added) +
           " added, " + std::to_string(dropped) + " dropped, " + std::to_string(moved) + " moved\n";
    return out;
}

} // namespace review::queue
