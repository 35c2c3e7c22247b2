#include "libreview/web/queue_page.h"

#include "libreview/core/text.h"
#include "libreview/web/html.h"
#include "libreview/web/layout.h"

#include <algorithm>
#include <functional>
#include <set>

namespace review::web {

namespace q = review::queue;

namespace {

struct Column {
    char const* key;
    char const* title;
    bool wide; // hidden on a phone
};

constexpr Column columns[] = {
    {"id", "ID", false},        {"subject", "Subject", false}, {"version", "Ver", false},
    {"patches", "Patches", true}, {"trailers", "A/R/T", true},  {"findings", "E/W", false},
    {"gate", "Gate", true},     {"age", "Age", false},         {"state", "State", false},
    {"author", "Author", true},
};

// Sort keys as tuples compared in one direction.
using Key = std::function<bool(q::SeriesView const&, q::SeriesView const&)>;

Key key_of(std::string const& k)
{
    auto by = [](auto f) -> Key { return [f](auto const& a, auto const& b) { return f(a) < f(b); }; };
    if (k == "id")
        return by([](q::SeriesView const& s) { return s.id; });
    if (k == "subject")
        return by([](q::SeriesView const& s) { return text::to_lower(s.subject); });
    if (k == "version")
        return by([](q::SeriesView const& s) { return std::make_pair(s.latest().version.size(), s.latest().version); });
    if (k == "patches")
        return by([](q::SeriesView const& s) { return std::make_pair(s.latest().patches, s.latest().received); });
    if (k == "trailers")
        return by([](q::SeriesView const& s) { return s.trailers.acked + s.trailers.reviewed + s.trailers.tested; });
    if (k == "findings")
        return by([](q::SeriesView const& s) { return std::make_pair(s.errors, s.warnings); });
    if (k == "gate")
        return by([](q::SeriesView const& s) { return s.gate ? s.gate->status : std::string(); });
    if (k == "age")
        return by([](q::SeriesView const& s) { return -s.latest().date; });
    if (k == "state")
        return by([](q::SeriesView const& s) { return static_cast<int>(s.state); });
    if (k == "author")
        return by([](q::SeriesView const& s) { return text::to_lower(s.author); });
    return {};
}

std::string link(QueueQuery const& qq, std::string const& sort, bool descending)
{
    std::string url = "/?";
    auto add = [&](char const* k, std::string const& v) {
        if (!v.empty())
            url += std::string(k) + "=" + url_encode(v) + "&";
    };
    add("state", qq.state);
    add("topic", qq.topic);
    add("author", qq.author);
    add("q", qq.text);
    add("sort", sort);
    if (descending)
        url += "dir=desc&";
    url.pop_back();
    return url;
}

void option(std::string& out, std::string const& value, std::string const& label, std::string const& current)
{
    out += "<option value=\"" + escape(value) + "\"" + (value == current ? " selected" : "") + ">" + escape(label) +
           "</option>";
}

} // namespace

QueueQuery QueueQuery::from(Params const& p)
{
    QueueQuery qq;
    qq.state = p.get("state");
    qq.topic = p.get("topic");
    qq.author = p.get("author");
    qq.text = p.get("q");
    qq.sort = p.get("sort");
    qq.descending = p.get("dir") == "desc";
    if (!key_of(qq.sort))
        qq.sort.clear();
    return qq;
}

q::ListFilter QueueQuery::list_filter() const
{
    q::ListFilter f;
    f.state = q::parse_state(state);
    f.all = state == "all";
    return f;
}

std::string topic_of(std::string_view subject)
{
    std::size_t end = 0, pos = 0;
    while (pos < subject.size() && pos < 80) {
        std::size_t colon = subject.find(": ", pos);
        if (colon == std::string_view::npos || subject.substr(pos, colon - pos).find(' ') != std::string_view::npos ||
            colon == pos)
            break;
        end = colon + 1;
        pos = colon + 2;
    }
    return std::string(subject.substr(0, end));
}

std::vector<q::SeriesView const*> select(std::vector<q::SeriesView> const& list, QueueQuery const& qq)
{
    std::vector<q::SeriesView const*> out;
    for (auto const& s : list) {
        if (!qq.topic.empty() && !text::istarts_with(s.subject, qq.topic))
            continue;
        if (!qq.author.empty() && !text::icontains(s.author, qq.author))
            continue;
        if (!qq.text.empty() && !text::icontains(s.subject, qq.text))
            continue;
        out.push_back(&s);
    }
    if (Key less = key_of(qq.sort)) {
        std::stable_sort(out.begin(), out.end(), [&](auto const* a, auto const* b) {
            return qq.descending ? less(*b, *a) : less(*a, *b);
        });
    }
    return out;
}

std::string queue_page(std::vector<q::SeriesView> const& list, QueueQuery const& qq, std::int64_t now)
{
    auto rows = select(list, qq);
    std::string b;
    b.reserve(512 * rows.size() + 4096);
    b += "<h1>The queue</h1><form method=\"get\" action=\"/\" class=\"filters\" role=\"search\"><fieldset>"
         "<legend>Filter</legend><label>State <select name=\"state\">";
    option(b, "", "open", qq.state);
    option(b, "all", "all", qq.state);
    for (auto const& s : q::state_names())
        option(b, s, s, qq.state);
    b += "</select></label><label>Topic <select name=\"topic\">";
    option(b, "", "any", qq.topic);
    std::set<std::string> topics;
    for (auto const& s : list)
        if (topics.size() < 200)
            topics.insert(topic_of(s.subject));
    topics.erase("");
    if (!qq.topic.empty())
        topics.insert(qq.topic);
    for (auto const& t : topics)
        option(b, t, truncate(t, 60), qq.topic);
    b += "</select></label><label>Author <input name=\"author\" size=\"14\" value=\"" + escape(qq.author) +
         "\"></label><label>Text <input name=\"q\" size=\"18\" value=\"" + escape(qq.text) + "\"></label>";
    if (!qq.sort.empty())
        b += "<input type=\"hidden\" name=\"sort\" value=\"" + escape(qq.sort) + "\">";
    b += "<button type=\"submit\">Show</button> <a href=\"/\">reset</a></fieldset></form>";
    b += "<p class=\"muted\">" + std::to_string(rows.size()) + " of " + std::to_string(list.size()) +
         " series; handbook order: fixes first, then series with acks or reviews, each oldest first.</p>";
    b += "<div class=\"scroll\"><table id=\"queue\"><thead><tr>";
    for (auto const& c : columns) {
        bool current = qq.sort == c.key;
        b += std::string("<th scope=\"col\"") + (c.wide ? " class=\"wide\"" : "") +
             (current ? std::string(" aria-sort=\"") + (qq.descending ? "descending" : "ascending") + "\"" : "") +
             "><a href=\"" + escape(link(qq, c.key, current && !qq.descending)) + "\">" + c.title +
             (current ? (qq.descending ? " \xE2\x96\xBC" : " \xE2\x96\xB2") : "") + "</a></th>";
    }
    b += "</tr></thead><tbody>";
    for (auto const* s : rows) {
        auto const& v = s->latest();
        std::string id = std::to_string(s->id);
        b += "<tr class=\"series\" id=\"s" + id + "\"><td>" + id + "</td><td class=\"subject\"><a href=\"/series/" +
             id + "\">";
        append_escaped(b, truncate(s->subject, 300));
        b += "</a>";
        if (s->fix)
            b += " <span class=\"tag fix\">fix</span>";
        if (s->newer_version)
            b += " <span class=\"tag newer\">newer version</span>";
        b += "</td><td>" + std::string(v.rfc ? "RFC v" : "v") + escape(v.version) + "</td><td class=\"wide\">" +
             std::to_string(v.received) + "/" + std::to_string(v.patches) + "</td><td class=\"wide\">" +
             std::to_string(s->trailers.acked) + "/" + std::to_string(s->trailers.reviewed) + "/" +
             std::to_string(s->trailers.tested) + "</td><td>";
        bool checked = !v.checked.empty() && v.checked.rfind("not checked", 0) != 0;
        if (checked)
            b += std::string(s->errors ? "<span class=\"error\">" : "<span>") + std::to_string(s->errors) + "/" +
                 std::to_string(s->warnings) + "</span>";
        else
            b += "<span title=\"" + escape(v.checked) + "\">-</span>";
        b += "</td><td class=\"wide\">";
        if (s->gate)
            b += "<span class=\"tag " + escape(s->gate->status) + "\">" + escape(s->gate->status) + "</span>";
        b += "</td><td>" + (v.date ? interval(now - v.date) : std::string("?")) + "</td><td>" +
             std::string(q::state_name(s->state)) + "</td><td class=\"wide\">";
        append_escaped(b, truncate(s->author, 120));
        b += "</td></tr>\n";
    }
    b += "</tbody></table></div>";
    return page("The queue", b);
}

} // namespace review::web
