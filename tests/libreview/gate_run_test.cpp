// Gate results: sharding, baseline classification, selftest order, report
// merging, the JSON round trip and JUnit XML read back by a JUnit consumer.

#include "libreview/gate/run.h"
#include "libreview/gate/junit.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>
#include <sstream>

using namespace review;
using namespace review::gate;

namespace {

StepResult step(std::string kind, std::string name, std::string config, Status status,
                std::vector<std::string> signature = {})
{
    StepResult s;
    s.kind = std::move(kind);
    s.name = std::move(name);
    s.config = std::move(config);
    s.status = status;
    s.exit_code = status == Status::Fail ? 1 : status == Status::Skip ? 77 : 0;
    s.signature = std::move(signature);
    s.log = "logs/" + s.name + ".log";
    return s;
}

CommitResult commit(std::size_t index, std::vector<StepResult> steps, bool adds_tests = false)
{
    CommitResult c;
    c.index = index;
    c.commit = std::string(40, static_cast<char>('a' + index));
    c.title = "calc: Change " + std::to_string(index + 1);
    c.adds_tests = adds_tests;
    c.steps = std::move(steps);
    return c;
}

GateRun run_of(std::vector<CommitResult> commits)
{
    GateRun run;
    run.config = "calc";
    run.base = std::string(40, 'f');
    run.total = commits.size();
    run.commits = std::move(commits);
    return run;
}

std::multiset<std::string> rules_at(std::vector<Finding> const& findings)
{
    std::multiset<std::string> out;
    for (auto const& f : findings)
        out.insert(f.rule + "@" + f.location.commit.substr(0, 1));
    return out;
}

} // namespace

TEST_CASE("gate shards are contiguous and cover every commit once", "[gate][shard]")
{
    for (std::size_t total : {0u, 1u, 5u, 17u, 100u})
        for (std::size_t shards : {1u, 2u, 3u, 8u}) {
            std::size_t expect_begin = 0;
            for (std::size_t i = 1; i <= shards; ++i) {
                auto [b, e] = shard_range(total, i, shards);
                CHECK(b == expect_begin);
                CHECK(e >= b);
                CHECK(e - b <= total / shards + 1);
                expect_begin = e;
            }
            CHECK(expect_begin == total);
        }
    CHECK(parse_shard("2/4")->first == 2);
    CHECK(parse_shard("2/4")->second == 4);
    for (char const* bad : {"0/2", "3/2", "1/0", "1", "a/b", "1/2x", "/2"})
        CHECK(!parse_shard(bad));
}

TEST_CASE("gate baseline: the same failure on the base is pre-existing", "[gate][baseline]")
{
    auto at = step("test", "suite", "release", Status::Fail, {"FAIL: tests/known.t: calc add # #"});
    CHECK(classify_failure(at, nullptr) == Blame::New);
    auto base_pass = step("test", "suite", "release", Status::Pass);
    CHECK(classify_failure(at, &base_pass) == Blame::New);
    auto base_same = step("test", "suite", "release", Status::Fail,
                          {"FAIL: tests/known.t: calc add # #", "FAIL: tests/other.t: calc mul # #"});
    CHECK(classify_failure(at, &base_same) == Blame::PreExisting);
    auto base_other = step("test", "suite", "release", Status::Fail, {"FAIL: tests/other.t: calc mul # #"});
    CHECK(classify_failure(at, &base_other) == Blame::New);

    // Numbers that change between runs do not make a failure new.
    auto sig = failure_signature("$ make\ncalc.c:12:7: error: unused variable 'x'\nok 1\n[exit 1, 0.2s]\n");
    REQUIRE(sig.size() == 1);
    CHECK(sig[0] == "calc.c:#:#: error: unused variable 'x'");
    CHECK(failure_signature("calc.c:14:7: error: unused variable 'x'\n") == sig);

    GateRun run = run_of({commit(0, {step("test", "suite", "release", Status::Fail, {"FAIL: known"})})});
    run.baseline.push_back(step("test", "suite", "release", Status::Fail, {"FAIL: known"}));
    CHECK(rules_at(classify(run)) == std::multiset<std::string>{"gate.baseline@a"});
    run.baseline[0].status = Status::Pass;
    CHECK(rules_at(classify(run)) == std::multiset<std::string>{"gate.tests@a"});
}

TEST_CASE("gate proves series.selftest-order from test results", "[gate][order]")
{
    // Test added at 2 fails until the fix at 3: selftest order, not gate.tests.
    GateRun run = run_of({
        commit(0, {step("build", "release", "release", Status::Pass), step("test", "suite", "release", Status::Pass)}),
        commit(1, {step("build", "release", "release", Status::Pass), step("test", "suite", "release", Status::Fail)},
               true),
        commit(2, {step("build", "release", "release", Status::Pass), step("test", "suite", "release", Status::Pass)}),
    });
    auto findings = classify(run);
    CHECK(rules_at(findings) == std::multiset<std::string>{"series.selftest-order@b"});
    CHECK(findings[0].message.find("ccccccccccc") != std::string::npos);

    // A test failure never fixed later is a broken commit.
    run.commits[2].steps[1].status = Status::Fail;
    CHECK(rules_at(classify(run)) == std::multiset<std::string>{"gate.tests@b", "gate.tests@c"});

    // Fixed later, but the failing commit added no test: a regression that a
    // later commit repaired still breaks bisection at that commit.
    run.commits[2].steps[1].status = Status::Pass;
    run.commits[1].adds_tests = false;
    CHECK(rules_at(classify(run)) == std::multiset<std::string>{"gate.tests@b"});

    // Builds and tiers.
    run.commits[1].steps[0].status = Status::Fail;
    run.commits[1].steps[1].status = Status::Skip;
    run.tier = "next";
    CHECK(rules_at(classify(run)) == std::multiset<std::string>{"gate.build@b", "gate.branch-tier@b"});
    CHECK(first_failures(run).at("release") == 1);
}

TEST_CASE("gate shard reports merge and classify as one run", "[gate][merge]")
{
    GateRun whole = run_of({
        commit(0, {step("test", "suite", "release", Status::Fail)}, true),
        commit(1, {step("test", "suite", "release", Status::Pass)}),
        commit(2, {step("variant", "tdp-off", "release", Status::Fail)}),
    });
    GateRun a = whole, b = whole;
    a.commits = {whole.commits[0]};
    a.shard = 1;
    a.shards = 2;
    b.commits = {whole.commits[1], whole.commits[2]};
    b.shard = 2;
    b.shards = 2;
    CHECK(rules_at(classify(a)) == std::multiset<std::string>{"gate.tests@a"});
    // Through JSON, as `kvmx gate merge` reads them, and in either order.
    auto ra = from_json(to_json(a), "a.json");
    auto rb = from_json(to_json(b), "b.json");
    REQUIRE(ra);
    REQUIRE(rb);
    auto merged = merge({*rb, *ra});
    REQUIRE(merged);
    CHECK(merged->commits.size() == 3);
    CHECK(merged->commits[0].index == 0);
    CHECK(merged->notes.empty());
    CHECK(rules_at(classify(*merged)) ==
          std::multiset<std::string>{"series.selftest-order@a", "gate.variants@c"});

    auto partial = merge({*ra});
    REQUIRE(partial);
    REQUIRE(partial->notes.size() == 1);
    CHECK(partial->notes[0].find("2 of 3 commits are missing") != std::string::npos);

    GateRun other = b;
    other.config = "xenvmm";
    CHECK(!merge({a, other}));
    CHECK(!from_json(nlohmann::json{{"format", "sarif"}}, "x.json"));
}

TEST_CASE("gate JUnit XML parses back in a JUnit consumer", "[gate][junit]")
{
    GateRun run = run_of({
        commit(0, {step("build", "release", "release", Status::Pass), step("test", "suite", "release", Status::Pass)}),
        commit(1, {step("build", "release", "release", Status::Fail, {"calc.c:#:#: error: <unused> & \"x\""}),
                   step("test", "suite", "release", Status::Skip)}),
        commit(2, {step("build", "release", "release", Status::Pass),
                   step("test", "suite", "release", Status::Fail, {"FAIL: known"})}),
    });
    run.baseline.push_back(step("test", "suite", "release", Status::Fail, {"FAIL: known"}));
    run.commits[0].title = "calc: Quote \"this\" & <that>";
    std::ostringstream xml;
    write_junit(run, xml);

    // Python's ElementTree stands in for the CI system reading the file.
    testsupport::TempDir dir;
    testsupport::write_file(dir.path() / "junit.xml", xml.str());
    std::string cmd = "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                      "print(r.tag, r.get('tests'), r.get('failures'), r.get('skipped'), len(r.findall('testsuite')), "
                      "len(r.findall('.//testcase')), len(r.findall('.//failure')), len(r.findall('.//skipped'))); "
                      "print(r.find('testsuite').get('name')); print(r.find('.//failure').text.strip())\" " +
                      (dir.path() / "junit.xml").string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p))
        out += buf;
    int status = pclose(p);
    INFO(xml.str());
    INFO(out);
    REQUIRE(status == 0);
    // 3 suites x (checks + build + test) = 9 cases; 1 failure (the build);
    // the skipped test after it and the pre-existing failure are skipped.
    CHECK(out == "testsuites 9 1 2 3 9 1 2\n"
                 "[1/3] aaaaaaaaaaaa calc: Quote \"this\" & <that>\n"
                 "calc.c:#:#: error: <unused> & \"x\"\n");
}
