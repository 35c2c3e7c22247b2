// kvmx check/rules/topic end to end: exit statuses, output formats parsed
// back, ranges in a libgit2-built repository, and bad input.

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using testsupport::run_kvmx;
namespace fs = std::filesystem;

namespace {

std::string fixture(std::string const& rel) { return (testsupport::fixtures_dir() / rel).string(); }

std::string const clean_patch = "rules/shortlog.case/silent.patch";
std::string const bad_patch = "rules/tags.signoff/fire-no-signoff.patch";

} // namespace

TEST_CASE("check exits 0 on a clean patch and 1 on an error finding", "[cli]")
{
    auto clean = run_kvmx({"check", fixture(clean_patch)});
    CHECK(clean.status == 0);
    CHECK(clean.out.find("0 errors") != std::string::npos);
    auto bad = run_kvmx({"check", fixture(bad_patch)});
    CHECK(bad.status == 1);
    // Compiler-style location so editors can jump to it.
    CHECK(bad.out.find("fire-no-signoff.patch:11: error: ") != std::string::npos);
    CHECK(bad.out.find("[tags.signoff]") != std::string::npos);
}

TEST_CASE("the fail-on option lowers the exit threshold", "[cli]")
{
    auto warn = fixture("rules/changelog.pronouns/fire-we.patch");
    CHECK(run_kvmx({"check", warn}).status == 0);
    CHECK(run_kvmx({"check", "--fail-on", "warning", warn}).status == 1);
    CHECK(run_kvmx({"check", "--fail-on", "sometimes", warn}).status == 2);
}

TEST_CASE("JSON output parses back with findings, skipped and summary", "[cli][json]")
{
    auto r = run_kvmx({"check", "--format", "json", fixture("sample-series")});
    REQUIRE(r.status == 1);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["findings"].is_array());
    CHECK(j["summary"]["errors"].get<int>() > 0);
    CHECK(j["summary"]["patches"].get<int>() == 3);
    bool saw_case = false;
    for (auto const& f : j["findings"]) {
        CHECK(f.contains("rule"));
        CHECK(f.contains("severity"));
        CHECK(f.contains("message"));
        CHECK(f.contains("line"));
        if (f["rule"] == "shortlog.case") {
            saw_case = true;
            CHECK(f["line"] == 4);
            CHECK(f["file"].get<std::string>().find("0002-") != std::string::npos);
        }
    }
    CHECK(saw_case);
    bool skipped_fixes_target = false;
    for (auto const& s : j["skipped"])
        if (s["rule"] == "tags.fixes-target")
            skipped_fixes_target = true;
    CHECK(skipped_fixes_target);
}

TEST_CASE("SARIF output is SARIF 2.1.0 with rule metadata and results", "[cli][sarif]")
{
    auto r = run_kvmx({"check", "--format", "sarif", fixture(bad_patch)});
    REQUIRE(r.status == 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["version"] == "2.1.0");
    auto const& run = j["runs"][0];
    CHECK(run["tool"]["driver"]["name"] == "kvmx");
    CHECK(run["tool"]["driver"]["rules"].size() >= 30);
    bool found = false;
    for (auto const& res : run["results"]) {
        if (res["ruleId"] != "tags.signoff")
            continue;
        found = true;
        CHECK(res["level"] == "error");
        auto idx = res["ruleIndex"].get<std::size_t>();
        CHECK(run["tool"]["driver"]["rules"][idx]["id"] == "tags.signoff");
        CHECK(res["locations"][0]["physicalLocation"]["region"]["startLine"] == 11);
    }
    CHECK(found);
}

TEST_CASE("usage and input errors exit 2 with a one-line reason", "[cli][errors]")
{
    testsupport::TempDir tmp;
    auto missing = run_kvmx({"check", (tmp.path() / "nope.patch").string()}, tmp.path());
    CHECK(missing.status == 2);
    CHECK(missing.err.find("kvmx: error:") == 0);
    CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') == 1);

    auto bad_format = run_kvmx({"check", "--format", "xml", fixture(clean_patch)});
    CHECK(bad_format.status == 2);

    auto no_args = run_kvmx({"check"});
    CHECK(no_args.status == 2);

    auto typo_profile = tmp.path() / "typo.yaml";
    testsupport::write_file(typo_profile, "extends: kvm-x86\nrules:\n  shortlog.lenght: {warn: 70}\n");
    auto typo = run_kvmx({"check", "--profile", typo_profile.string(), fixture(clean_patch)});
    CHECK(typo.status == 2);
    CHECK(typo.err.find("typo.yaml:3") != std::string::npos);
    CHECK(typo.err.find("did you mean 'shortlog.length'") != std::string::npos);

    auto typo_option = tmp.path() / "option.yaml";
    testsupport::write_file(typo_option, "extends: kvm-x86\nrules:\n  shortlog.length: {wran: 70}\n");
    auto opt = run_kvmx({"check", "--profile", typo_option.string(), fixture(clean_patch)});
    CHECK(opt.status == 2);
    CHECK(opt.err.find("did you mean 'warn'") != std::string::npos);

    auto malformed = tmp.path() / "bad.yaml";
    testsupport::write_file(malformed, "rules: [\n");
    CHECK(run_kvmx({"check", "--profile", malformed.string(), fixture(clean_patch)}).status == 2);

    auto not_a_patch = tmp.path() / "junk.patch";
    testsupport::write_file(not_a_patch, "\x01\x02 binary junk\n");
    auto junk = run_kvmx({"check", not_a_patch.string()});
    CHECK(junk.status == 2);
    CHECK(junk.err.find("junk.patch:1") != std::string::npos);

    // A revision outside any repository.
    auto norepo = run_kvmx({"check", "HEAD~3..HEAD"}, tmp.path());
    CHECK(norepo.status == 2);
}

TEST_CASE("profile options change a rule's behaviour", "[cli][profile]")
{
    testsupport::TempDir tmp;
    auto strict = tmp.path() / "strict.yaml";
    testsupport::write_file(strict, "extends: kvm-x86\nrules:\n  shortlog.length: {warn: 20, error: 200}\n  shortlog.case: off\n");
    auto r = run_kvmx({"check", "--profile", strict.string(), "--format", "json", fixture(bad_patch)});
    auto j = nlohmann::json::parse(r.out);
    bool length = false, case_rule = false;
    for (auto const& f : j["findings"]) {
        length = length || f["rule"] == "shortlog.length";
        case_rule = case_rule || f["rule"] == "shortlog.case";
    }
    CHECK(length);
    CHECK_FALSE(case_rule);
    // A bad option value falls back to the default and says so.
    auto bad_value = tmp.path() / "value.yaml";
    testsupport::write_file(bad_value, "extends: kvm-x86\nrules:\n  shortlog.length: {warn: many}\n");
    auto v = run_kvmx({"check", "--profile", bad_value.string(), fixture(clean_patch)});
    CHECK(v.status == 0);
    CHECK(v.out.find("option 'warn' must be an integer") != std::string::npos);
}

TEST_CASE("rules lists every rule and topic maps paths", "[cli]")
{
    auto rules = run_kvmx({"rules", "--format", "json"});
    REQUIRE(rules.status == 0);
    auto j = nlohmann::json::parse(rules.out);
    CHECK(j.size() >= 30);
    for (auto const& r : j) {
        CHECK(!r["summary"].get<std::string>().empty());
        CHECK(!r["section"].get<std::string>().empty());
    }
    auto t = run_kvmx({"topic", "arch/x86/kvm/vmx/nested.c", "arch/x86/kvm/svm/nested.c"});
    CHECK(t.status == 0);
    CHECK(t.out == "KVM: x86:\n");
    CHECK(run_kvmx({"topic", "arch/x86/kvm/vmx/nested.c"}).out == "KVM: nVMX:\n");
    CHECK(run_kvmx({"topic", "arch/x86/kvm/mmu/mmu.c", "tools/testing/selftests/kvm/x86_64/foo.c"}).out ==
          "KVM: x86/mmu:\n");
    CHECK(run_kvmx({"topic", "--profile", "kvm-unit-tests", "x86/vmx_tests.c"}).out == "nVMX:\n");
    CHECK(run_kvmx({"topic", "fs/ext4/inode.c"}).status == 2);
}

TEST_CASE("check walks a revision range with libgit2, skipping merges", "[cli][git]")
{
    testsupport::GitRepo repo;
    std::string base = repo.commit("Initial import\n", {{"arch/x86/kvm/x86.c", "int x;\n"}});
    std::string target = repo.commit("KVM: x86: Add the guest MAXPHYADDR lookup\n\nAdd it.\n\nSigned-off-by: Jane Developer <jane@example.com>\n",
                                     {{"arch/x86/kvm/x86.c", "int x;\nint y;\n"}});
    std::string side = repo.commit("kvm: x86: fix the lookup.\n\nFix it.\n\nFixes: " + target.substr(0, 12) +
                                       " (\"KVM: x86: Add the guest MAXPHYADDR lookups\")\nSigned-off-by: Jane Developer <jane@example.com>\n",
                                   {{"arch/x86/kvm/x86.c", "int x;\nint y = 1;\n"}});
    std::string merge = repo.commit("Merge branch 'topic'\n", {}, "Jane Developer <jane@example.com>",
                                    std::vector<std::string>{side, target});
    auto r = run_kvmx({"check", "--repo", repo.path().string(), "--format", "json", base + "..HEAD"});
    REQUIRE(r.status == 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["summary"]["patches"] == 2); // the merge is skipped
    bool target_checked = false, case_found = false;
    for (auto const& f : j["findings"]) {
        if (f["rule"] == "tags.fixes-target") {
            target_checked = true;
            CHECK(f["commit"] == side);
            CHECK(f["fix"].get<std::string>() == "Fixes: " + target.substr(0, 12) + " (\"KVM: x86: Add the guest MAXPHYADDR lookup\")");
        }
        if (f["rule"] == "shortlog.case")
            case_found = true;
        CHECK(f["commit"] != merge);
    }
    CHECK(target_checked);
    CHECK(case_found);
    // A single commit id, and an abbreviated one.
    auto single = run_kvmx({"check", "--repo", repo.path().string(), "--format", "json", target.substr(0, 10)});
    CHECK(single.status == 0);
    CHECK(nlohmann::json::parse(single.out)["summary"]["patches"] == 1);
    // Unknown revisions are input errors.
    auto unknown = run_kvmx({"check", "--repo", repo.path().string(), "deadbeef..HEAD"});
    CHECK(unknown.status == 2);
    // A corrupt repository is an input error, not a crash.
    testsupport::TempDir broken;
    fs::create_directories(broken.path() / ".git");
    testsupport::write_file(broken.path() / ".git" / "HEAD", "garbage\n");
    auto corrupt = run_kvmx({"check", "--repo", broken.path().string(), "HEAD"});
    CHECK(corrupt.status == 2);
}

TEST_CASE("root commits, empty commits and hostile messages do not crash", "[cli][git][bad-input]")
{
    testsupport::GitRepo repo;
    std::string root = repo.commit("KVM: x86: Add the first file\n\nSigned-off-by: Jane Developer <jane@example.com>\n",
                                   {{"arch/x86/kvm/x86.c", "int x;\n"}});
    std::string huge(1 << 20, 'a');
    for (std::size_t i = 80; i < huge.size(); i += 81)
        huge[i] = '\n';
    repo.commit("KVM: x86: Huge message\n\n" + huge + "\n\xff\xfe invalid utf-8\r\n\nSigned-off-by: Jane Developer <jane@example.com>\n",
                {{"arch/x86/kvm/x86.c", "int x;\nint z;\n"}, {"bin/blob.bin", std::string("\0\1\2\3", 4)}});
    auto r = run_kvmx({"check", "--repo", repo.path().string(), "--format", "json", root + "^!"});
    // "^!" is not a range kvmx supports: a clean input error.
    CHECK(r.status == 2);
    auto all = run_kvmx({"check", "--repo", repo.path().string(), "--format", "json", "..HEAD"});
    REQUIRE((all.status == 0 || all.status == 1));
    auto j = nlohmann::json::parse(all.out);
    CHECK(j["summary"]["patches"] == 2);
}

TEST_CASE("input that holds no patch is an error naming the file", "[cli][errors][bad-input]")
{
    testsupport::TempDir dir;
    std::string noise;
    for (int i = 0; i < 4096; ++i)
        noise += static_cast<char>((i * 7919 + 13) % 251);
    std::string const png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + noise;
    for (auto const& [name, data] : std::vector<std::pair<std::string, std::string>>{
             {"noise.eml", noise}, {"noise.mbox", noise}, {"image.eml", png}, {"noise.patch", noise},
             {"chat.eml", "From: a@example.org\nSubject: lunch?\n\nNoon at the usual place.\n"}}) {
        fs::path f = dir.path() / name;
        testsupport::write_file(f, data);
        auto r = run_kvmx({"check", f.string()});
        INFO(name << ": " << r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(f.string()) != std::string::npos);
        CHECK(r.out.find("0 patches checked") == std::string::npos);
    }
    fs::create_directories(dir.path() / "outgoing");
    testsupport::write_file(dir.path() / "outgoing" / "0001-x.patch", noise);
    auto r = run_kvmx({"check", (dir.path() / "outgoing").string()});
    CHECK(r.status == 2);
    CHECK(r.err.find("no patch to check") != std::string::npos);
}

TEST_CASE("format-patch output is checked as the given --sender will send it", "[cli]")
{
    // The export of a commit Jane wrote and Sean applied: correct as a file,
    // wrong when Joe sends it without signing off.
    auto exported = fixture("rules/tags.signoff/silent-export.patch");
    CHECK(run_kvmx({"check", exported}).status == 0);
    auto as_joe = run_kvmx({"check", "--sender", "Joe Other <joe@example.com>", exported});
    CHECK(as_joe.status == 1);
    CHECK(as_joe.out.find("the sender (Joe Other <joe@example.com>) has not signed off") != std::string::npos);
    CHECK(run_kvmx({"check", "--sender", "Sean Christopherson <seanjc@google.com>", exported}).status == 0);
    CHECK(run_kvmx({"check", "--sender", "nobody", exported}).status == 2);
}
