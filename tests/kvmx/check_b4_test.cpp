// kvmx check --b4-check: b4's external-check protocol, one RFC 822 patch on
// stdin, [{"tool", "status", "summary", "url", "details"}] on stdout.

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

using namespace testsupport;

TEST_CASE("kvmx check --b4-check speaks b4's external-check protocol", "[check][ci]")
{
    TempDir dir;
    std::string patch = "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n"
                        "From: Jane Developer <jane@example.com>\n"
                        "Date: Mon, 18 Sep 2023 14:40:59 +0000\n"
                        "Subject: [PATCH] KVM: x86: fixed the thing\n"
                        "Message-ID: <20230918144059.1-jane@example.com>\n"
                        "\n"
                        "we fixed it\n"
                        "---\n"
                        "diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
                        "--- a/arch/x86/kvm/x86.c\n"
                        "+++ b/arch/x86/kvm/x86.c\n"
                        "@@ -1,1 +1,1 @@\n"
                        "-int a;\n"
                        "+int b;\n";
    write_file(dir.path() / "p.eml", patch);
    auto r = run_kvmx({"check", "--b4-check"}, dir.path(), dir.path() / "p.eml");
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    REQUIRE(!j.empty());
    std::set<std::string> statuses;
    bool signoff = false;
    for (auto const& e : j) {
        std::set<std::string> keys;
        for (auto const& [k, _] : e.items())
            keys.insert(k);
        CHECK(keys == std::set<std::string>{"tool", "status", "summary", "url", "details"});
        CHECK(e["tool"] == "kvmx");
        statuses.insert(e["status"]);
        signoff = signoff || e["summary"].get<std::string>().find("tags.signoff") != std::string::npos;
    }
    CHECK(signoff); // no Signed-off-by: an error
    CHECK(statuses.count("fail") == 1);
    for (auto const& st : statuses)
        CHECK((st == "pass" || st == "warn" || st == "fail"));

    // Empty stdin and arguments besides --b4-check are errors (exit 2).
    write_file(dir.path() / "empty", "");
    auto e = run_kvmx({"check", "--b4-check"}, dir.path(), dir.path() / "empty");
    CHECK(e.status == 2);
    CHECK(e.err.find("<stdin>") != std::string::npos);
    auto a = run_kvmx({"check", "--b4-check", "HEAD"}, dir.path(), dir.path() / "p.eml");
    CHECK(a.status == 2);
}
