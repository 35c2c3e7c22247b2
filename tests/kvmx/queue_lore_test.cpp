// kvmx queue sync --lore against a local cpp-httplib server on 127.0.0.1
// that serves fixture archives as lore does (POST ?x=m for matches,
// t.mbox.gz for threads); HTTP failures and broken gzip end in one line,
// exit 2 and an unchanged queue. Nothing leaves the machine.

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;
using nlohmann::json;
using testsupport::run_kvmx;

namespace {

// A lore look-alike: /kvm/ answers the cover letter as the match and the
// whole thread under /kvm/<msgid>/t.mbox.gz; other lists fail on purpose.
class FakeLore {
public:
    FakeLore()
    {
        std::string thread = testsupport::read_file(testsupport::fixtures_dir() / "queue" / "trailers.mbox");
        // Only v1's thread: up to the v2 cover letter.
        thread = thread.substr(0, thread.find("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Jane Developer "
                                              "<jane@example.com>\nTo: kvm@vger.kernel.org\nSubject: [PATCH v2 0/2]"));
        std::string match = thread.substr(0, thread.find("From mboxrd@z", 10));
        m_server.Post("/kvm/", [this, match](httplib::Request const& req, httplib::Response& res) {
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_last_query = req.get_param_value("q");
            }
            if (req.get_param_value("x") != "m") {
                res.status = 400;
                return;
            }
            res.set_content(testsupport::gzip(match), "application/gzip");
        });
        m_server.Get("/kvm/tr-v1-0@example.com/t.mbox.gz", [thread](httplib::Request const&, httplib::Response& res) {
            res.set_content(testsupport::gzip(thread), "application/gzip");
        });
        m_server.Post("/error/", [](httplib::Request const&, httplib::Response& res) { res.status = 500; });
        m_server.Post("/slow/", [](httplib::Request const&, httplib::Response& res) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2500));
            res.set_content("", "application/gzip");
        });
        m_server.Post("/truncated/", [match](httplib::Request const&, httplib::Response& res) {
            std::string gz = testsupport::gzip(match);
            res.set_content(gz.substr(0, gz.size() / 2), "application/gzip");
        });
        m_server.Post("/plain/", [match](httplib::Request const&, httplib::Response& res) {
            res.set_content(match, "text/plain");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        REQUIRE(m_port > 0);
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ~FakeLore()
    {
        m_server.stop();
        m_thread.join();
    }
    std::string url(std::string const& list) const
    {
        return "http://127.0.0.1:" + std::to_string(m_port) + "/" + list + "/";
    }

    std::string last_query()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_last_query;
    }

private:
    std::mutex m_mutex;
    std::string m_last_query;
    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
};

json list_all(fs::path const& db)
{
    auto r = run_kvmx({"queue", "list", "--db", db.string(), "--all", "--format", "json"});
    REQUIRE(r.status == 0);
    return json::parse(r.out);
}

} // namespace

TEST_CASE("queue sync --lore fetches matches and their threads", "[queue][lore][kvmx]")
{
    FakeLore lore;
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--lore", lore.url("kvm"), "--query",
                       "s:\"Tidy the MMU\"", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto rep = json::parse(r.out);
    CHECK(rep["added"] == 8);      // cover, 2 patches, 5 replies
    CHECK(rep["duplicates"] == 1); // the match comes again in its thread
    auto list = list_all(db);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["versions"][0]["received"] == 2);
    CHECK(list[0]["trailers"]["reviewed"] == 1);
    CHECK(lore.last_query() == "s:\"Tidy the MMU\"");
    // A second sync asks only for mail received since the first (rt:) and adds nothing.
    r = run_kvmx({"queue", "sync", "--db", db.string(), "--lore", lore.url("kvm"), "--format", "json"});
    REQUIRE(r.status == 0);
    CHECK(json::parse(r.out)["added"] == 0);
    CHECK(lore.last_query().find("(s:PATCH) AND rt:") == 0);
    // --since asks by date instead.
    r = run_kvmx({"queue", "sync", "--db", db.string(), "--lore", lore.url("kvm"), "--since", "2024-01-01"});
    REQUIRE(r.status == 0);
    CHECK(lore.last_query() == "(s:PATCH) AND d:2024-01-01..");
}

TEST_CASE("queue sync --lore fails in one line on HTTP errors and broken gzip", "[queue][lore][kvmx]")
{
    FakeLore lore;
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    REQUIRE(run_kvmx({"queue", "sync", "--db", db.string(), "--lore", lore.url("kvm")}).status == 0);
    auto before = list_all(db);
    struct Case {
        std::string list;
        std::string message;
    };
    for (auto const& c : {Case{"missing", "lore: HTTP 404"}, Case{"error", "lore: HTTP 500"},
                          Case{"slow", "lore: request failed"}, Case{"truncated", "truncated gzip data"},
                          Case{"plain", "not gzip data"}}) {
        INFO(c.list);
        auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--lore", lore.url(c.list), "--timeout", "1",
                           "--retries", "1"});
        CHECK(r.status == 2);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK(r.err.find(lore.url(c.list)) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(run_kvmx({"queue", "sync", "--db", db.string(), "--lore", "ftp://example.com/x/"}).status == 2);
    CHECK(list_all(db) == before);
}
