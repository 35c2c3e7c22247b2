#include "tests/support/queue_cli.h"

#include <catch2/catch.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace testsupport {

fs::path queue_fixture(std::string const& name) { return fixtures_dir() / "queue" / name; }

fs::path corpora() { return source_dir().parent_path() / "shared" / "corpora"; }

json list_all(fs::path const& db)
{
    auto r = run_kvmx({"queue", "list", "--db", db.string(), "--all", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return json::parse(r.out);
}

json sync_one(TempDir const& dir, std::string const& fixture)
{
    fs::path db = dir.path() / "q.sqlite";
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", queue_fixture(fixture).string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return list_all(db);
}

std::vector<std::string> versions(json const& series)
{
    std::vector<std::string> out;
    for (auto const& v : series["versions"])
        out.push_back(std::string(v["rfc"].get<bool>() ? "rfc" : "") + "v" + v["version"].get<std::string>());
    return out;
}

} // namespace testsupport
