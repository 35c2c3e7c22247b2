// Gate configuration loading: keys, typos with "did you mean", tiers and the
// embedded configurations.

#include "libreview/gate/config.h"

#include <catch2/catch.hpp>

using namespace review::gate;

namespace {

std::string const minimal = R"(gate: t
builds:
  - name: release
    commands: make
tests:
  - name: unit
    build: release
    commands: [make check]
)";

} // namespace

TEST_CASE("gate config reads builds, tests, variants, docs and tiers", "[gate][config]")
{
    auto c = parse_config(R"(gate: demo
test-paths: [tests/*]
builds:
  - name: release
    env: {CFLAGS: -Werror}
    commands: [make, make install]
tests:
  - name: unit
    build: release
    commands: make check
  - name: slow
    build: release
    commands: make slowcheck
    skip-status: 4
variants:
  - name: tdp-off
    build: release
    paths: [mmu/*]
    commands: make check TDP=0
docs:
  commands: make htmldocs
tiers:
  queue: {tests: [unit, tdp-off]}
  next: {extends: queue, tests: [slow, docs]}
)",
                          "demo.yaml");
    INFO((c ? "" : c.error().describe()));
    REQUIRE(c);
    CHECK(c->name == "demo");
    REQUIRE(c->builds.size() == 1);
    CHECK(c->builds[0].commands.size() == 2);
    CHECK(c->builds[0].env.front().first == "CFLAGS");
    REQUIRE(c->steps.size() == 4);
    CHECK(c->step("slow")->skip_status == 4);
    CHECK(c->step("unit")->skip_status == 77);
    CHECK(c->step("tdp-off")->kind == StepKind::Variant);
    CHECK(c->step("docs")->kind == StepKind::Docs);
    CHECK(c->step("docs")->paths == std::vector<std::string>{"*.rst"});
    auto next = c->tier_steps("next");
    REQUIRE(next);
    CHECK(*next == std::vector<std::string>{"unit", "tdp-off", "slow", "docs"});
    CHECK(*c->tier_steps("queue") == std::vector<std::string>{"unit", "tdp-off"});
    auto bad = c->tier_steps("nxet");
    REQUIRE(!bad);
    CHECK(bad.error().message.find("did you mean 'next'") != std::string::npos);
}

TEST_CASE("gate config typos get did-you-mean with file and line", "[gate][config]")
{
    struct Case {
        std::string text;
        std::string expect;
        int line;
    };
    std::vector<Case> cases = {
        {"gate: t\nbulds: []\n", "unknown gate configuration key 'bulds'; did you mean 'builds'?", 2},
        {"gate: t\nbuilds:\n  - name: r\n    comands: make\n", "unknown build key 'comands'; did you mean 'commands'?", 4},
        {minimal + "  - name: x\n    buld: release\n    commands: true\n",
         "unknown test key 'buld'; did you mean 'build'?", 10},
        {minimal + "  - name: x\n    build: relase\n    commands: true\n",
         "'x' runs against unknown build 'relase'; did you mean 'release'?", 10},
        {minimal + "tiers:\n  queue: {tests: [unti]}\n", "tier 'queue' names unknown test 'unti'; did you mean 'unit'?",
         10},
        {minimal + "tiers:\n  queue: {tsets: [unit]}\n", "unknown tier key 'tsets'; did you mean 'tests'?", 10},
        {minimal + "variants:\n  - name: v\n    commands: true\n", "variant 'v' needs paths that trigger it", 10},
        {"gate: t\nbuilds:\n  - name: r\n", "build 'r' needs commands", 3},
    };
    for (auto const& c : cases) {
        auto r = parse_config(c.text, "g.yaml");
        INFO(c.text);
        REQUIRE(!r);
        CHECK(r.error().message == c.expect);
        CHECK(r.error().file == "g.yaml");
        CHECK(r.error().line == c.line);
    }
}

TEST_CASE("embedded gate configurations load", "[gate][config]")
{
    auto names = builtin_config_names();
    CHECK(std::find(names.begin(), names.end(), "xenvmm") != names.end());
    CHECK(std::find(names.begin(), names.end(), "kernel-example") != names.end());
    auto x = load_config("");
    REQUIRE(x);
    CHECK(x->name == "xenvmm");
    CHECK(x->build("release"));
    CHECK(x->build("debug-asan"));
    CHECK(x->step("conformance"));
    REQUIRE(x->step("all-irq-modes"));
    CHECK(x->step("all-irq-modes")->kind == StepKind::Variant);
    auto k = load_config("kernel-example");
    INFO((k ? "" : k.error().describe()));
    REQUIRE(k);
    CHECK(k->default_tier == "queue");
    CHECK(k->step("tdp-disabled")->kind == StepKind::Variant);
    CHECK(k->step("htmldocs")->kind == StepKind::Docs);
    auto missing = load_config("xenvm");
    REQUIRE(!missing);
    CHECK(missing.error().message.find("did you mean 'xenvmm'") != std::string::npos);
}

TEST_CASE("gate path patterns cover subtrees", "[gate][config]")
{
    CHECK(path_matches("arch/x86/kvm/mmu/mmu.c", {"arch/x86/kvm/mmu/*"}));
    CHECK(path_matches("Documentation/virt/kvm/api.rst", {"*.rst"}));
    CHECK(!path_matches("arch/x86/kvm/x86.c", {"arch/x86/kvm/mmu/*", "*.rst"}));
}

TEST_CASE("the kvm-x86 configuration follows the handbook's Testing section", "[gate][config][kernel]")
{
    auto k = load_config("kvm-x86");
    INFO((k ? "" : k.error().describe()));
    REQUIRE(k);
    CHECK(k->name == "kvm-x86");
    CHECK(k->ccache);
    CHECK(k->preflight.size() >= 6);
    // Three build configurations, each with KVM_WERROR, out of tree, building
    // arch/x86/kvm/ (not vmlinux) at every commit.
    REQUIRE(k->builds.size() == 3);
    for (auto const& b : k->builds) {
        INFO(b.name);
        std::string all;
        for (auto const& c : b.commands)
            all += c + "\n";
        CHECK(all.find("-e KVM_WERROR") != std::string::npos);
        CHECK(all.find("-m KVM_INTEL -m KVM_AMD") != std::string::npos);
        CHECK(all.find("O=\"$KVMX_GATE_BUILD\"") != std::string::npos);
        CHECK(b.commands.back().find("arch/x86/kvm/") != std::string::npos);
        CHECK(all.find("vmlinux") == std::string::npos);
    }
    auto commands_of = [&](std::string const& name) {
        std::string all;
        for (auto const& c : k->build(name)->commands)
            all += c;
        return all;
    };
    CHECK(commands_of("kvm").find("-e KVM_SMM -e KVM_XEN") != std::string::npos);
    CHECK(commands_of("no-smm-no-xen").find("-d KVM_SMM -d KVM_XEN") != std::string::npos);
    CHECK(commands_of("prove-locking").find("-e PROVE_LOCKING") != std::string::npos);
    // Path-triggered variants: the mmu ones for mmu changes only.
    for (std::string v : {"tdp-disabled", "prove-mmu"}) {
        REQUIRE(k->step(v));
        CHECK(k->step(v)->kind == StepKind::Variant);
        CHECK(path_matches("arch/x86/kvm/mmu/mmu.c", k->step(v)->paths));
        CHECK(path_matches("arch/x86/kvm/mmu.h", k->step(v)->paths));
        CHECK(!path_matches("arch/x86/kvm/x86.c", k->step(v)->paths));
    }
    CHECK(path_matches("arch/x86/kvm/vmx/pmu_intel.c", k->step("enable-pmu-off")->paths));
    // Tiers: queue < host < hardware < next; the hardware tier's steps carry
    // the check that reports "not run here" instead of running them.
    auto queue = k->tier_steps("queue");
    REQUIRE(queue);
    CHECK(*queue == std::vector<std::string>{"selftests-build", "prove-mmu", "htmldocs"});
    auto host = k->tier_steps("host");
    REQUIRE(host);
    CHECK(host->back() == "selftests-host");
    auto hw = k->tier_steps("hardware");
    REQUIRE(hw);
    for (std::string s : {"selftests-new-kvm", "kvm-unit-tests", "tdp-disabled", "enable-pmu-off"}) {
        INFO(s);
        CHECK(std::find(hw->begin(), hw->end(), s) != hw->end());
        CHECK(std::find(host->begin(), host->end(), s) == host->end());
        CHECK(!k->step(s)->requires_check.empty());
        CHECK(!k->step(s)->requires_reason.empty());
    }
    CHECK(*k->tier_steps("next") == *hw);
    CHECK(k->step("selftests-host")->requires_check.empty()); // runs here, against /dev/kvm
    CHECK(k->default_tier == "queue");
}

TEST_CASE("gate config reads requires, preflight, ccache and NIPA exit codes", "[gate][config]")
{
    auto c = parse_config(R"(gate: t
ccache: true
preflight:
  - check: test -f Kbuild
    error: not a kernel tree
builds:
  - name: b
    commands: make
tests:
  - name: hw
    build: b
    exit-codes: nipa
    requires: {check: test -e /dev/hw, reason: needs the hardware}
    commands: run
)", "t.yaml");
    INFO((c ? "" : c.error().describe()));
    REQUIRE(c);
    CHECK(c->ccache);
    REQUIRE(c->preflight.size() == 1);
    CHECK(c->preflight[0].error == "not a kernel tree");
    CHECK(c->step("hw")->nipa_exit_codes);
    CHECK(c->step("hw")->requires_reason == "needs the hardware");
    auto bad = parse_config(minimal + "    exit-codes: nipah\n", "bad.yaml");
    REQUIRE(!bad);
    CHECK(bad.error().describe().find("bad.yaml:9") != std::string::npos);
    CHECK(bad.error().message.find("'plain' or 'nipa'") != std::string::npos);
    auto half = parse_config(minimal + "    requires: {check: true}\n", "half.yaml");
    REQUIRE(!half);
    CHECK(half.error().message.find("both check") != std::string::npos);
    auto typo = parse_config(minimal + "    requires: {check: true, reasn: x}\n", "typo.yaml");
    REQUIRE(!typo);
    CHECK(typo.error().message.find("reason") != std::string::npos);
}
