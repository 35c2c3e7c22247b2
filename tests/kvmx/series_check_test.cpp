// kvmx check over the seed postings: golden text output for seed 000 (v2
// and v3 of the Xen shared_info series) and seed 001 (the handbook v2).

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

TEST_CASE("seed 000 reports what the maintainer reported", "[series][seed][kvmx]")
{
    fs::path dir = testsupport::fixtures_dir() / "series";
    auto r = testsupport::run_kvmx({"check", "seed000/v2.mbox", "seed000/v3.mbox"}, dir);
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(r.out == testsupport::read_file(dir / "seed000" / "expected.txt"));
    // The four complaints of the thread, once each.
    for (char const* rule : {"[series.version-log]", "[series.version-copy]", "[series.cadence]", "[series.cc-all]"}) {
        INFO(rule);
        auto first = r.out.find(rule);
        CHECK(first != std::string::npos);
        CHECK(r.out.find(rule, first + 1) == std::string::npos);
    }
    CHECK(r.out.find("unknown topic 'selftests / xen'") != std::string::npos);
    CHECK(r.out.find("[shortlog.capitalize]") != std::string::npos);
}

TEST_CASE("seed 001's handbook v2 passes the series rules", "[series][seed][kvmx]")
{
    fs::path dir = testsupport::fixtures_dir() / "series";
    auto r = testsupport::run_kvmx({"check", "seed001/v1.mbox", "seed001/v2.mbox"}, dir);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.out == testsupport::read_file(dir / "seed001" / "expected.txt"));
    CHECK(r.out.find("[series.") == std::string::npos);
}

TEST_CASE("kvmx check groups JSON findings by series", "[series][kvmx]")
{
    fs::path dir = testsupport::fixtures_dir() / "series";
    auto r = testsupport::run_kvmx({"check", "--format", "json", "seed000/v2.mbox", "seed000/v3.mbox"}, dir);
    CHECK(r.status == 1);
    CHECK(r.out.find("\"series\": \"KVM: xen: update shared_info and vcpu_info handling v3\"") != std::string::npos);
}
