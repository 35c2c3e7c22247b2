// kvmx gate end to end over a throwaway repository holding a stand-in C
// project (tests/fixtures/gate): per-commit builds with and without -Werror,
// a shell test suite, a path-triggered variant and a docs build.

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>

using namespace testsupport;

namespace {

std::string fixture(std::string const& name) { return read_file(fixtures_dir() / "gate" / name); }

std::string const sob = "\n\nSigned-off-by: Jane Developer <jane@example.com>\n";

std::map<std::string, std::string> base_files()
{
    return {{"calc.c", fixture("calc.c")},
            {"parse.h", fixture("parse.h")},
            {"tests/run.sh", fixture("run.sh")},
            {"tests/check_rst.sh", fixture("check_rst.sh")},
            {"tests/add.t", "5 add 2 3\n"},
            {"docs/calc.rst", "calc\n====\n\nAdds and multiplies.\n"}};
}

std::string replace(std::string text, std::string const& from, std::string const& to)
{
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

struct Gate {
    RunResult result;
    nlohmann::json report;
    std::vector<std::string> tmp_left; // entries the gate left in TMPDIR
};

// Run the gate with TMPDIR pointed at a fresh directory, so the test can
// see that the private tree is gone afterwards.
Gate run_gate(GitRepo const& repo, std::vector<std::string> args, TempDir const& out)
{
    TempDir tmp;
    std::string old = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "";
    setenv("TMPDIR", tmp.path().c_str(), 1);
    std::vector<std::string> full = {"gate", "--config", (fixtures_dir() / "gate" / "calc.yaml").string(),
                                     "--repo", repo.path().string(), "--output", out.path().string(), "-j", "1",
                                     "--format", "json"};
    full.insert(full.end(), args.begin(), args.end());
    Gate g;
    g.result = run_kvmx(full);
    if (old.empty())
        unsetenv("TMPDIR");
    else
        setenv("TMPDIR", old.c_str(), 1);
    INFO(g.result.err);
    if (!g.result.out.empty())
        g.report = nlohmann::json::parse(g.result.out);
    for (auto const& e : std::filesystem::directory_iterator(tmp.path()))
        g.tmp_left.push_back(e.path().filename().string());
    return g;
}

// "rule@position" for gate and series findings; message checks are left out.
std::set<std::string> gate_findings(nlohmann::json const& report)
{
    std::map<std::string, std::size_t> position;
    for (auto const& c : report["commits"])
        position[c["commit"].get<std::string>()] = c["index"].get<std::size_t>() + 1;
    std::set<std::string> out;
    for (auto const& f : report["findings"]) {
        std::string rule = f["rule"];
        if (!rule.starts_with("gate.") && !rule.starts_with("series."))
            continue;
        out.insert(rule + "@" + std::to_string(position[f["commit"].get<std::string>()]));
    }
    return out;
}

std::string step_status(nlohmann::json const& report, std::size_t position, std::string const& key)
{
    for (auto const& s : report["commits"][position - 1]["steps"])
        if (s["kind"].get<std::string>() + ":" + s["name"].get<std::string>() == key)
            return s["status"];
    return "absent";
}

} // namespace

TEST_CASE("gate reports exactly the broken commits and the selftest-order problem", "[gate][cli]")
{
    GitRepo repo;
    std::string base = repo.commit("calc: Add the calculator" + sob, base_files());
    std::string hex_parse = replace(fixture("parse.h"), "10)", "0)");
    repo.commit("calc: Accept hexadecimal operands\n\nParse 0x-prefixed operands so addresses can be added." + sob,
                {{"parse.h", hex_parse}, {"tests/parse.t", "16 add 0x10 0\n"}});
    std::string unused = replace(fixture("calc.c"), "\tif (argc != 4)", "\tint unused;\n\n\tif (argc != 4)");
    repo.commit("calc: Prepare for more operations\n\nReserve a local for the operation table." + sob,
                {{"calc.c", unused}});
    repo.commit("calc: Drop the unused local\n\nRemove the local that broke the -Werror build." + sob,
                {{"calc.c", fixture("calc.c")}});
    repo.commit("calc: Test multiplication\n\nCover mul with a test case." + sob, {{"tests/mul.t", "12 mul 3 4\n"}});
    std::string fixed = replace(fixture("calc.c"), "printf(\"%ld\\n\", a + b);\n\telse\n",
                                "printf(\"%ld\\n\", a * b);\n\telse\n");
    std::string head = repo.commit("calc: Multiply in mul\n\nCompute a product instead of a sum in mul." + sob,
                                   {{"calc.c", fixed}});

    TempDir out;
    Gate g = run_gate(repo, {base + ".." + head}, out);
    INFO(g.result.out << g.result.err);
    CHECK(g.result.status == 1);
    CHECK(gate_findings(g.report) ==
          std::set<std::string>{"gate.build@2", "series.selftest-order@4"});
    // The -Werror build fails only in the release configuration; the tests
    // against it are skipped there, the debug ones still run.
    CHECK(step_status(g.report, 2, "build:release") == "fail");
    CHECK(step_status(g.report, 2, "build:debug") == "pass");
    CHECK(step_status(g.report, 2, "test:suite") == "skip");
    CHECK(step_status(g.report, 2, "test:suite-debug") == "pass");
    CHECK(step_status(g.report, 4, "test:suite") == "fail");
    CHECK(step_status(g.report, 5, "test:suite") == "pass");
    // The variant runs only where parse.h changes; the docs build where .rst does.
    CHECK(step_status(g.report, 1, "variant:parser-fuzz") == "pass");
    CHECK(step_status(g.report, 2, "variant:parser-fuzz") == "absent");
    CHECK(g.report["first_failures"]["release"]["index"] == 1);
    CHECK(g.report["first_failures"]["debug"]["index"] == 3);
    // Failures were re-run on the base, where they pass.
    CHECK(g.report["baseline"].size() >= 2);
    // Logs are kept, the private tree is gone, the repository is untouched.
    auto log = g.report["commits"][1]["steps"][0]["log"].get<std::string>();
    CHECK(read_file(out.path() / log).find("unused") != std::string::npos);
    CHECK(std::filesystem::exists(out.path() / "junit.xml"));
    CHECK(g.tmp_left.empty());
    for (auto const& e : std::filesystem::directory_iterator(repo.path()))
        CHECK(e.path().filename() == ".git");
    // Message checks ran on every commit.
    for (auto const& c : g.report["commits"])
        CHECK(c.contains("checks"));

    // The same changes with the fix before its test: nothing to report.
    GitRepo good;
    std::string b2 = good.commit("calc: Add the calculator" + sob, base_files());
    good.commit("calc: Accept hexadecimal operands\n\nParse 0x-prefixed operands so addresses can be added." + sob,
                {{"parse.h", hex_parse}, {"tests/parse.t", "16 add 0x10 0\n"}});
    good.commit("calc: Multiply in mul\n\nCompute a product instead of a sum in mul." + sob, {{"calc.c", fixed}});
    std::string h2 = good.commit("calc: Test multiplication\n\nCover mul with a test case." + sob,
                                 {{"tests/mul.t", "12 mul 3 4\n"}});
    TempDir out2;
    Gate g2 = run_gate(good, {b2 + ".." + h2}, out2);
    INFO(g2.result.out << g2.result.err);
    CHECK(gate_findings(g2.report).empty());
    CHECK(g2.report["baseline"].empty());
    CHECK(g2.tmp_left.empty());
}

TEST_CASE("gate does not blame a failure the base commit has too", "[gate][cli]")
{
    GitRepo repo;
    auto files = base_files();
    files["tests/known.t"] = "1 add 0 0\n"; // a known failure, as KVM selftests have
    std::string base = repo.commit("calc: Add the calculator" + sob, files);
    std::string head = repo.commit("calc: Explain mul\n\nDescribe the operation table." + sob,
                                   {{"docs/mul.rst", "mul\n===\n\nMultiplies.\n"}});
    TempDir out;
    Gate g = run_gate(repo, {base + ".." + head}, out);
    INFO(g.result.out << g.result.err);
    CHECK(g.result.status == 0);
    CHECK(gate_findings(g.report) == std::set<std::string>{"gate.baseline@1"});
    CHECK(step_status(g.report, 1, "docs:docs") == "pass");
}

TEST_CASE("gate applies a series from patch files onto its base-commit", "[gate][cli]")
{
    GitRepo repo;
    std::string base = repo.commit("calc: Add the calculator" + sob, base_files());
    TempDir dir;
    std::string patch = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
                        "From: Jane Developer <jane@example.com>\n"
                        "Date: Mon, 18 Sep 2023 14:40:59 +0000\n"
                        "Subject: [PATCH 1/2] calc: Document the operations\n"
                        "\n"
                        "List the operations calc knows.\n" +
                        sob.substr(1) +
                        "---\n"
                        " docs/ops.rst | 2 ++\n"
                        " 1 file changed, 2 insertions(+)\n"
                        "\n"
                        "diff --git a/docs/ops.rst b/docs/ops.rst\n"
                        "new file mode 100644\n"
                        "--- /dev/null\n"
                        "+++ b/docs/ops.rst\n"
                        "@@ -0,0 +1,2 @@\n"
                        "+Operations\n"
                        "+==\n"
                        "\n"
                        "base-commit: " +
                        base +
                        "\n"
                        "-- \n"
                        "2.39.2\n";
    std::string second = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
                         "From: Jane Developer <jane@example.com>\n"
                         "Date: Mon, 18 Sep 2023 14:41:59 +0000\n"
                         "Subject: [PATCH 2/2] calc: Test addition of zero\n"
                         "\n"
                         "Cover the identity element.\n" +
                         sob.substr(1) +
                         "---\n"
                         "diff --git a/tests/zero.t b/tests/zero.t\n"
                         "new file mode 100644\n"
                         "--- /dev/null\n"
                         "+++ b/tests/zero.t\n"
                         "@@ -0,0 +1 @@\n"
                         "+0 add 0 0\n"
                         "-- \n"
                         "2.39.2\n";
    write_file(dir.path() / "0002-calc-Test-addition-of-zero.patch", second);
    write_file(dir.path() / "0001-calc-Document-the-operations.patch", patch);
    TempDir out;
    Gate g = run_gate(repo, {dir.path().string()}, out);
    INFO(g.result.out << g.result.err);
    REQUIRE(g.report.contains("commits"));
    REQUIRE(g.report["commits"].size() == 2);
    CHECK(g.report["base"] == base);
    CHECK(g.report["commits"][0]["title"] == "calc: Document the operations");
    // The short title underline fails the docs build at the first patch only.
    CHECK(step_status(g.report, 1, "docs:docs") == "fail");
    CHECK(step_status(g.report, 2, "test:suite") == "pass");
    std::set<std::string> rules;
    for (auto const& f : g.report["findings"])
        if (f["rule"].get<std::string>().starts_with("gate."))
            rules.insert(f["rule"].get<std::string>() + "@" + f["file"].get<std::string>().substr(
                                                                  f["file"].get<std::string>().rfind('/') + 1));
    CHECK(rules == std::set<std::string>{"gate.docs@0001-calc-Document-the-operations.patch"});
    CHECK(g.result.status == 1);
    CHECK(g.tmp_left.empty());

    // The same series as one mbox: the patches are told apart by line.
    TempDir mbox_dir, out_mbox;
    write_file(mbox_dir.path() / "series.mbox", patch + "\n" + second);
    Gate m = run_gate(repo, {(mbox_dir.path() / "series.mbox").string()}, out_mbox);
    INFO(m.result.out << m.result.err);
    REQUIRE(m.report["commits"].size() == 2);
    std::string first_source = m.report["commits"][0]["source"];
    std::string second_source = m.report["commits"][1]["source"];
    CHECK(first_source.find("series.mbox:") != std::string::npos);
    CHECK(second_source.find("series.mbox:") != std::string::npos);
    CHECK(first_source != second_source);
    CHECK(step_status(m.report, 1, "docs:docs") == "fail");
}

TEST_CASE("gate shards merge into the report of one run", "[gate][cli]")
{
    GitRepo repo;
    std::string base = repo.commit("calc: Add the calculator" + sob, base_files());
    repo.commit("calc: Test multiplication\n\nCover mul with a test case." + sob, {{"tests/mul.t", "12 mul 3 4\n"}});
    std::string fixed = replace(fixture("calc.c"), "printf(\"%ld\\n\", a + b);\n\telse\n",
                                "printf(\"%ld\\n\", a * b);\n\telse\n");
    std::string head = repo.commit("calc: Multiply in mul\n\nCompute a product instead of a sum in mul." + sob,
                                   {{"calc.c", fixed}});
    TempDir out1, out2, merged;
    Gate s1 = run_gate(repo, {"--shard", "1/2", base + ".." + head}, out1);
    Gate s2 = run_gate(repo, {"--shard", "2/2", base + ".." + head}, out2);
    REQUIRE(s1.report["commits"].size() == 1);
    REQUIRE(s2.report["commits"].size() == 1);
    // Shard 1 alone sees a failing test; only the merge shows it is fixed later.
    CHECK(gate_findings(s1.report).count("gate.tests@1") == 1);
    auto m = run_kvmx({"gate", "merge", "--format", "json", "--output", merged.path().string(),
                       (out1.path() / "report.json").string(), (out2.path() / "report.json").string()});
    INFO(m.err);
    auto report = nlohmann::json::parse(m.out);
    CHECK(report["commits"].size() == 2);
    CHECK(gate_findings(report) == std::set<std::string>{"series.selftest-order@1"});
    CHECK(m.status == 1);
    CHECK(std::filesystem::exists(merged.path() / "junit.xml"));
}

TEST_CASE("gate refuses bad options with a reason", "[gate][cli]")
{
    GitRepo repo;
    std::string base = repo.commit("calc: Add the calculator" + sob, base_files());
    TempDir out;
    auto r = run_kvmx({"gate", "--config", (fixtures_dir() / "gate" / "calc.yaml").string(), "--repo",
                       repo.path().string(), "--output", out.path().string(), "--tier", "nxet", base});
    CHECK(r.status == 2);
    CHECK(r.err.find("did you mean 'next'") != std::string::npos);
    r = run_kvmx({"gate", "--shard", "3/2", base});
    CHECK(r.status == 2);
    CHECK(r.err.find("--shard") != std::string::npos);
    r = run_kvmx({"gate", "--config", "xenvm", base});
    CHECK(r.status == 2);
    CHECK(r.err.find("did you mean 'xenvmm'") != std::string::npos);
}

TEST_CASE("gate skips merge commits and compares each commit with its own parent", "[gate][cli][merge]")
{
    GitRepo repo;
    std::string base = repo.commit("calc: Add the calculator" + sob, base_files());
    std::string docs = repo.commit("docs: Say what calc prints\n\nName the output format." + sob,
                                   {{"docs/calc.rst", "calc\n====\n\nAdds and multiplies; prints one number.\n"}});
    // A side branch off the base (the helper's trees accumulate, so it
    // carries the docs change too) that changes the parser.
    std::string hex_parse = replace(fixture("parse.h"), "10)", "0)");
    std::string side = repo.commit(
        "calc: Accept hexadecimal operands\n\nParse 0x-prefixed operands so addresses can be added." + sob,
        {{"parse.h", hex_parse}, {"tests/parse.t", "16 add 0x10 0\n"}}, "Jane Developer <jane@example.com>",
        std::vector<std::string>{base});
    std::string merge = repo.commit("Merge branch 'hex'" + sob, {}, "Jane Developer <jane@example.com>",
                                    std::vector<std::string>{docs, side});
    std::string after = repo.commit("calc: Test multiplication\n\nCover mul with a test case." + sob,
                                    {{"tests/sub.t", "1 add 0 1\n"}});

    // The walk itself: Merges::Skip leaves the merge out, Include keeps it.
    auto skipped = repo.repository().resolve(base + ".." + after);
    REQUIRE(skipped);
    CHECK(std::set<std::string>(skipped->begin(), skipped->end()) == std::set<std::string>{docs, side, after});
    auto all = repo.repository().resolve(base + ".." + after, review::git::Merges::Include);
    REQUIRE(all);
    CHECK(all->size() == 4);
    CHECK(std::count(all->begin(), all->end(), merge) == 1);
    auto lone = repo.repository().resolve(merge);
    REQUIRE(lone);
    CHECK(lone->empty());

    TempDir out;
    Gate g = run_gate(repo, {base + ".." + after}, out);
    INFO(g.result.out << g.result.err);
    CHECK(g.result.status == 0);
    CHECK(g.report["total"] == 3);
    std::set<std::string> gated;
    for (auto const& c : g.report["commits"])
        gated.insert(c["commit"].get<std::string>());
    CHECK(gated == std::set<std::string>{docs, side, after});
    CHECK(g.report["base"] == base);
    // The parser variant runs where parse.h changed against the commit's
    // own parent: on the side commit, not on the commit after the merge.
    for (auto const& c : g.report["commits"]) {
        bool variant = false;
        for (auto const& s : c["steps"])
            variant = variant || s["name"] == "parser-fuzz";
        INFO(c["title"]);
        CHECK(variant == (c["commit"] == side));
    }

    // A single revision naming the merge gates nothing, and says why.
    TempDir out2;
    Gate lone_gate = run_gate(repo, {merge}, out2);
    CHECK(lone_gate.result.status == 2);
    CHECK(lone_gate.result.err.find("names no commits (merges are skipped)") != std::string::npos);
}
