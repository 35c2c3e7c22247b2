// The gate in CI's own shapes: NIPA's exit codes for test steps, and
// per-patch checks in patchwork's shape POSTed to a local fake patchwork
// server (on cpp-httplib).

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace testsupport;

namespace {

std::string const sob = "\n\nSigned-off-by: Jane Developer <jane@example.com>\n";

// A configuration whose steps exit with what a file of the commit says, so
// one series exercises pass, fail, NIPA's warning and pending.
std::string const nipa_config = R"(gate: nipa
baseline: false
builds:
  - name: build
    commands: test -f src.c
tests:
  - name: nipa-step
    build: build
    exit-codes: nipa
    commands: exit $(cat status)
  - name: plain-step
    build: build
    commands: exit $(cat status)
)";

struct Series {
    GitRepo repo;
    std::string base;
    std::vector<std::string> commits;
    Series()
    {
        base = repo.commit("Add the source" + sob, {{"src.c", "int x;\n"}, {"status", "0\n"}});
        for (std::string s : {"250", "111", "1", "0"})
            commits.push_back(repo.commit("Exit " + s + sob, {{"status", s + "\n"}}));
    }
};

nlohmann::json const* step(nlohmann::json const& report, std::size_t position, std::string const& name)
{
    for (auto const& s : report["commits"][position - 1]["steps"])
        if (s["name"] == name)
            return &s;
    return nullptr;
}

// The checks API of patchwork (POST /api/1.2/patches/<id>/checks/), with
// the validation patchwork's serializer applies.
class FakePatchwork {
public:
    FakePatchwork()
    {
        m_server.Post(R"(/api/1\.2/patches/(\d+)/checks/)", [this](httplib::Request const& req, httplib::Response& res) {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (req.get_header_value("Authorization") != "Token s3cret") {
                res.status = 403;
                return;
            }
            nlohmann::json body;
            try {
                body = nlohmann::json::parse(req.body);
            } catch (nlohmann::json::exception const&) {
                res.status = 400;
                return;
            }
            std::string problem = validate(body);
            if (!problem.empty()) {
                res.status = 400;
                res.set_content(nlohmann::json{{"detail", problem}}.dump(), "application/json");
                m_rejected.push_back(problem);
                return;
            }
            body["patch"] = std::stoi(req.matches[1]);
            m_received.push_back(body);
            res.status = 201;
            res.set_content(body.dump(), "application/json");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~FakePatchwork()
    {
        m_server.stop();
        m_thread.join();
    }
    int port() const { return m_port; }
    std::vector<nlohmann::json> received() const { return m_received; }
    std::vector<std::string> rejected() const { return m_rejected; }

private:
    static std::string validate(nlohmann::json const& b)
    {
        static std::set<std::string> const states = {"pending", "success", "warning", "fail"};
        std::set<std::string> keys;
        for (auto const& [k, _] : b.items())
            keys.insert(k);
        if (keys != std::set<std::string>{"state", "context", "target_url", "description"})
            return "fields must be state, context, target_url, description";
        if (!b["state"].is_string() || !states.count(b["state"]))
            return "state: not a valid choice";
        std::string context = b["context"].is_string() ? b["context"].get<std::string>() : "";
        if (context.empty() || context.size() > 255 ||
            context.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
                std::string::npos)
            return "context: enter a valid slug";
        if (!b["target_url"].is_null() &&
            !(b["target_url"].is_string() && b["target_url"].get<std::string>().starts_with("http")))
            return "target_url: enter a valid URL";
        if (!b["description"].is_string())
            return "description: not a string";
        return {};
    }

    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<nlohmann::json> m_received;
    std::vector<std::string> m_rejected;
};

} // namespace

TEST_CASE("gate test steps may use NIPA's exit codes", "[gate][ci]")
{
    Series s;
    TempDir cfg, out;
    write_file(cfg.path() / "nipa.yaml", nipa_config);
    auto r = run_kvmx({"gate", "--config", (cfg.path() / "nipa.yaml").string(), "--repo", s.repo.path().string(),
                       "--no-checks", "--output", out.path().string(), "--format", "json", "-j", "1",
                       s.base + ".." + s.commits.back()});
    INFO(r.out << r.err);
    auto report = nlohmann::json::parse(r.out);
    // 250: a warning, reported, not blamed; 111: pending (a skip); other: fail.
    CHECK((*step(report, 1, "nipa-step"))["status"] == "warn");
    CHECK((*step(report, 1, "plain-step"))["status"] == "fail");
    CHECK((*step(report, 2, "nipa-step"))["status"] == "skip");
    CHECK((*step(report, 2, "nipa-step"))["reason"].get<std::string>().starts_with("pending"));
    CHECK((*step(report, 3, "nipa-step"))["status"] == "fail");
    CHECK((*step(report, 4, "nipa-step"))["status"] == "pass");
    std::set<std::string> blamed;
    for (auto const& f : report["findings"])
        blamed.insert(f["rule"].get<std::string>() + "@" + f["commit"].get<std::string>().substr(0, 12));
    CHECK(blamed.count("gate.tests@" + s.commits[0].substr(0, 12)) == 1); // plain-step's 250
    CHECK(blamed.count("gate.tests@" + s.commits[2].substr(0, 12)) == 1);
    CHECK(r.status == 1);
    // The warning shows in the text report and in JUnit as a passed case.
    auto text = run_kvmx({"gate", "merge", (out.path() / "report.json").string()});
    CHECK(text.out.find("nipa-step") != std::string::npos);
    CHECK(text.out.find("warn") != std::string::npos);
    CHECK(read_file(out.path() / "junit.xml").find("warning: warning (exit 250") != std::string::npos);
}

TEST_CASE("gate --format patchwork posts to a patchwork checks API as is", "[gate][ci]")
{
    Series s;
    TempDir cfg, out;
    write_file(cfg.path() / "nipa.yaml", nipa_config);
    auto r = run_kvmx({"gate", "--config", (cfg.path() / "nipa.yaml").string(), "--repo", s.repo.path().string(),
                       "--output", out.path().string(), "--format", "patchwork", "--log-url",
                       "https://ci.example.org/kvm/42/", "-j", "1", s.base + ".." + s.commits.back()});
    INFO(r.out << r.err);
    auto pw = nlohmann::json::parse(r.out);
    CHECK(pw["format"] == "kvmx-gate-patchwork");
    REQUIRE(pw["patches"].size() == 4);

    // A CI job maps each commit to its patchwork patch id (here 100 + index)
    // and POSTs every check unchanged.
    FakePatchwork server;
    httplib::Client client("127.0.0.1", server.port());
    client.set_default_headers({{"Authorization", "Token s3cret"}});
    std::size_t posted = 0;
    for (auto const& p : pw["patches"])
        for (auto const& check : p["checks"]) {
            auto res = client.Post(("/api/1.2/patches/" + std::to_string(100 + p["index"].get<int>()) + "/checks/").c_str(),
                                   check.dump(), "application/json");
            REQUIRE(res);
            CHECK(res->status == 201);
            ++posted;
        }
    CHECK(server.rejected().empty());
    auto got = server.received();
    REQUIRE(got.size() == posted);
    std::map<std::pair<int, std::string>, nlohmann::json> by;
    for (auto const& c : got)
        by[{c["patch"].get<int>(), c["context"].get<std::string>()}] = c;
    CHECK(by[{100, "kvmx-build-build"}]["state"] == "success");
    CHECK(by[{100, "kvmx-test-nipa-step"}]["state"] == "warning");
    CHECK(by[{100, "kvmx-test-plain-step"}]["state"] == "fail");
    CHECK(by[{100, "kvmx-test-plain-step"}]["target_url"].get<std::string>().starts_with(
        "https://ci.example.org/kvm/42/logs/001-"));
    CHECK(by[{101, "kvmx-test-nipa-step"}]["state"] == "pending");
    CHECK(by[{102, "kvmx-test-nipa-step"}]["state"] == "fail");
    CHECK(by[{103, "kvmx-test-nipa-step"}]["state"] == "success");
    // The message checks get a context of their own, without a log.
    REQUIRE(by.count({100, "kvmx-checks"}));
    CHECK(by[{100, "kvmx-checks"}]["target_url"].is_null());
    CHECK(by[{100, "kvmx-checks"}]["description"].get<std::string>().starts_with("kvmx message checks"));

    // A check in the wrong shape is what the fake server refuses.
    auto bad = client.Post("/api/1.2/patches/100/checks/", R"({"state": "passed", "context": "x y"})",
                           "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
}
