#include "libreview/web/series_page.h"

#include "libreview/core/text.h"
#include "libreview/queue/am.h"
#include "libreview/queue/applied.h"
#include "libreview/queue/range_diff.h"
#include "libreview/rules/series_runner.h"
#include "libreview/web/checks.h"
#include "libreview/web/html.h"
#include "libreview/web/layout.h"

#include <nlohmann/json.hpp>

#include <map>

namespace review::web {

namespace q = review::queue;

namespace {

using LineFindings = std::multimap<int, q::FindingView const*>;

std::string version_name(q::VersionView const& v)
{
    return (v.rfc ? "RFC v" : "v") + v.version;
}

std::size_t number(std::string const& s)
{
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), text::is_digit))
        return 0;
    return static_cast<std::size_t>(std::stoul(s));
}

// Text for a <pre>: escaped, each line cut at 4000 bytes.
void pre_text(std::string& b, std::string_view text)
{
    for (auto line : text::split_lines(text)) {
        append_escaped(b, line.substr(0, 4000));
        b += "\n";
    }
}

void finding_html(std::string& b, q::FindingView const& f, int line)
{
    b += "<div class=\"finding " + escape(f.severity) + "\" role=\"note\">" + escape(f.severity);
    if (line)
        b += " at line " + std::to_string(line);
    b += ": ";
    append_escaped(b, f.message);
    b += " <code>[" + escape(f.rule) + "]</code></div>";
}

// The mail's body with its line numbers (counted from the first header
// line, as findings count them) and the findings after their lines.
void mail_html(std::string& b, std::string_view raw, LineFindings const& at)
{
    auto lines = text::split_lines(raw);
    std::size_t first = 0;
    while (first < lines.size() && !text::trim(lines[first]).empty())
        ++first;
    ++first; // the blank line
    for (auto it = at.begin(); it != at.end() && it->first <= static_cast<int>(first); ++it)
        finding_html(b, *it->second, it->first);
    b += "<pre>";
    bool diff = false;
    std::size_t last = std::min(lines.size(), first + max_patch_lines);
    for (std::size_t i = first; i < last; ++i) {
        std::string_view l = lines[i];
        diff = diff || l.starts_with("diff --git ");
        char const* cls = !diff ? nullptr
                          : l.starts_with("+") && !l.starts_with("+++") ? "add"
                          : l.starts_with("-") && !l.starts_with("---") ? "del"
                          : l.starts_with("@@") ? "hunk" : nullptr;
        b += "<span class=\"ln\">" + std::to_string(i + 1) + "</span> ";
        if (cls)
            b += std::string("<span class=\"") + cls + "\">";
        append_escaped(b, l.substr(0, 4000));
        if (cls)
            b += "</span>";
        b += "\n";
        auto [lo, hi] = at.equal_range(static_cast<int>(i + 1));
        if (lo != hi) {
            b += "</pre>";
            for (auto it = lo; it != hi; ++it)
                finding_html(b, *it->second, it->first);
            b += "<pre>";
        }
    }
    if (last < lines.size())
        b += "\xE2\x80\xA6 " + std::to_string(lines.size() - last) + " more lines not shown\n";
    b += "</pre>";
}

void trailers_html(std::string& b, std::vector<q::TrailerView> const& trailers)
{
    if (trailers.empty())
        return;
    b += "<ul class=\"trailers\">";
    for (auto const& t : trailers) {
        b += "<li>";
        append_escaped(b, t.key + ": " + t.value);
        if (t.from_cover)
            b += " <span class=\"muted\">(to the cover letter)</span>";
        if (!t.carried_from.empty())
            b += " <span class=\"muted\">(carried from " + escape(t.carried_from) + ")</span>";
        if (t.address_mismatch)
            b += " <span class=\"tag fail\">sent from " + escape(t.sender) + "</span>";
        b += "</li>";
    }
    b += "</ul>";
}

void checks_html(std::string& b, nlohmann::json const& checks)
{
    for (auto const& c : checks) {
        std::string state = c.value("state", ""), ctx = c.value("context", ""), desc = c.value("description", "");
        b += "<span class=\"tag check " + escape(state) + "\" title=\"" + escape(desc) + "\">" + escape(ctx) + ": " +
             escape(state) + "</span> ";
    }
}

std::vector<q::RangePatch> range_side(q::VersionMails const& mails)
{
    std::vector<q::RangePatch> out;
    for (auto const& p : mails.patches)
        out.push_back(q::range_patch(p.raw, p.patch.message_id, p.patch.index));
    return out;
}

void range_diff_html(std::string& b, q::Queue& queue, SeriesRequest const& r, q::SeriesView const& s)
{
    std::size_t n = s.versions.size();
    b += "<section id=\"range-diff\"><h2>Range-diff</h2>";
    if (n < 2) {
        b += "<p class=\"muted\">One version only.</p></section>";
        return;
    }
    std::size_t from = r.from && r.from <= n ? r.from : n - 1, to = r.to && r.to <= n ? r.to : n;
    b += "<form method=\"get\" action=\"/series/" + std::to_string(s.id) + "#range-diff\">";
    for (char const* side : {"from", "to"}) {
        b += std::string("<label>") + side + " <select name=\"" + side + "\">";
        for (std::size_t k = 1; k <= n; ++k)
            b += "<option value=\"" + std::to_string(k) + "\"" + ((side[0] == 'f' ? from : to) == k ? " selected" : "") +
                 ">" + escape(version_name(s.versions[k - 1])) + "</option>";
        b += "</select></label>";
    }
    b += "<button type=\"submit\">Compare</button></form>";
    auto a = queue.version_mails(s.id, from - 1), c = queue.version_mails(s.id, to - 1);
    if (!a || !c) {
        b += "<p class=\"error\">" + escape((a ? c.error() : a.error()).message) + "</p></section>";
        return;
    }
    auto left = range_side(*a), right = range_side(*c);
    std::string out = q::format_range_diff(q::range_diff(left, right), left, right);
    b += "<pre class=\"range-diff\">";
    for (auto line : text::split_lines(out)) {
        std::string_view body = text::trim(line);
        char const* cls = line.size() > body.size() && body.starts_with("+") ? "add"
                          : line.size() > body.size() && body.starts_with("-") ? "del" : nullptr;
        if (cls)
            b += std::string("<span class=\"") + cls + "\">";
        append_escaped(b, line.substr(0, 4000));
        b += cls ? "</span>\n" : "\n";
    }
    b += "</pre></section>";
}

void gate_html(std::string& b, q::GateResultView const& g)
{
    auto report = nlohmann::json::parse(g.report, nullptr, false);
    b += "<section id=\"gate\"><h2>Gate report</h2><p><span class=\"tag " + escape(g.status) + "\">" +
         escape(g.status) + "</span> on v" + escape(g.version) + ", imported " + format_utc(g.imported);
    if (report.is_object())
        b += "; configuration " + escape(report.value("config", "")) + ", base <code>" +
             escape(report.value("base", "").substr(0, 12)) + "</code>";
    b += "</p>";
    if (!report.is_object() || !report.contains("commits") || !report["commits"].is_array())
        return void(b += "</section>");
    b += "<div class=\"scroll\"><table><thead><tr><th>#</th><th>Commit</th><th>Steps</th></tr></thead><tbody>";
    for (auto const& c : report["commits"]) {
        if (!c.is_object())
            continue;
        b += "<tr><td>" + std::to_string(c.value("index", 0) + 1) + "</td><td>";
        append_escaped(b, truncate(c.value("title", ""), 200));
        b += "</td><td>";
        if (c.contains("steps") && c["steps"].is_array())
            for (auto const& st : c["steps"])
                if (st.is_object()) {
                    std::string status = st.value("status", "");
                    b += "<span class=\"tag " + std::string(status == "pass" ? "pass" : status == "fail" ? "fail" : "warning") +
                         "\">" + escape(st.value("kind", "") + " " + st.value("name", "") + ": " + status) + "</span> ";
                }
        b += "</td></tr>";
    }
    b += "</tbody></table></div></section>";
}

void copy_html(std::string& b, q::SeriesView const& s, q::VersionMails const& mails)
{
    auto const& v = s.versions[mails.version];
    std::string ref = std::to_string(s.id) + ":v" + v.version + (v.rfc ? "rfc" : "");
    auto am = q::make_am(mails, {});
    b += "<section id=\"am\"><h2>Apply and thank</h2><p><code>kvmx am " + escape(ref) +
         " -o series.mbx &amp;&amp; git am series.mbx</code></p><details><summary>kvmx am output (" +
         std::to_string(mails.patches.size()) + " patches, trailers added)</summary><pre class=\"am\">";
    pre_text(b, am.mbox);
    b += "</pre></details>";
    for (auto const& n : am.notes)
        b += "<p class=\"muted\">" + escape(n) + "</p>";
    b += "<p><code>kvmx ty " + escape(ref) + " --repo ~/kvm-x86 --branch BRANCH</code></p>";
    std::vector<std::optional<q::PatchMatch>> matches;
    bool any = false;
    for (auto const& p : mails.patches) {
        if (p.patch.applied_commit.empty()) {
            matches.emplace_back();
            continue;
        }
        matches.push_back(q::PatchMatch{p.patch.applied_commit, p.patch.applied_how});
        any = true;
    }
    if (any) {
        q::TyOptions ty;
        ty.branch = "BRANCH";
        if (auto mail = q::thanks_mail(mails, matches, ty)) {
            b += "<details><summary>kvmx ty output (from the applied commits recorded)</summary><pre class=\"ty\">";
            pre_text(b, *mail);
            b += "</pre></details>";
        }
    }
    b += "</section>";
}

void state_form(std::string& b, q::SeriesView const& s, std::string const& csrf)
{
    b += "<form method=\"post\" action=\"/series/" + std::to_string(s.id) +
         "/state\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) +
         "\"><label>State <select name=\"state\">";
    for (auto const& name : q::state_names())
        b += "<option" + std::string(name == q::state_name(s.state) ? " selected" : "") + ">" + name + "</option>";
    b += "</select></label> <button type=\"submit\">Set</button></form>";
}

void timeline_html(std::string& b, q::SeriesView const& s, std::size_t shown)
{
    b += "<section><h2>Versions</h2><ol class=\"timeline\" id=\"timeline\">";
    for (std::size_t k = 0; k < s.versions.size(); ++k) {
        auto const& v = s.versions[k];
        b += "<li>";
        if (k)
            b += "<span class=\"muted\">+" + interval(v.date - s.versions[k - 1].date) + "</span> ";
        if (k && v.date - s.versions[k - 1].date < 86400)
            b += "<span class=\"tag soon\" title=\"the handbook asks for one business day at least\">posted " +
                 interval(v.date - s.versions[k - 1].date) + " after " + escape(version_name(s.versions[k - 1])) +
                 "</span> ";
        std::string name = escape(version_name(v)) + (v.resend ? " RESEND" : "");
        b += k == shown ? "<strong>" + name + "</strong>"
                        : "<a href=\"/series/" + std::to_string(s.id) + "?v=" + std::to_string(k + 1) + "\">" + name +
                              "</a>";
        b += " " + format_utc(v.date) + ", " + std::to_string(v.received) + "/" + std::to_string(v.patches) +
             " patches, linked by " + escape(v.link_reason) + "</li>";
    }
    b += "</ol></section>";
}

} // namespace

SeriesRequest SeriesRequest::parse(std::int64_t id, Params const& p)
{
    SeriesRequest r;
    r.id = id;
    r.version = number(p.get("v"));
    r.from = number(p.get("from"));
    r.to = number(p.get("to"));
    return r;
}

Result<std::string> series_page(q::Queue& queue, SeriesRequest const& r)
{
    auto s = TRY(queue.show(r.id));
    std::size_t k = r.version && r.version <= s.versions.size() ? r.version - 1 : s.versions.size() - 1;
    auto mails = TRY(queue.version_mails(r.id, k));
    auto const& v = s.versions[k];
    std::string b;
    b += "<h1 id=\"subject\">";
    append_escaped(b, truncate(s.subject, 400));
    b += "</h1><p>";
    append_escaped(b, s.author);
    b += " &middot; series " + std::to_string(s.id) + " &middot; <span class=\"state\">" +
         std::string(q::state_name(s.state)) + "</span>";
    if (s.fix)
        b += " <span class=\"tag fix\">fix</span>";
    if (s.newer_version)
        b += " <span class=\"tag newer\">newer version since the state was set</span>";
    b += " &middot; " + std::to_string(s.trailers.acked) + " acked, " + std::to_string(s.trailers.reviewed) +
         " reviewed, " + std::to_string(s.trailers.tested) + " tested</p>";
    state_form(b, s, r.csrf);
    timeline_html(b, s, k);

    // Findings by mail and line; those naming no line are listed first.
    std::map<std::string, LineFindings> at;
    std::vector<q::FindingView const*> loose;
    for (auto const& f : v.findings) {
        auto [mid, line] = finding_line(f.where);
        if (mid.empty())
            loose.push_back(&f);
        else
            at[mid].emplace(line, &f);
    }
    b += "<section id=\"findings\"><h2>" + escape(version_name(v)) + ": findings</h2><p>";
    bool checked = !v.checked.empty() && v.checked.rfind("not checked", 0) != 0;
    b += checked ? std::to_string(v.errors) + " errors, " + std::to_string(v.warnings) + " warnings (" +
                       escape(v.checked) + "), shown at their lines below"
                 : escape(v.checked);
    b += "</p>";
    for (auto const* f : loose)
        finding_html(b, *f, 0);
    b += "</section>";
    if (mails.cover) {
        b += "<section class=\"patch cover\" id=\"cover\"><h2>Cover letter: ";
        append_escaped(b, truncate(mails.cover->patch.subject, 300));
        b += "</h2><p class=\"muted\"><a href=\"" + escape(lore_url(mails.cover->patch.message_id)) + "\">&lt;" +
             escape(mails.cover->patch.message_id) + "&gt;</a></p>";
        mail_html(b, mails.cover->raw, at[mails.cover->patch.message_id]);
        b += "</section>";
    }
    for (auto const& m : mails.patches) {
        auto const& p = m.patch;
        b += "<section class=\"patch\" id=\"patch-" + std::to_string(p.index) + "\"><h3>";
        append_escaped(b, truncate(p.subject, 300));
        b += "</h3><p class=\"muted\">";
        append_escaped(b, p.author);
        b += ", " + format_utc(p.date) + " &middot; <a href=\"" + escape(lore_url(p.message_id)) + "\">&lt;" +
             escape(p.message_id) + "&gt;</a>";
        if (!p.applied_commit.empty())
            b += " &middot; <span class=\"tag pass\">applied " + escape(p.applied_commit.substr(0, 12)) + "</span>";
        b += "</p><p>";
        checks_html(b, patch_checks(s, v, p));
        b += "</p>";
        trailers_html(b, p.trailers);
        mail_html(b, m.raw, at[p.message_id]);
        b += "</section>";
    }
    b += "<section id=\"replies\"><h2>Replies</h2>";
    if (v.replies.empty())
        b += "<p class=\"muted\">None.</p>";
    b += "<ul>";
    for (auto const& rep : v.replies) {
        b += "<li>" + format_utc(rep.date) + " ";
        append_escaped(b, rep.from);
        b += rep.bot ? " <span class=\"tag\">bot</span>" : "";
        b += " to " + (rep.to_index == 0 ? std::string("the cover letter") : "patch " + std::to_string(rep.to_index)) +
             ": <a href=\"" + escape(lore_url(rep.message_id)) + "\">";
        append_escaped(b, truncate(rep.subject, 200));
        b += "</a>";
        trailers_html(b, rep.trailers);
        b += "</li>";
    }
    b += "</ul></section>";
    range_diff_html(b, queue, r, s);
    if (s.gate)
        gate_html(b, *s.gate);
    copy_html(b, s, mails);
    return page(s.subject, b);
}

} // namespace review::web
