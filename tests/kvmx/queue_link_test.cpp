// kvmx queue: how mails become series and versions (tests/fixtures/queue):
// version linking edge cases, trailers collected from replies, state
// changes, the newer-version flag, and `queue show`.

#include "tests/support/fixtures.h"
#include "tests/support/queue_cli.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace testsupport; // the queue helpers of tests/support/queue_cli.h

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
