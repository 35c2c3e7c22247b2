// The web view (libreview/web) without a network: escaping, the query
// parser, routes and their errors, the form token, and an XSS corpus
// (tests/fixtures/queue/hostile.mbox) through every page and the API.

#include "tests/support/fixtures.h"

#include "libreview/queue/json.h"
#include "libreview/queue/store.h"
#include "libreview/web/app.h"
#include "libreview/web/html.h"
#include "libreview/web/query.h"
#include "libreview/web/queue_page.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

namespace fs = std::filesystem;
using namespace review;

namespace {

fs::path queue_fixture(std::string const& name) { return testsupport::fixtures_dir() / "queue" / name; }

std::string make_queue(testsupport::TempDir const& dir, std::vector<std::string> const& fixtures)
{
    std::string db = (dir.path() / "q.sqlite").string();
    auto q = queue::Queue::open(db);
    REQUIRE(q);
    for (auto const& f : fixtures) {
        auto r = q->sync_path(queue_fixture(f).string(), {});
        INFO(f);
        REQUIRE(r);
    }
    return db;
}

web::Response get(web::App const& app, std::string const& target)
{
    web::Request r;
    r.method = "GET";
    std::size_t qm = target.find('?');
    r.path = target.substr(0, qm);
    if (qm != std::string::npos)
        r.query = target.substr(qm + 1);
    return app.handle(r);
}

web::Response post(web::App const& app, std::string const& path, std::string const& body,
                   std::string const& origin = "")
{
    web::Request r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    r.content_type = "application/x-www-form-urlencoded";
    r.origin = origin;
    r.host = "127.0.0.1:8080";
    return app.handle(r);
}

// Every tag of the page is one the views write, with no event handler,
// inline style or script URL: the markup of the hostile input got through
// only as text.
void require_only_own_markup(std::string const& html)
{
    static std::set<std::string> const allowed = {
        "!DOCTYPE", "html", "head", "meta", "link", "title", "body", "a", "header", "span", "main", "h1", "h2",
        "h3", "p", "form", "fieldset", "legend", "label", "select", "option", "input", "button", "div", "table",
        "thead", "tbody", "tr", "th", "td", "pre", "code", "strong", "ol", "ul", "li", "section", "details",
        "summary"};
    for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
        std::size_t end = html.find('>', i);
        REQUIRE(end != std::string::npos);
        std::string tag = html.substr(i + 1, end - i - 1);
        std::string name = tag.substr(tag[0] == '/' ? 1 : 0);
        name = name.substr(0, name.find_first_of(" \n\t/"));
        INFO(tag.substr(0, 200));
        REQUIRE(allowed.count(name) == 1);
        std::string lower = tag;
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (std::size_t on = lower.find(" on"); on != std::string::npos; on = lower.find(" on", on + 1)) {
            std::size_t k = on + 3;
            while (k < lower.size() && std::isalpha(static_cast<unsigned char>(lower[k])))
                ++k;
            CHECK(lower.substr(k, 1) != "="); // an event handler attribute
        }
        CHECK(lower.find("style=") == std::string::npos);
        CHECK(lower.find("javascript:") == std::string::npos);
        // Inside a tag, a quote opens and closes an attribute value: none is left open.
        CHECK(std::count(tag.begin(), tag.end(), '"') % 2 == 0);
    }
    CHECK(html.find("\xE2\x80\xAE") == std::string::npos); // U+202E RIGHT-TO-LEFT OVERRIDE
    CHECK(html.find("\xE2\x81\xA6") == std::string::npos); // U+2066 LEFT-TO-RIGHT ISOLATE
}

} // namespace

TEST_CASE("escape makes hostile text inert", "[web]")
{
    CHECK(web::escape("<a href=\"x\" title='y'>&amp;</a>") ==
          "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    CHECK(web::escape("caf\xC3\xA9 \xE6\x97\xA5") == "caf\xC3\xA9 \xE6\x97\xA5");
    CHECK(web::escape("a\xE2\x80\xAE" "b") == "a\xEF\xBF\xBD" "b");  // RTL override
    CHECK(web::escape("a\xE2\x81\xA6" "b") == "a\xEF\xBF\xBD" "b");  // isolate
    CHECK(web::escape("a\x01\x7F" "b") == "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
    CHECK(web::escape("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");   // overlong '/'
    CHECK(web::escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
    CHECK(web::escape("\xF0\x9F\x98") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // cut short
    CHECK(web::escape("line\n\tnext") == "line\n\tnext");
    CHECK(web::truncate("\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9\xE2\x80\xA6");
    CHECK(web::url_encode("a b/<c>@d") == "a%20b%2F%3Cc%3E%40d");
}

TEST_CASE("query strings and form bodies parse within bounds", "[web]")
{
    auto p = web::parse_query("state=all&q=a+b%3Cc&&flag&topic=KVM%3A%20x86%3A");
    REQUIRE(p);
    CHECK(p->get("state") == "all");
    CHECK(p->get("q") == "a b<c");
    CHECK(p->has("flag"));
    CHECK(p->get("topic") == "KVM: x86:");
    CHECK(p->get("missing").empty());
    CHECK(!web::parse_query("a=%zz"));
    CHECK(!web::parse_query("a=%4"));
    std::string many;
    for (int i = 0; i < 65; ++i)
        many += "k=v&";
    CHECK(!web::parse_query(many));
    CHECK(!web::parse_query(std::string(web::max_query_bytes + 1, 'a')));
}

TEST_CASE("topics come from the leading words of a subject", "[web]")
{
    CHECK(web::topic_of("KVM: x86/mmu: Fix the frob") == "KVM: x86/mmu:");
    CHECK(web::topic_of("KVM: x86: Add a bar") == "KVM: x86:");
    CHECK(web::topic_of("Fix everything: now") == "");
    CHECK(web::topic_of("") == "");
}

TEST_CASE("an XSS corpus in subjects, names and bodies is shown as text", "[web][xss]")
{
    testsupport::TempDir dir;
    web::App app(make_queue(dir, {"hostile.mbox"}), web::Csrf("0123456789abcdef"));
    std::vector<std::string> targets = {"/", "/?state=all", "/?q=%3Cscript&sort=subject&dir=desc",
                                        "/?author=%22%3E%3Cb%3E", "/series/1?from=1&to=2", "/series/1?v=1",
                                        "/series/%3Cscript%3E", "/nowhere%22%3E%3Cscript%3E"};
    for (int id = 1; id <= 8; ++id)
        targets.push_back("/series/" + std::to_string(id));
    for (auto const& t : targets) {
        INFO(t);
        auto r = get(app, t);
        CHECK((r.status == 200 || r.status == 404));
        require_only_own_markup(r.body);
    }
    auto queue_html = get(app, "/?state=all").body;
    CHECK(queue_html.find("&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;&quot;&gt;&lt;img src=x") !=
          std::string::npos);
    CHECK(queue_html.find("&amp;lt;b&amp;gt;entity") != std::string::npos); // entities stay text
    auto series = get(app, "/series/1").body;
    CHECK(series.find("&lt;b&gt;Mallory&lt;/b&gt;") != std::string::npos);
    CHECK(series.find(std::string(4000, 'A')) != std::string::npos); // the long line, cut at 4000 bytes
    CHECK(series.find(std::string(4001, 'A')) == std::string::npos);
    // The API is JSON (the strings as sent), never HTML.
    auto api = get(app, "/api/series/1");
    CHECK(api.content_type == "application/json");
    auto j = nlohmann::json::parse(api.body);
    CHECK(j["subject"].get<std::string>().find("<script>") != std::string::npos);
}

TEST_CASE("the web view answers bad requests with clear pages", "[web]")
{
    testsupport::TempDir dir;
    web::App app(make_queue(dir, {"unlabeled-v1.mbox"}), web::Csrf("0123456789abcdef"));
    CHECK(get(app, "/").status == 200);
    CHECK(get(app, "/style.css").content_type.rfind("text/css", 0) == 0);
    auto missing = get(app, "/series/999");
    CHECK(missing.status == 404);
    CHECK(missing.body.find("no series 999 in the queue") != std::string::npos);
    CHECK(get(app, "/series/abc").status == 404);
    CHECK(get(app, "/series/1/../../etc/passwd").status == 404);
    CHECK(get(app, "/series/99999999999999999999").status == 404);
    CHECK(get(app, "/api/series/999").status == 404);
    CHECK(get(app, "/static/").status == 404); // no files, no directory listing
    CHECK(get(app, "/?q=%zz").status == 400);
    CHECK(get(app, "/?state=nonsense").status == 400);
    CHECK(get(app, "/series/1/state").status == 405);
    web::Request put;
    put.method = "PUT";
    put.path = "/";
    CHECK(app.handle(put).status == 405);
    web::Request big;
    big.method = "POST";
    big.path = "/series/1/state";
    big.body = std::string(web::max_body_bytes + 1, 'x');
    CHECK(app.handle(big).status == 413);
}

TEST_CASE("a state change needs the form token", "[web][csrf]")
{
    testsupport::TempDir dir;
    std::string db = make_queue(dir, {"unlabeled-v1.mbox"});
    web::App app(db, web::Csrf::generate());
    std::string token = app.csrf_token();
    REQUIRE(token.size() == 32);
    CHECK(web::Csrf::generate().token() != token);
    auto state = [&] { return queue::Queue::open(db)->show(1)->state; };
    // The series page carries the token in its form.
    CHECK(get(app, "/series/1").body.find("name=\"csrf\" value=\"" + token + "\"") != std::string::npos);
    CHECK(post(app, "/series/1/state", "state=reviewing").status == 403);
    CHECK(post(app, "/series/1/state", "state=reviewing&csrf=" + std::string(32, '0')).status == 403);
    CHECK(post(app, "/series/1/state", "state=reviewing&csrf=" + token, "http://evil.example").status == 403);
    CHECK(state() == queue::State::New);
    CHECK(post(app, "/series/1/state", "state=sleeping&csrf=" + token).status == 400);
    CHECK(post(app, "/series/999/state", "state=reviewing&csrf=" + token).status == 404);
    web::Request json_post;
    json_post.method = "POST";
    json_post.path = "/series/1/state";
    json_post.content_type = "application/json";
    json_post.body = "{\"state\": \"reviewing\", \"csrf\": \"" + token + "\"}";
    CHECK(app.handle(json_post).status == 400);
    auto ok = post(app, "/series/1/state", "state=changes-requested&csrf=" + token, "http://127.0.0.1:8080");
    CHECK(ok.status == 303);
    CHECK(ok.location == "/series/1");
    CHECK(state() == queue::State::ChangesRequested);
}

TEST_CASE("the queue page filters and sorts; the API has the CLI's JSON", "[web]")
{
    testsupport::TempDir dir;
    std::string db = make_queue(dir, {"unlabeled-v1.mbox", "v5.5.mbox", "renamed.mbox", "hostile.mbox"});
    web::App app(db, web::Csrf("0123456789abcdef"));
    auto rows = [&](std::string const& t) {
        auto body = get(app, t).body;
        std::size_t n = 0;
        for (std::size_t i = body.find("<tr class=\"series\""); i != std::string::npos;
             i = body.find("<tr class=\"series\"", i + 1))
            ++n;
        return n;
    };
    auto q = queue::Queue::open(db);
    auto all = q->list({});
    REQUIRE(all);
    CHECK(rows("/") == all->size());
    CHECK(rows("/?author=mallory") == 1);
    CHECK(rows("/?q=frobnicator") == 1);
    CHECK(rows("/?topic=KVM%3A+x86%3A") == all->size());
    CHECK(rows("/?topic=KVM%3A+x86%2Fmmu%3A") == 0);
    CHECK(rows("/?state=reviewing") == 0);
    // Sorted by id, descending: the highest id comes first.
    auto body = get(app, "/?sort=id&dir=desc").body;
    CHECK(body.find("aria-sort=\"descending\"") != std::string::npos);
    CHECK(body.find("id=\"s" + std::to_string(all->size()) + "\"") < body.find("id=\"s1\""));
    // /api/series is `queue list --format json`.
    CHECK(nlohmann::json::parse(get(app, "/api/series").body) == queue::to_json(*all));
    // /api/series/ID is `queue show --format json`, each patch with its checks.
    auto show = q->show(1);
    auto j = nlohmann::json::parse(get(app, "/api/series/1").body);
    auto expected = queue::to_json(*show, true);
    for (auto& v : j["versions"])
        for (auto& p : v["patch_list"]) {
            REQUIRE(p.contains("checks"));
            for (auto const& c : p["checks"]) {
                CHECK(c.contains("state"));
                CHECK(c.contains("context"));
                CHECK(c.contains("target_url"));
                CHECK(c.contains("description"));
            }
            p.erase("checks");
        }
    CHECK(j == expected);
}

TEST_CASE("a series page shows the timeline, findings at their lines, range-diff and gate", "[web]")
{
    testsupport::TempDir dir;
    std::string db = make_queue(dir, {"unlabeled-v1.mbox", "hostile.mbox"});
    auto q = queue::Queue::open(db);
    queue::GateResultView g;
    g.version = "2";
    g.status = "fail";
    g.report = testsupport::read_file(queue_fixture("gate-report.json"));
    g.checks = R"({"patches": [{"index": 1, "checks": [{"context": "kvmx-build-release", "state": "fail",
                 "target_url": "https://ci.example/2.log", "description": "build release: fails"}]}]})";
    REQUIRE(q->set_gate_result(1, g));
    web::App app(db, web::Csrf("0123456789abcdef"));
    auto body = get(app, "/series/1").body;
    CHECK(body.find("id=\"timeline\"") != std::string::npos);
    CHECK(body.find("class=\"finding") != std::string::npos);
    CHECK(body.find("<pre class=\"range-diff\">") != std::string::npos);
    CHECK(body.find("id=\"gate\"") != std::string::npos);
    CHECK(body.find("kvmx-build-release: fail") != std::string::npos); // patch 2's check
    CHECK(body.find("kvmx am 1:v2") != std::string::npos);
    CHECK(body.find("class=\"am\"") != std::string::npos);
    // v2 of the hostile series came an hour after v1: marked.
    auto hostile = get(app, "/series/2").body;
    CHECK(hostile.find("class=\"tag soon\"") != std::string::npos);
    CHECK(hostile.find("posted 1h after v1") != std::string::npos);
    CHECK(body.find("class=\"tag soon\"") == std::string::npos); // nine days apart
}
