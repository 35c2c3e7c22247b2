// kvmx queue end to end: version linking edge cases (tests/fixtures/queue),
// trailers from replies, am, range-diff, applied and ty on a real libgit2
// repository, the real public-inbox epoch of ../shared/corpora, the peers'
// fixtures, and bad input (exit 2, queue unchanged).

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;
using nlohmann::json;
using testsupport::run_kvmx;

namespace {

fs::path queue_fixture(std::string const& name) { return testsupport::fixtures_dir() / "queue" / name; }

fs::path corpora() { return testsupport::source_dir().parent_path() / "shared" / "corpora"; }

json list_all(fs::path const& db)
{
    auto r = run_kvmx({"queue", "list", "--db", db.string(), "--all", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return json::parse(r.out);
}

json sync_one(testsupport::TempDir const& dir, std::string const& fixture)
{
    fs::path db = dir.path() / "q.sqlite";
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", queue_fixture(fixture).string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return list_all(db);
}

std::vector<std::string> versions(json const& s)
{
    std::vector<std::string> out;
    for (auto const& v : s["versions"])
        out.push_back(std::string(v["rfc"].get<bool>() ? "rfc" : "") + "v" + v["version"].get<std::string>());
    return out;
}


} // namespace

TEST_CASE("queue links an unlabeled v1 to its v2 with a changed patch count", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    auto list = sync_one(dir, "unlabeled-v1.mbox");
    REQUIRE(list.size() == 1);
    CHECK(versions(list[0]) == std::vector<std::string>{"v1", "v2"});
    CHECK(list[0]["versions"][1]["received"] == 3);
    CHECK(list[0]["versions"][1]["linked_by"] == "subject");
    CHECK(list[0]["versions"][0]["superseded"] == true);
}

TEST_CASE("queue orders v5.5 after v5 in one series", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    auto list = sync_one(dir, "v5.5.mbox");
    REQUIRE(list.size() == 1);
    CHECK(versions(list[0]) == std::vector<std::string>{"v5", "v5.5"});
}

TEST_CASE("queue links an RFC to the first PATCH posting", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    auto list = sync_one(dir, "rfc-to-patch.mbox");
    REQUIRE(list.size() == 1);
    CHECK(versions(list[0]) == std::vector<std::string>{"rfcv1", "v1"});
}

TEST_CASE("queue links a renamed series with a new author address by patch-id", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    auto list = sync_one(dir, "renamed.mbox");
    REQUIRE(list.size() == 1);
    CHECK(versions(list[0]) == std::vector<std::string>{"v1", "v2"});
    CHECK(list[0]["versions"][1]["linked_by"] == "patch-id");
    CHECK(list[0]["author"] == "Jane Developer <jane@new-employer.com>");
}

TEST_CASE("queue takes a partial reroll sent in reply to v2 as v3", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    auto list = sync_one(dir, "partial-reroll.mbox");
    REQUIRE(list.size() == 1);
    CHECK(versions(list[0]) == std::vector<std::string>{"v2", "v3"});
    CHECK(list[0]["versions"][1]["received"] == 1);
    CHECK(list[0]["versions"][1]["patches"] == 2);
    CHECK(list[0]["versions"][1]["linked_by"] == "thread");
    // Arriving in part is normal in a list archive: no numbering findings.
    auto r = run_kvmx({"queue", "show", "--db", (dir.path() / "q.sqlite").string(), "1", "--format", "json"});
    REQUIRE(r.status == 0);
    auto v3 = json::parse(r.out)["versions"][1];
    bool numbering = false, in_reply_to = false;
    for (auto const& f : v3["finding_list"]) {
        numbering = numbering || f["rule"] == "series.numbering";
        in_reply_to = in_reply_to || f["rule"] == "series.in-reply-to";
        CHECK(f["where"].get<std::string>().find("<pr-v3-2@example.com>:") == 0);
    }
    CHECK_FALSE(numbering);
    CHECK(in_reply_to);
}

TEST_CASE("queue keeps an unrelated later series that reuses a subject apart", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    auto list = sync_one(dir, "subject-reuse.mbox");
    CHECK(list.size() == 2);
}

TEST_CASE("queue stores pull requests and spam but makes no series of them", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", queue_fixture("not-patches.mbox").string()});
    CHECK(r.status == 0);
    CHECK(r.out.find("2 new") != std::string::npos);
    CHECK(list_all(db).empty());
}

TEST_CASE("queue collects trailers from replies, flags address mismatches and carries them by patch-id", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    auto list = sync_one(dir, "trailers.mbox");
    REQUIRE(list.size() == 1);
    auto r = run_kvmx({"queue", "show", "--db", db.string(), "--format", "json", "<tr-v1-0@example.com>"});
    REQUIRE(r.status == 0);
    auto s = json::parse(r.out);
    auto const& v1 = s["versions"][0]["patch_list"];
    // Patch 1: the ack from another address, flagged; the cover's review.
    REQUIRE(v1[0]["trailers"].size() == 2);
    CHECK(v1[0]["trailers"][0]["key"] == "Acked-by");
    CHECK(v1[0]["trailers"][0]["address_mismatch"] == true);
    CHECK(v1[0]["trailers"][1]["from_cover"] == true);
    // Patch 2: a Tested-by from a nested reply, the review; nothing below "-- ".
    REQUIRE(v1[1]["trailers"].size() == 2);
    CHECK(v1[1]["trailers"][0]["key"] == "Tested-by");
    CHECK(r.out.find("sig@example.net") == std::string::npos);
    // The bot's report and the reply quoting a diff are replies, not patches.
    CHECK(s["versions"][0]["replies"].size() == 5);
    CHECK(s["versions"][0]["received"] == 2);
    // v2: patch 1 changed (no carry), patch 2 unchanged (carried from v1).
    auto const& v2 = s["versions"][1]["patch_list"];
    CHECK(v2[0]["trailers"].empty());
    REQUIRE(v2[1]["trailers"].size() == 2);
    CHECK(v2[1]["trailers"][0]["carried_from"] == "v1");
    CHECK(s["trailers"]["reviewed"] == 1);
    CHECK(s["trailers"]["tested"] == 1);
    // v2 is checked with v1 as its history: the copied cover letter is found.
    bool copy = false;
    for (auto const& f : s["versions"][1]["finding_list"])
        copy = copy || f["rule"] == "series.version-copy";
    CHECK(copy);
    CHECK(s["versions"][1]["checked"] == "kvm-x86");
}

TEST_CASE("queue set, list --state and link change and read the state", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    auto list = sync_one(dir, "subject-reuse.mbox");
    REQUIRE(list.size() == 2);
    CHECK(run_kvmx({"queue", "set", "--db", db.string(), "1", "changes-requested"}).status == 0);
    auto r = run_kvmx({"queue", "list", "--db", db.string(), "--state", "changes-requested", "--format", "json"});
    CHECK(json::parse(r.out).size() == 1);
    CHECK(run_kvmx({"queue", "set", "--db", db.string(), "1", "bogus"}).status == 2);
    // A manual link joins them; the later id is superseded and hidden by default.
    r = run_kvmx({"queue", "link", "--db", db.string(), "reuse-a-1@example.com", "<reuse-b-1@example.com>"});
    INFO(r.err);
    CHECK(r.status == 0);
    r = run_kvmx({"queue", "list", "--db", db.string(), "--format", "json"});
    auto after = json::parse(r.out);
    REQUIRE(after.size() == 1);
    CHECK(after[0]["versions"].size() == 2);
    CHECK(after[0]["versions"][1]["linked_by"] == "manual");
    CHECK(run_kvmx({"queue", "show", "--db", db.string(), "2"}).status == 0); // follows the merge
}

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

TEST_CASE("queue sync reads a public-inbox epoch, honours d commits and recovers from rewritten history",
          "[queue][kvmx][inbox]")
{
    testsupport::TempDir dir;
    fs::path epoch = dir.path() / "git" / "0.git";
    fs::create_directories(epoch);
    auto mailtext = [](int n) {
        return "From: Jane <jane@example.com>\nSubject: [PATCH] KVM: x86: Change " + std::to_string(n) +
               "\nDate: Mon, 0" + std::to_string(n) + " Jan 2024 10:00:00 +0000\nMessage-ID: <m" + std::to_string(n) +
               "@example.com>\n\nWords.\n\nSigned-off-by: Jane <jane@example.com>\n---\ndiff --git a/f" +
               std::to_string(n) + " b/f" + std::to_string(n) + "\nnew file mode 100644\n--- /dev/null\n+++ b/f" +
               std::to_string(n) + "\n@@ -0,0 +1 @@\n+x" + std::to_string(n) + "\n";
    };
    // fast-import stream: one commit per mail (file m), or a deletion (file d).
    auto build = [&](std::vector<std::pair<int, char>> const& commits) {
        fs::remove_all(epoch);
        REQUIRE(std::system(("git init -q --bare '" + epoch.string() + "'").c_str()) == 0);
        std::string stream;
        int mark = 0;
        for (auto [n, file] : commits) {
            std::string body = mailtext(n);
            std::string subject = "[PATCH] KVM: x86: Change " + std::to_string(n);
            stream += "commit refs/heads/master\nmark :" + std::to_string(++mark) +
                      "\nauthor Jane <jane@example.com> " + std::to_string(1704103200 + n * 86400) +
                      " +0000\ncommitter x <x@y> " + std::to_string(1704103200 + n * 86400 + 10) +
                      " +0000\ndata " + std::to_string(subject.size()) + "\n" + subject + "\n";
            if (mark > 1)
                stream += "from :" + std::to_string(mark - 1) + "\n";
            stream += "deleteall\nM 100644 inline " + std::string(1, file) + "\ndata " + std::to_string(body.size()) +
                      "\n" + body + "\n";
        }
        testsupport::write_file(dir.path() / "stream", stream);
        REQUIRE(std::system(("git --git-dir='" + epoch.string() + "' fast-import --quiet < '" +
                             (dir.path() / "stream").string() + "'").c_str()) == 0);
    };
    fs::path db = dir.path() / "q.sqlite";
    build({{1, 'm'}, {2, 'm'}, {3, 'm'}});
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", dir.path().string(), "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(json::parse(r.out)["added"] == 3);
    CHECK(list_all(db).size() == 3);
    // Purge message 1 (every id changes) and add 4: only 4 is read, 2 is deleted by a d commit.
    build({{2, 'm'}, {3, 'm'}, {2, 'd'}, {4, 'm'}});
    r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", dir.path().string(), "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto rep = json::parse(r.out);
    CHECK(rep["recovered"] == true);
    CHECK(rep["read"] == 1);
    CHECK(rep["deleted"] == 1);
    CHECK(list_all(db).size() == 3); // 1, 3, 4
    // History with no trace of the cursor: an error, not a silent restart.
    build({{5, 'm'}});
    r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", dir.path().string()});
    CHECK(r.status == 2);
    CHECK(r.err.find("--rescan") != std::string::npos);
    CHECK(list_all(db).size() == 3);
}

TEST_CASE("queue sync reads the real linux-ppp public-inbox epoch", "[queue][kvmx][corpus]")
{
    fs::path bundle = corpora() / "linux-ppp.vger.kernel.org.0.bundle";
    if (!fs::exists(bundle)) {
        WARN("SKIP: " << bundle << " is absent (../shared/corpora not beside the checkout)");
        return;
    }
    testsupport::TempDir dir;
    fs::path epoch = dir.path() / "ppp.git";
    REQUIRE(std::system(("git clone -q --mirror '" + bundle.string() + "' '" + epoch.string() + "' 2>/dev/null").c_str()) ==
            0);
    fs::path db = dir.path() / "q.sqlite";
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", epoch.string(), "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto rep = json::parse(r.out);
    CHECK(rep["read"] == 1126);
    CHECK(rep["added"] == 1126);
    // Again: nothing new to read.
    r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", epoch.string(), "--format", "json"});
    CHECK(json::parse(r.out)["read"] == 0);
    auto list = list_all(db);
    CHECK(list.size() > 50);
    // Xiao Liang's netns series: v3..v10 linked across threads, patch counts changing.
    bool found = false;
    for (auto const& s : list)
        if (s["subject"].get<std::string>().find("Improve netns handling") != std::string::npos) {
            found = true;
            CHECK(s["versions"].size() >= 5);
            CHECK(s["versions"].back()["version"] == "10");
        }
    CHECK(found);
    // A [PATCH] whose diff is a plain diff -u attachment is still a patch to triage.
    bool rtt = false;
    for (auto const& s : list)
        rtt = rtt || s["subject"] == "pppd: implement logging the LCP RTT";
    CHECK(rtt);
    // No x86 profile findings on ppp patches: paths outside the KVM tree.
    for (auto const& s : list)
        for (auto const& v : s["versions"])
            CHECK(v["checked"].get<std::string>().find("not checked") == 0);
}

TEST_CASE("queue threads the patchwork series fixtures", "[queue][kvmx][corpus]")
{
    fs::path dir = corpora() / "peer-mail" / "patchwork" / "series";
    if (!fs::exists(dir)) {
        WARN("SKIP: " << dir << " is absent");
        return;
    }
    // file -> versions per series, as kvmx answers (docs/triage.md says where patchwork differs).
    std::map<std::string, std::vector<std::vector<std::string>>> expected = {
        {"base-cover-letter.mbox", {{"v1"}}},
        {"base-out-of-order.mbox", {{"v1"}}},
        {"revision-basic.mbox", {{"v1", "v2"}}},
        {"revision-threaded-to-cover.mbox", {{"v1", "v2"}}},
        {"revision-threaded-to-patch.mbox", {{"v1", "v2"}}},
        {"revision-out-of-order.mbox", {{"v1", "v2"}}},
        {"revision-no-cover-letter.mbox", {{"v1", "v2"}}},
        {"revision-unlabeled.mbox", {{"v1", "v1"}}},
        {"bugs-mixed-versions.mbox", {{"v1"}, {"v2"}}},
        {"mercurial-cover-letter.mbox", {{"v1"}}},
        {"mercurial-no-cover-letter.mbox", {{"v1"}}},
    };
    for (auto const& [file, want] : expected) {
        INFO(file);
        testsupport::TempDir tmp;
        fs::path db = tmp.path() / "q.sqlite";
        auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", (dir / file).string()});
        REQUIRE(r.status == 0);
        std::vector<std::vector<std::string>> got;
        for (auto const& s : list_all(db))
            got.push_back(versions(s));
        CHECK(got == want);
    }
}

TEST_CASE("queue collects b4's follow-up trailers as b4 does", "[queue][kvmx][corpus]")
{
    fs::path dir = corpora() / "peer-mail" / "b4-samples";
    if (!fs::exists(dir)) {
        WARN("SKIP: " << dir << " is absent");
        return;
    }
    testsupport::TempDir tmp;
    fs::path db = tmp.path() / "q.sqlite";
    REQUIRE(run_kvmx({"queue", "sync", "--db", db.string(), "--inbox",
                      (dir / "trailers-followup-with-cover.mbox").string()}).status == 0);
    auto r = run_kvmx({"am", "--db", db.string(), "1", "--no-link"});
    REQUIRE(r.status == 0);
    std::string ref = testsupport::read_file(dir / "trailers-followup-with-cover-ref-defaults.txt");
    // b4 adds the maintainer's own Signed-off-by ("Test Override"); kvmx adds none.
    for (char const* t : {"Reviewed-by: Followup Reviewer1 <followup-reviewer1@example.com>\n",
                          "Reviewed-by: Coverletter Reviewer1 <followup-reviewer1@example.com>\n"}) {
        INFO(t);
        CHECK(std::count(ref.begin(), ref.end(), '\n') > 0);
        auto count = [&](std::string const& s) {
            std::size_t n = 0;
            for (std::size_t at = s.find(t); at != std::string::npos; at = s.find(t, at + 1))
                ++n;
            return n;
        };
        CHECK(count(r.out) == count(ref));
    }
    CHECK(r.out.find("Signed-off-by: Test Override") == std::string::npos);

    // Partial reroll: v3 resends patch 2 alone; am takes patch 1 from v2, as b4 does.
    testsupport::TempDir tmp2;
    fs::path db2 = tmp2.path() / "q.sqlite";
    REQUIRE(run_kvmx({"queue", "sync", "--db", db2.string(), "--inbox",
                      (dir / "trailers-followup-partial-reroll.mbox").string()}).status == 0);
    auto pr = run_kvmx({"am", "--db", db2.string(), "1", "--no-link"});
    INFO(pr.err);
    REQUIRE(pr.status == 0);
    CHECK(pr.err.find("patch 1/2 taken from v2") != std::string::npos);
    auto first = pr.out.find("Message-Id: <patch-1-message@example.com>");
    auto second = pr.out.find("Message-Id: <patch-v3-2-message@example.com>");
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(first < second);
    // Patch 1 keeps the cover letter's review; the reworked patch 2 does not
    // inherit it (b4 carries it over; see docs/triage.md).
    std::string const cover_review = "Reviewed-by: Coverletter Reviewer1 <followup-reviewer1@example.com>\n";
    CHECK(pr.out.find(cover_review) < second);
    CHECK(pr.out.find(cover_review, second) == std::string::npos);
}

TEST_CASE("queue list reads while a sync writes, and a killed sync keeps its committed batches", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path epoch = dir.path() / "git" / "0.git";
    REQUIRE(std::system(("git init -q --bare '" + epoch.string() + "' && python3 '" +
                         (testsupport::source_dir() / "tests" / "bench" / "make_epoch.py").string() +
                         "' 400 | git --git-dir='" + epoch.string() + "' fast-import --quiet")
                            .c_str()) == 0);
    fs::path db = dir.path() / "q.sqlite";
    // Create the schema first, then sync in the background while listing.
    REQUIRE(run_kvmx({"queue", "list", "--db", db.string()}).status == 0);
    std::string cmd = "'" + std::string(KVMX_BINARY) + "' queue sync --db '" + db.string() + "' --inbox '" +
                      dir.path().string() + "' >/dev/null 2>&1; echo $?";
    FILE* sync = popen(cmd.c_str(), "r");
    REQUIRE(sync);
    int lists = 0;
    for (int i = 0; i < 20; ++i) {
        auto r = run_kvmx({"queue", "list", "--db", db.string(), "--format", "json"});
        INFO(r.err);
        CHECK(r.status == 0);
        CHECK(json::parse(r.out).is_array());
        ++lists;
    }
    char status[16] = {};
    REQUIRE(fgets(status, sizeof status, sync));
    pclose(sync);
    CHECK(std::string(status) == "0\n");
    CHECK(lists == 20);
    auto all = list_all(db);
    CHECK(all.size() == 400);

    // A sync killed after its first batch: what it committed stays, the next sync completes it.
    fs::path db2 = dir.path() / "killed.sqlite";
    std::string slow = "'" + std::string(KVMX_BINARY) + "' queue sync --db '" + db2.string() + "' --inbox '" +
                       dir.path().string() + "' >/dev/null 2>&1 & pid=$!; "
                       "for i in $(seq 500); do sleep 0.01; "
                       "n=$(sqlite3 '" + db2.string() + "' 'SELECT count(*) FROM messages' 2>/dev/null); "
                       "[ \"${n:-0}\" -gt 0 ] && break; done; kill -9 $pid; wait $pid 2>/dev/null; true";
    REQUIRE(std::system(slow.c_str()) == 0);
    auto r = run_kvmx({"queue", "sync", "--db", db2.string(), "--inbox", dir.path().string(), "--format", "json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto rep = json::parse(r.out);
    // Whatever the killed sync committed is not read again (its cursor was committed with it).
    auto first = json::parse(run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", dir.path().string(),
                                       "--rescan", "--format", "json"}).out);
    INFO("read after the kill: " << rep["read"] << " of " << first["read"]);
    CHECK(rep["read"].get<int>() < first["read"].get<int>());
    CHECK(rep["duplicates"] == 0);
    CHECK(list_all(db2).size() == 400);
}

TEST_CASE("a newer version resets changes-requested and raises the newer-version flag", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    std::string mbox = queue_fixture("unlabeled-v1.mbox").string();
    // v1 alone first (its cover letter and two patches are the first three mails).
    REQUIRE(run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", mbox, "--limit", "3"}).status == 0);
    REQUIRE(run_kvmx({"queue", "set", "--db", db.string(), "1", "changes-requested"}).status == 0);
    auto r = run_kvmx({"queue", "list", "--db", db.string()});
    CHECK(r.out.find("changes-requested") != std::string::npos);
    CHECK(r.out.find("[newer version]") == std::string::npos);
    // v2 arrives.
    REQUIRE(run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", mbox}).status == 0);
    r = run_kvmx({"queue", "list", "--db", db.string()});
    INFO(r.out);
    CHECK(r.out.find(" new ") != std::string::npos);
    CHECK(r.out.find("KVM: x86: Frob the widget [newer version] (Jane Developer <jane@example.com>)") !=
          std::string::npos);
    CHECK(r.out.find("\n    1 v2      3/3     0/0/0 ") != std::string::npos);
    CHECK(r.out.find("1 series\n") != std::string::npos);
}

TEST_CASE("queue show prints versions, trailers and replies as text; a mail read twice is kept once", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    fs::path db = dir.path() / "q.sqlite";
    sync_one(dir, "trailers.mbox");
    // The same mails again (cross-posted to a second list): kept once.
    auto again = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", queue_fixture("trailers.mbox").string()});
    CHECK(again.out.find("read 11 mails: 0 new, 11 already in the queue") != std::string::npos);
    auto r = run_kvmx({"queue", "show", "--db", db.string(), "tr-r4@example.com"}); // a reply names its series
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("series 1: KVM: x86: Tidy the MMU\n") == 0);
    CHECK(r.out.find("v2  2024-01-08 10:00 UTC (+7d)  <tr-v2-0@example.com>\n") != std::string::npos);
    CHECK(r.out.find("  2 of 2 patches + cover letter; linked by patch-id\n") != std::string::npos);
    CHECK(r.out.find("      Acked-by: Sam Maintainer <sam@work.example> (WARNING: sent from sam@personal.example)\n") !=
          std::string::npos);
    CHECK(r.out.find("      Reviewed-by: Rita Reviewer <rita@example.net> (to the cover letter) (carried from v1)\n") !=
          std::string::npos);
    CHECK(r.out.find("kernel test robot <lkp@intel.com> (bot): Re: [PATCH 1/2] KVM: x86/mmu: Tidy one\n") !=
          std::string::npos);
    CHECK(r.out.find("  trailers on the latest version: 0 acked, 1 reviewed, 1 tested\n") != std::string::npos);
}

TEST_CASE("queue sync reads Maildir folders, .eml files and mbox.gz", "[queue][kvmx]")
{
    testsupport::TempDir dir;
    std::string mbox = testsupport::read_file(queue_fixture("trailers.mbox"));
    // Split the fixture into one file per mail, without the mbox separator.
    std::vector<std::string> mails;
    std::string const sep = "From mboxrd@z Thu Jan  1 00:00:00 1970\n";
    for (std::size_t at = mbox.find(sep); at != std::string::npos;) {
        std::size_t next = mbox.find(sep, at + sep.size());
        mails.push_back(mbox.substr(at + sep.size(), next == std::string::npos ? std::string::npos : next - at - sep.size()));
        at = next;
    }
    REQUIRE(mails.size() == 11);
    fs::path maildir = dir.path() / "Maildir";
    fs::create_directories(maildir / "cur");
    fs::create_directories(maildir / "new");
    fs::create_directories(maildir / "tmp");
    for (std::size_t i = 0; i < mails.size(); ++i)
        testsupport::write_file(maildir / (i % 2 ? "cur" : "new") / ("m" + std::to_string(i) + ":2,S"), mails[i]);
    fs::path db = dir.path() / "maildir.sqlite";
    auto r = run_kvmx({"queue", "sync", "--db", db.string(), "--inbox", maildir.string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("read 11 mails: 11 new") != std::string::npos);
    auto list = list_all(db);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["versions"].size() == 2);
    // A single .eml file adds one mail.
    fs::path eml = dir.path() / "one.eml";
    testsupport::write_file(eml, mails[0]);
    fs::path db2 = dir.path() / "eml.sqlite";
    r = run_kvmx({"queue", "sync", "--db", db2.string(), "--inbox", eml.string()});
    CHECK(r.out.find("read 1 mails: 1 new") != std::string::npos);
    // mbox.gz.
    fs::path gz = dir.path() / "t.mbox.gz";
    REQUIRE(std::system(("gzip -c '" + queue_fixture("trailers.mbox").string() + "' > '" + gz.string() + "'").c_str()) == 0);
    fs::path db3 = dir.path() / "gz.sqlite";
    r = run_kvmx({"queue", "sync", "--db", db3.string(), "--inbox", gz.string()});
    CHECK(r.out.find("read 11 mails: 11 new") != std::string::npos);
    CHECK(list_all(db3) == list_all(db));
}
