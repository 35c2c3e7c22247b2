// kvmx queue gate-result: a kvmx gate report recorded for a version of a
// series, shown by list and show; bad reports refused in one line.

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace fs = std::filesystem;
using nlohmann::json;
using testsupport::run_kvmx;

namespace {

json kvmx_json(std::vector<std::string> const& args)
{
    auto r = run_kvmx(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return json::parse(r.out);
}

} // namespace

TEST_CASE("queue gate-result records a gate report for a version", "[queue][kvmx][gate]")
{
    testsupport::TempDir dir;
    std::string db = (dir.path() / "q.sqlite").string();
    fs::path fixtures = testsupport::fixtures_dir() / "queue";
    auto s = run_kvmx({"queue", "sync", "--db", db, "--inbox", (fixtures / "partial-reroll.mbox").string()});
    REQUIRE(s.status == 0);
    std::string report = (fixtures / "gate-report.json").string();
    auto r = run_kvmx({"queue", "gate-result", "--db", db, "1", report, "--log-url", "https://ci.example/7"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto list = kvmx_json({"queue", "list", "--db", db, "--all", "--format", "json"});
    REQUIRE(list[0]["gate"]["status"] == "fail"); // commit 2 fails to build
    auto show = kvmx_json({"queue", "show", "--db", db, "1", "--format", "json"});
    CHECK(show["gate"]["version"] == list[0]["versions"].back()["version"]);
    auto const& checks = show["gate"]["checks"]["patches"][1]["checks"];
    CHECK(checks[1]["state"] == "fail");
    CHECK(checks[1]["target_url"] == "https://ci.example/7/logs/002-bbbbbbbbbbbb/build-release.log");
    auto text = run_kvmx({"queue", "list", "--db", db, "--all"});
    CHECK(text.out.find("[gate v" + list[0]["versions"].back()["version"].get<std::string>() + ": fail]") !=
          std::string::npos);

    // Not a report: one line naming the file, exit 2, nothing recorded.
    fs::path bad = dir.path() / "bad.json";
    testsupport::write_file(bad, "{\"format\": \"sarif\"}");
    auto b = run_kvmx({"queue", "gate-result", "--db", db, "1", bad.string()});
    CHECK(b.status == 2);
    CHECK(b.err.find(bad.string() + ":1:") != std::string::npos);
    CHECK(kvmx_json({"queue", "list", "--db", db, "--all", "--format", "json"})[0]["gate"]["status"] == "fail");
    auto none = run_kvmx({"queue", "gate-result", "--db", db, "99", report});
    CHECK(none.status == 2);
}

TEST_CASE("a version 1 queue database gains the gate results table", "[queue][kvmx][gate]")
{
    testsupport::TempDir dir;
    std::string db = (dir.path() / "q.sqlite").string();
    fs::path fixtures = testsupport::fixtures_dir() / "queue";
    REQUIRE(run_kvmx({"queue", "sync", "--db", db, "--inbox", (fixtures / "v5.5.mbox").string()}).status == 0);
    // What kvmx wrote before schema version 2.
    std::string downgrade = "sqlite3 '" + db + "' \"DROP TABLE gate_results; "
                            "UPDATE meta SET value = '1' WHERE key = 'schema_version';\"";
    REQUIRE(std::system(downgrade.c_str()) == 0);
    auto r = run_kvmx({"queue", "gate-result", "--db", db, "1", (fixtures / "gate-report.json").string()});
    INFO(r.err);
    CHECK(r.status == 0);
    auto show = kvmx_json({"queue", "show", "--db", db, "1", "--format", "json"});
    CHECK(show["gate"]["status"] == "fail");
    CHECK(show["versions"].size() == 2); // the mail is all still there
}
