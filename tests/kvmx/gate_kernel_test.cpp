// The builtin kvm-x86 gate configuration (rules/gate/kvm-x86.yaml) run end to
// end over a tiny stand-in kernel tree (tests/fixtures/gate/kernel: a
// Makefile with O=, defconfig, olddefconfig, prepare, arch/x86/kvm/ and
// headers; scripts/config; two stand-in KVM selftests). The real kernel run
// is tests/bench/bench_gate_kernel.sh; this one takes seconds and needs no
// kernel.

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>

using namespace testsupport;

namespace {

std::string kernel_fixture(std::string const& name) { return read_file(fixtures_dir() / "gate" / "kernel" / name); }

std::string const sob = "\n\nSigned-off-by: Jane Developer <jane@example.com>\n";

std::map<std::string, std::string> kernel_files()
{
    return {{"Kbuild", "obj-y += arch/x86/\n"},
            {"Makefile", kernel_fixture("Makefile")},
            {"scripts/config", kernel_fixture("config")},
            {"arch/x86/kvm/Kconfig", "config KVM_WERROR\n\tbool \"Compile KVM with -Werror\"\n"},
            {"arch/x86/kvm/x86.c", kernel_fixture("x86.c")},
            {"arch/x86/kvm/mmu/mmu.c", kernel_fixture("mmu.c")},
            {"include/uapi/linux/kvm.h", kernel_fixture("kvm.h")},
            {"tools/testing/selftests/kvm/Makefile", kernel_fixture("selftests.mk")},
            {"tools/testing/selftests/kvm/x86_64/api_version_test.c", kernel_fixture("api_version_test.c")},
            {"tools/testing/selftests/kvm/x86_64/nested_test.c", kernel_fixture("nested_test.c")}};
}

std::string replace(std::string text, std::string const& from, std::string const& to)
{
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

struct Env {
    Env(char const* name, std::string const& value) : m_name(name)
    {
        if (char const* old = std::getenv(name))
            m_old = old;
        setenv(name, value.c_str(), 1);
    }
    ~Env()
    {
        if (m_old)
            setenv(m_name, m_old->c_str(), 1);
        else
            unsetenv(m_name);
    }
    char const* m_name;
    std::optional<std::string> m_old;
};

struct Gate {
    RunResult result;
    nlohmann::json report;
    std::vector<std::string> tmp_left;
};

Gate run_gate(GitRepo const& repo, std::vector<std::string> args, TempDir const& out)
{
    TempDir tmp, cache;
    Env t("TMPDIR", tmp.path().string());
    Env c("CCACHE_DIR", cache.path().string());
    std::vector<std::string> full = {"gate",   "--config", "kvm-x86", "--repo", repo.path().string(),
                                     "--output", out.path().string(), "-j", "2"};
    full.insert(full.end(), args.begin(), args.end());
    Gate g;
    g.result = run_kvmx(full);
    if (g.result.out.starts_with("{"))
        g.report = nlohmann::json::parse(g.result.out);
    for (auto const& e : std::filesystem::directory_iterator(tmp.path()))
        g.tmp_left.push_back(e.path().filename().string());
    return g;
}

nlohmann::json const* step(nlohmann::json const& report, std::size_t position, std::string const& key)
{
    for (auto const& s : report["commits"][position - 1]["steps"])
        if (s["kind"].get<std::string>() + ":" + s["name"].get<std::string>() == key)
            return &s;
    return nullptr;
}

std::string status(nlohmann::json const& report, std::size_t position, std::string const& key)
{
    auto const* s = step(report, position, key);
    return s ? (*s)["status"].get<std::string>() : "absent";
}

std::string reason(nlohmann::json const& report, std::size_t position, std::string const& key)
{
    auto const* s = step(report, position, key);
    return s ? (*s)["reason"].get<std::string>() : "";
}

bool have(char const* program)
{
    return std::system((std::string("command -v ") + program + " >/dev/null 2>&1").c_str()) == 0;
}

// The three-commit series of the bench: a clean change in x86.c, a change in
// mmu/ that breaks the KVM_WERROR build, its repair.
struct Series {
    GitRepo repo;
    std::string base, head;
    Series()
    {
        base = repo.commit("Linux 6.12-fake" + sob, kernel_files());
        repo.commit("KVM: x86: Return early from kvm_arch_hardware_enable()\n\nSay why." + sob,
                    {{"arch/x86/kvm/x86.c", replace(kernel_fixture("x86.c"), "\treturn 0;", "\treturn 0; /* early */")}});
        std::string broken = replace(kernel_fixture("mmu.c"), "{\n\treturn", "{\n\tint unused;\n\n\treturn");
        repo.commit("KVM: x86/mmu: Prepare a local for the fault path\n\nSay why." + sob,
                    {{"arch/x86/kvm/mmu/mmu.c", broken}});
        head = repo.commit("KVM: x86/mmu: Drop the unused local\n\nSay why." + sob,
                           {{"arch/x86/kvm/mmu/mmu.c", kernel_fixture("mmu.c")}});
    }
};

} // namespace

TEST_CASE("kvm-x86 gate blames the KVM_WERROR break and triggers the mmu variants on mmu commits only",
          "[gate][kernel]")
{
    if (!have("gcc") || !have("make")) {
        WARN("gcc or make missing: the stand-in kernel tree cannot build");
        return;
    }
    Series s;
    TempDir out;
    Gate g = run_gate(s.repo, {"--tier", "hardware", "--format", "json", s.base + ".." + s.head}, out);
    INFO(g.result.out << g.result.err);
    REQUIRE(g.report.contains("commits"));
    CHECK(g.result.status == 1);
    std::set<std::string> blamed;
    for (auto const& f : g.report["findings"]) {
        std::string rule = f["rule"];
        if (rule.starts_with("gate.") && rule != "gate.branch-tier")
            blamed.insert(rule + "@" + f["commit"].get<std::string>());
    }
    std::string second = g.report["commits"][1]["commit"];
    CHECK(blamed == std::set<std::string>{"gate.build@" + second});
    // Every build configuration fails at the breaking commit only, -Werror
    // being on in each (KVM_WERROR needs EXPERT, which the config sets).
    for (std::string b : {"build:kvm", "build:no-smm-no-xen", "build:prove-locking"}) {
        CHECK(status(g.report, 1, b) == "pass");
        CHECK(status(g.report, 2, b) == "fail");
        CHECK(status(g.report, 3, b) == "pass");
    }
    CHECK(read_file(out.path() / (*step(g.report, 2, "build:kvm"))["log"].get<std::string>())
              .find("unused variable") != std::string::npos);
    CHECK(g.report["first_failures"]["kvm"]["index"] == 1);
    // The mmu variants: absent at the x86.c commit, triggered by both mmu
    // commits (skipped where the build failed).
    for (std::string v : {"variant:prove-mmu", "variant:tdp-disabled"}) {
        CHECK(status(g.report, 1, v) == "absent");
        CHECK(status(g.report, 2, v) == "skip");
        CHECK(reason(g.report, 2, v) == "build 'kvm' failed");
    }
    CHECK(status(g.report, 3, "variant:prove-mmu") == "pass");
    // Steps that need a booted kernel or hardware: skip, "not run here", never pass.
    CHECK(status(g.report, 3, "variant:tdp-disabled") == "skip");
    CHECK(reason(g.report, 3, "variant:tdp-disabled").starts_with("not run here: "));
    for (std::size_t i : {1, 3})
        for (std::string t : {"test:selftests-new-kvm", "test:kvm-unit-tests"}) {
            CHECK(status(g.report, i, t) == "skip");
            CHECK(reason(g.report, i, t).starts_with("not run here: "));
        }
    // The selftests build; the host tier runs them on /dev/kvm, a skip when
    // the host has none. The TAP output lists the always-skipping test as SKIP.
    CHECK(status(g.report, 1, "test:selftests-build") == "pass");
    std::string host = status(g.report, 1, "test:selftests-host");
    std::string host_log = read_file(out.path() / (*step(g.report, 1, "test:selftests-host"))["log"].get<std::string>());
    if (host == "pass") {
        CHECK(host_log.find("ok 2 x86_64/nested_test # SKIP") != std::string::npos);
        CHECK(host_log.find("1 pass, 1 skip, 0 fail") != std::string::npos);
    } else {
        CHECK(host == "skip");
        CHECK(host_log.find("no usable /dev/kvm") != std::string::npos);
    }
    // No docs change, no htmldocs step.
    CHECK(status(g.report, 1, "docs:htmldocs") == "absent");
    // ccache, where installed, counted the builds' compilations.
    if (have("ccache")) {
        auto const& k1 = *step(g.report, 1, "build:kvm");
        REQUIRE(k1.contains("ccache"));
        CHECK(k1["ccache"]["hits"].get<long>() + k1["ccache"]["misses"].get<long>() == 2);
        // The third commit rebuilds mmu.c only (out of tree, incremental),
        // and its content is the first commit's again: a ccache hit.
        auto const& k3 = *step(g.report, 3, "build:kvm");
        CHECK(k3["ccache"]["hits"].get<long>() == 1);
        CHECK(k3["ccache"]["misses"].get<long>() == 0);
    }
    // One build directory per configuration, and the disk they took.
    bool disk = false;
    for (auto const& n : g.report["notes"])
        disk = disk || (n.get<std::string>().find("build/no-smm-no-xen") != std::string::npos);
    CHECK(disk);
    CHECK(g.tmp_left.empty());
    for (auto const& e : std::filesystem::directory_iterator(s.repo.path()))
        CHECK(e.path().filename() == ".git");

    // Patchwork's shape: per patch, one check per step plus the message checks.
    auto pw = run_kvmx({"gate", "merge", "--format", "patchwork", "--log-url", "https://ci.example.org/run/7",
                        (out.path() / "report.json").string()});
    INFO(pw.err);
    auto p = nlohmann::json::parse(pw.out);
    REQUIRE(p["patches"].size() == 3);
    std::map<std::string, nlohmann::json> second_checks;
    for (auto const& c : p["patches"][1]["checks"])
        second_checks[c["context"]] = c;
    CHECK(second_checks["kvmx-build-kvm"]["state"] == "fail");
    CHECK(second_checks["kvmx-build-kvm"]["target_url"].get<std::string>().starts_with(
        "https://ci.example.org/run/7/logs/002-"));
    CHECK(second_checks["kvmx-variant-tdp-disabled"]["state"] == "warning");
    CHECK(second_checks.count("kvmx-checks") == 1);
}

TEST_CASE("kvm-x86 gate refuses a tree that is not a kernel and stops on a killed or out-of-space build",
          "[gate][kernel]")
{
    if (!have("gcc") || !have("make")) {
        WARN("gcc or make missing: the stand-in kernel tree cannot build");
        return;
    }
    // Not a kernel: exit 2 naming the commit and the reason, nothing left behind.
    GitRepo plain;
    std::string b = plain.commit("Add a README" + sob, {{"README", "hello\n"}});
    std::string h = plain.commit("Say more" + sob, {{"README", "hello, world\n"}});
    TempDir out;
    Gate g = run_gate(plain, {"--no-checks", b + ".." + h}, out);
    CHECK(g.result.status == 2);
    CHECK(g.result.err.find("not a kernel tree") != std::string::npos);
    CHECK(g.result.err.find("[1/1] " + h.substr(0, 12)) != std::string::npos);
    CHECK(g.tmp_left.empty());

    // A missing toolchain piece: flex off the PATH.
    {
        TempDir bin;
        for (char const* tool : {"make", "gcc", "ld", "bison", "bc", "cat", "sed", "grep", "mkdir"}) {
            std::string path = "/usr/bin/" + std::string(tool);
            if (std::filesystem::exists(path))
                std::filesystem::create_symlink(path, bin.path() / tool);
        }
        Series s;
        TempDir out2;
        Env path("PATH", bin.path().string());
        Gate m = run_gate(s.repo, {"--no-checks", s.base + ".." + s.head}, out2);
        CHECK(m.result.status == 2);
        CHECK(m.result.err.find("flex is missing") != std::string::npos);
        CHECK(m.tmp_left.empty());
    }

    // A build killed by signal 9 (the OOM killer) and a full disk are the
    // machine's failures, not the commit's: exit 2, commit and step named,
    // logs kept, no private tree left.
    for (std::string marker : {"KILL", "ENOSPC"}) {
        Series s;
        std::string bad = s.repo.commit("KVM: x86: Trip the build machine\n\nSay why." + sob,
                                        {{"arch/x86/kvm/" + marker, "\n"},
                                         {"arch/x86/kvm/x86.c", kernel_fixture("x86.c") + "\n"}});
        TempDir out3;
        Gate k = run_gate(s.repo, {"--no-checks", s.head + ".." + bad}, out3);
        INFO(marker << ": " << k.result.err);
        CHECK(k.result.status == 2);
        CHECK(k.result.err.find("[1/1] " + bad.substr(0, 12)) != std::string::npos);
        CHECK(k.result.err.find("build 'kvm'") != std::string::npos);
        CHECK(k.result.err.find(marker == "KILL" ? "killed" : "disk is full") != std::string::npos);
        CHECK(std::filesystem::exists(out3.path() / "logs" / ("001-" + bad.substr(0, 12)) / "build-kvm.log"));
        CHECK(k.tmp_left.empty());
    }
}

TEST_CASE("kvm-x86 gate keeps its tree and build directories in --work-dir across runs", "[gate][kernel]")
{
    if (!have("gcc") || !have("make")) {
        WARN("gcc or make missing: the stand-in kernel tree cannot build");
        return;
    }
    Series s;
    TempDir work_parent, out1, out2, out3;
    auto work = work_parent.path() / "work";
    std::vector<std::string> args = {"--no-checks", "--format", "json", "--work-dir", work.string(),
                                     s.base + ".." + s.head};
    Gate first = run_gate(s.repo, args, out1);
    INFO(first.result.err);
    REQUIRE(first.report.contains("commits"));
    CHECK(first.result.status == 1);
    CHECK(first.tmp_left.empty());
    CHECK(std::filesystem::exists(work / "src" / "arch/x86/kvm/x86.c"));
    CHECK(std::filesystem::exists(work / "build" / "kvm" / ".config"));
    CHECK(std::filesystem::exists(work / "tree.manifest"));

    // The second run finds the tree and the objects of the first, which
    // ended at the base (its baseline re-run): the first commit rewrites
    // x86.c only, so only x86.o is compiled and nothing is configured.
    Gate second = run_gate(s.repo, args, out2);
    INFO(second.result.err);
    REQUIRE(second.report.contains("commits"));
    CHECK(second.result.status == 1);
    std::string log = read_file(out2.path() / (*step(second.report, 1, "build:kvm"))["log"].get<std::string>());
    CHECK(log.find("x86.o") != std::string::npos);
    CHECK(log.find("mmu.o") == std::string::npos);
    auto const& k1 = *step(second.report, 1, "build:kvm");
    if (k1.contains("ccache"))
        CHECK(k1["ccache"]["hits"].get<long>() + k1["ccache"]["misses"].get<long>() == 1);
    CHECK(status(second.report, 2, "build:kvm") == "fail");
    CHECK(status(second.report, 3, "build:kvm") == "pass");

    // A file changed by hand in the kept tree is written again.
    write_file(work / "src" / "arch/x86/kvm/x86.c", "broken by hand\n");
    Gate third = run_gate(s.repo, args, out3);
    INFO(third.result.err);
    CHECK(status(third.report, 1, "build:kvm") == "pass");
    CHECK(read_file(work / "src" / "arch/x86/kvm/x86.c").find("kvm_arch_hardware_enable") != std::string::npos);

    // Never a directory holding other files.
    TempDir busy, out4;
    write_file(busy.path() / "precious.txt", "mine\n");
    Gate refused = run_gate(s.repo, {"--no-checks", "--work-dir", busy.path().string(), s.base + ".." + s.head}, out4);
    CHECK(refused.result.status == 2);
    CHECK(refused.result.err.find("not a kvmx gate work directory") != std::string::npos);
    CHECK(read_file(busy.path() / "precious.txt") == "mine\n");
}
