// kvmx queue on the maintainer's side of a real libgit2 repository:
// range-diff, am, applied and ty; and bad input (exit 2, queue unchanged).

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"
#include "tests/support/queue_cli.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace testsupport; // the queue helpers of tests/support/queue_cli.h

TEST_CASE("range-diff pairs patches across versions by content", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    sync_one(dir, "unlabeled-v1.mbox");
    auto r = run_kvmx({"range-diff", "--db", db.string(), "1"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("1:  ") != std::string::npos);
    CHECK(r.out.find(" ! 1:") != std::string::npos);
    CHECK(r.out.find("-+int widget;") != std::string::npos);
    CHECK(r.out.find("++int widget = 1;") != std::string::npos);
    CHECK(r.out.find("-:  -------- > 3:") != std::string::npos);
    CHECK(r.out.find("0 unchanged, 2 changed, 1 added, 0 dropped, 0 moved") != std::string::npos);
    // The same comparison from two Message-IDs, and from ID:vN.
    auto m = run_kvmx({"range-diff", "--db", db.string(), "unl-v1-0@example.com", "1:v2"});
    CHECK(m.status == 0);
    CHECK(m.out.find("2 changed, 1 added") != std::string::npos);
    auto j = run_kvmx({"range-diff", "--db", db.string(), "1", "--format", "json"});
    REQUIRE(j.status == 0);
    auto pairs = json::parse(j.out)["pairs"];
    REQUIRE(pairs.size() == 3);
    CHECK(pairs[0]["kind"] == "changed");
    CHECK(pairs[2]["kind"] == "added");
    CHECK(pairs[2]["new"]["title"] == "KVM: x86: Test widget helper");
    // --repo: git range-diff on both versions rebuilt in a private clone; the repository is only read.
    fs::path work = dir.path() / "repo";
    fs::create_directories(work);
    testsupport::write_file(work / "README", "x\n");
    REQUIRE(std::system(("cd '" + work.string() + "' && git init -q && git add README && git -c user.name=T -c "
                         "user.email=t@example.com commit -qm init").c_str()) == 0);
    auto head = [&] {
        return testsupport::read_file(work / ".git" / "refs" / "heads" / "master") +
               testsupport::read_file(work / ".git" / "HEAD");
    };
    std::string before = head();
    auto g = run_kvmx({"range-diff", "--db", db.string(), "1", "--repo", work.string(), "--base", "HEAD"});
    INFO(g.err);
    REQUIRE(g.status == 0);
    CHECK(g.out.find("git range-diff v1 -> v2") == 0);
    CHECK(g.out.find("> 3:  ") != std::string::npos);
    CHECK(g.out.find("KVM: x86: Test widget helper") != std::string::npos);
    CHECK(head() == before);
    auto nobase = run_kvmx({"range-diff", "--db", db.string(), "1", "--repo", work.string()});
    CHECK(nobase.status == 2);
    CHECK(nobase.err.find("no base-commit: line; give --base REV") != std::string::npos);
    // Two mbox files, no queue.
    auto f = run_kvmx({"range-diff", queue_fixture("v5.5.mbox").string(), queue_fixture("v5.5.mbox").string()});
    CHECK(f.status == 0);
    CHECK(f.out.find("2 unchanged") != std::string::npos);
}

TEST_CASE("am writes the version with collected trailers and Link:, the cover apart", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    sync_one(dir, "trailers.mbox");
    fs::path out = dir.path() / "s.mbox";
    auto r = run_kvmx({"am", "--db", db.string(), "1:v1", "-o", out.string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::string mbox = testsupport::read_file(out);
    CHECK(mbox.find("Reviewed-by: Rita Reviewer <rita@example.net>\nLink: https://lore.kernel.org/r/tr-v1-1@example.com\n---") !=
          std::string::npos);
    CHECK(mbox.find("Acked-by: Sam Maintainer") == std::string::npos); // mismatched address left out
    CHECK(r.err.find("left out 'Acked-by: Sam Maintainer <sam@work.example>'") != std::string::npos);
    CHECK(mbox.find("Tested-by: Tina Tester <tina@example.com>") != std::string::npos);
    CHECK(fs::exists(out.string() + ".cover"));
    auto j = run_kvmx({"am", "--db", db.string(), "1:v1", "--format", "json"});
    REQUIRE(j.status == 0);
    auto amj = json::parse(j.out);
    CHECK(amj["mbox"] == mbox);
    CHECK(amj["cover"].get<std::string>().find("Subject: [PATCH 0/2] KVM: x86: Tidy the MMU") != std::string::npos);
    CHECK(amj["notes"].size() == 1);
    // git am takes it.
    fs::path work = dir.path() / "work";
    fs::create_directories(work);
    testsupport::write_file(work / "README", "x\n");
    std::string git = "git -c user.name=T -c user.email=t@example.com ";
    std::string cmd = "cd '" + work.string() + "' && git init -q && git add README && " + git + "commit -qm init && " +
                      git + "am -q '" + out.string() + "' >/dev/null 2>&1";
    CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("applied and ty match a branch's commits and never list an unmatched patch", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    sync_one(dir, "trailers.mbox");
    testsupport::GitRepo repo;
    repo.commit("Initial\n", {{"README", "x\n"}});
    // Patch 1 of v2 applied with its exact content; patch 2 not applied.
    std::string id = repo.commit("KVM: x86/mmu: Tidy one\n\nSigned-off-by: Jane Developer <jane@example.com>\n",
                                 {{"arch/x86/kvm/mmu/one.c", "int one = 1;\n"}});
    repo.branch("mmu", id);
    auto r = run_kvmx({"queue", "applied", "--db", db.string(), "--repo", repo.path().string(), "--branch", "mmu"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("1 of 2 patches on mmu (partially-applied)") != std::string::npos);
    auto t = run_kvmx({"ty", "--db", db.string(), "1", "--repo", repo.path().string(), "--branch", "mmu"});
    INFO(t.err);
    REQUIRE(t.status == 0);
    CHECK(t.out.find("Subject: Re: (subset) [PATCH v2 0/2] KVM: x86: Tidy the MMU\n") != std::string::npos);
    CHECK(t.out.find("In-Reply-To: <tr-v2-0@example.com>") != std::string::npos);
    CHECK(t.out.find("On Mon, 08 Jan 2024 10:00:00 +0000, Jane Developer wrote:\n> This series does things.\n> [...]\n\n"
                     "Applied to kvm-x86 mmu, thanks! (except for patch 2)\n\n"
                     "[1/2] KVM: x86/mmu: Tidy one\n      https://github.com/kvm-x86/linux/commit/" + id.substr(0, 12) +
                     "\n[2/2] KVM: x86/mmu: Tidy two\n      (DROP)\n\n--\nhttps://github.com/kvm-x86/linux/tree/next\n") !=
          std::string::npos);
    auto l = run_kvmx({"queue", "list", "--db", db.string(), "--state", "thanked", "--format", "json"});
    CHECK(json::parse(l.out).size() == 1);
    auto tj = run_kvmx({"ty", "--db", db.string(), "1", "--repo", repo.path().string(), "--branch", "mmu", "--format",
                        "json", "--no-state"});
    REQUIRE(tj.status == 0);
    auto tyj = json::parse(tj.out);
    CHECK(tyj["patches"][0]["applied"]["commit"] == id);
    CHECK(tyj["patches"][0]["applied"]["matched_by"] == "patch-id");
    CHECK(tyj["patches"][1]["dropped"] == true);
    CHECK(tyj["mail"].get<std::string>() == t.out);
    // The branch was rebased: the same patch has a new SHA1, and the notice says it updates the last one.
    testsupport::GitRepo moved;
    moved.commit("Initial\n", {{"README", "x\n"}});
    moved.commit("Unrelated\n", {{"README", "y\n"}});
    std::string rebased = moved.commit("KVM: x86/mmu: Tidy one\n\nSigned-off-by: Jane Developer <jane@example.com>\n",
                                       {{"arch/x86/kvm/mmu/one.c", "int one = 1;\n"}});
    moved.branch("mmu", rebased);
    auto again = run_kvmx({"ty", "--db", db.string(), "1", "--repo", moved.path().string(), "--branch", "mmu"});
    REQUIRE(again.status == 0);
    CHECK(again.err.find("patch 1 is now " + rebased.substr(0, 12) + ", was " + id.substr(0, 12)) != std::string::npos);
    CHECK(again.out.find("commit/" + rebased.substr(0, 12)) != std::string::npos);
    // Nothing applied: an error, no mail.
    testsupport::GitRepo empty;
    std::string base = empty.commit("Initial\n", {{"README", "x\n"}});
    empty.branch("misc", base);
    auto none = run_kvmx({"ty", "--db", db.string(), "1", "--repo", empty.path().string(), "--branch", "misc"});
    CHECK(none.status == 2);
    CHECK(none.out.empty());
}

TEST_CASE("queue refuses bad input with one line and exit 2, leaving the queue unchanged", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    sync_one(dir, "trailers.mbox");
    auto before = list_all(db);

    SECTION("a missing Message-ID")
    {
        auto r = run_kvmx({"queue", "show", "--db", db.string(), "<nobody@nowhere>"});
        CHECK(r.status == 2);
        CHECK(r.err.find("no mail with Message-ID <nobody@nowhere>") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(run_kvmx({"am", "--db", db.string(), "99"}).status == 2);
    }
    SECTION("a corrupt epoch repository")
    {
        fs::path epoch = dir.path() / "bad.git";
        fs::create_directories(epoch / "objects");
        fs::create_directories(epoch / "refs" / "heads");
        testsupport::write_file(epoch / "HEAD", "ref: refs/heads/master\n");
        testsupport::write_file(epoch / "refs" / "heads" / "master", "1234567890123456789012345678901234567890\n");
        auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", epoch.string()});
        CHECK(r.status == 2);
        CHECK(r.err.find("kvmx: error: ") == 0);
    }
    SECTION("a corrupt database file")
    {
        fs::path bad = dir.path() / "corrupt.sqlite";
        std::string junk(8192, 'x');
        testsupport::write_file(bad, junk);
        auto r = run_kvmx({"queue", "list", "--db", bad.string()});
        CHECK(r.status == 2);
        CHECK(r.err.find("corrupt or not a database") != std::string::npos);
        CHECK(testsupport::read_file(bad) == junk);
    }
    SECTION("a locked database")
    {
        // Hold the write lock from a second process for longer than the busy timeout.
        std::string cmd = "(echo 'BEGIN EXCLUSIVE;'; sleep 7) | sqlite3 '" + db.string() + "' & sleep 0.5; echo";
        FILE* p = popen(cmd.c_str(), "r");
        REQUIRE(p);
        pclose(p);
        auto r = run_kvmx({"queue", "set", "--db", db.string(), "1", "waiting"});
        CHECK(r.status == 2);
        CHECK(r.err.find("locked") != std::string::npos);
    }
    CHECK(list_all(db) == before);
}
