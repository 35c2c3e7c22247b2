// The example CI files in docs/ci/ (GitHub Actions, GitLab CI): they parse,
// every program their steps call exists (or is installed by their own apt-get
// line), and their kvmx commands, with the CI variables filled in, shard a
// range of a stand-in kernel tree and merge the reports into one run.

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <functional>
#include <set>
#include <sstream>

using namespace testsupport;

namespace {

std::string const sob = "\n\nSigned-off-by: Jane Developer <jane@example.com>\n";

std::string kernel_fixture(std::string const& name) { return read_file(fixtures_dir() / "gate" / "kernel" / name); }

std::string replace_all(std::string s, std::string const& from, std::string const& to)
{
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
        s.replace(at, from.size(), to);
    return s;
}

// Every shell line of the `run:` (GitHub) or `script:`/`before_script:`
// (GitLab) entries.
void collect_commands(YAML::Node const& node, std::vector<std::string>& out)
{
    if (node.IsMap()) {
        for (auto const& kv : node) {
            std::string key = kv.first.as<std::string>();
            if (key == "run" && kv.second.IsScalar()) {
                std::istringstream in(kv.second.as<std::string>());
                for (std::string line; std::getline(in, line);)
                    if (!line.empty())
                        out.push_back(line);
            } else if ((key == "script" || key == "before_script") && kv.second.IsSequence()) {
                for (auto const& l : kv.second)
                    out.push_back(l.as<std::string>());
            } else {
                collect_commands(kv.second, out);
            }
        }
    } else if (node.IsSequence()) {
        for (auto const& n : node)
            collect_commands(n, out);
    }
}

// The program a shell line runs (after any VAR=value and sudo).
std::string program_of(std::string const& line)
{
    std::istringstream in(line);
    std::string word;
    while (in >> word) {
        if (word == "sudo" || word.find('=') != std::string::npos)
            continue;
        return word;
    }
    return {};
}

bool on_path(std::string const& program)
{
    return std::system(("command -v '" + program + "' >/dev/null 2>&1").c_str()) == 0;
}

std::set<std::string> apt_installed(std::vector<std::string> const& commands)
{
    // Packages whose programs a job installs before using them.
    std::set<std::string> programs;
    for (auto const& c : commands)
        if (c.find("apt-get install") != std::string::npos)
            for (std::string p : {"git", "flex", "bison", "bc", "ccache", "make", "gcc"})
                if (c.find(" " + p) != std::string::npos || c.find("build-essential") != std::string::npos)
                    programs.insert(p);
    return programs;
}

struct KernelSeries {
    GitRepo repo;
    std::string base, head;
    KernelSeries()
    {
        base = repo.commit("Linux 6.12-fake" + sob,
                           {{"Kbuild", "obj-y += arch/x86/\n"},
                            {"Makefile", kernel_fixture("Makefile")},
                            {"scripts/config", kernel_fixture("config")},
                            {"arch/x86/kvm/Kconfig", "config KVM_WERROR\n"},
                            {"arch/x86/kvm/x86.c", kernel_fixture("x86.c")},
                            {"arch/x86/kvm/mmu/mmu.c", kernel_fixture("mmu.c")},
                            {"include/uapi/linux/kvm.h", kernel_fixture("kvm.h")},
                            {"tools/testing/selftests/kvm/Makefile", kernel_fixture("selftests.mk")}});
        for (int i = 1; i <= 4; ++i)
            head = repo.commit("KVM: x86: Change " + std::to_string(i) + "\n\nSay why." + sob,
                               {{"arch/x86/kvm/x86.c", kernel_fixture("x86.c") + std::string(i, '\n')}});
    }
};

// Run one CI shell line in `dir` with kvmx on the PATH.
RunResult run_line(std::string const& line, std::filesystem::path const& dir,
                   std::vector<std::pair<std::string, std::string>> const& env)
{
    std::string kvmx_dir = std::filesystem::path(KVMX_BINARY).parent_path().string();
    std::string script = "cd '" + dir.string() + "' && export PATH='" + kvmx_dir + "':\"$PATH\"";
    for (auto const& [k, v] : env)
        script += " " + k + "='" + v + "'";
    script += " && " + line;
    TempDir tmp;
    write_file(tmp.path() / "line.sh", script + "\n");
    RunResult r;
    int status = std::system(("sh '" + (tmp.path() / "line.sh").string() + "' >'" + (tmp.path() / "out").string() +
                              "' 2>'" + (tmp.path() / "err").string() + "'")
                                 .c_str());
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(tmp.path() / "out");
    r.err = read_file(tmp.path() / "err");
    return r;
}

void check_run(std::string const& file, std::string const& shard_line_marker, std::string const& merge_marker,
               std::function<std::string(std::string const&, int)> fill)
{
    YAML::Node doc = YAML::LoadFile((source_dir() / "docs" / "ci" / file).string());
    std::vector<std::string> commands;
    collect_commands(doc, commands);
    REQUIRE(!commands.empty());
    auto installed = apt_installed(commands);
    std::string shard_line, merge_line;
    for (auto const& c : commands) {
        std::string p = program_of(c);
        INFO(file << ": " << c);
        CHECK(!p.empty());
        bool quoted_path = p.starts_with("\"$") || p.starts_with("/opt/kvmx") || p.starts_with("echo");
        if (p != "kvmx" && p != "export" && !quoted_path && !installed.count(p))
            CHECK(on_path(p));
        if (c.find(shard_line_marker) != std::string::npos)
            shard_line = c;
        if (c.find(merge_marker) != std::string::npos)
            merge_line = c;
    }
    REQUIRE(!shard_line.empty());
    REQUIRE(!merge_line.empty());

    // The gate and merge commands, run as the CI would: four shards of one
    // range in one work tree, then the merge.
    if (!on_path("gcc") || !on_path("make")) {
        WARN("gcc or make missing: the CI files' commands were parsed, not run");
        return;
    }
    KernelSeries k;
    TempDir cache, tmp;
    for (int shard = 1; shard <= 4; ++shard) {
        auto r = run_line(fill(shard_line, shard), k.repo.path(),
                          {{"KVMX_RANGE", k.base + ".." + k.head}, {"KVMX_TIER", "queue"},
                           {"CCACHE_DIR", cache.path().string()}, {"TMPDIR", tmp.path().string()}});
        INFO(file << " shard " << shard << ": " << r.err);
        // 0, or 1 when the kvm-x86 profile's message checks find something
        // in the stand-in commits; never a usage or configuration error.
        CHECK((r.status == 0 || r.status == 1));
        CHECK(std::filesystem::exists(k.repo.path() / ("gate-" + std::to_string(shard)) / "report.json"));
    }
    auto m = run_line(fill(merge_line, 0), k.repo.path(), {});
    INFO(file << " merge: " << m.out << m.err);
    CHECK((m.status == 0 || m.status == 1));
    auto report = nlohmann::json::parse(read_file(k.repo.path() / "merged" / "report.json"));
    CHECK(report["commits"].size() == 4);
    CHECK(report["notes"].size() >= 1);
    CHECK(report["config"] == "kvm-x86");
    CHECK(std::filesystem::exists(k.repo.path() / "merged" / "junit.xml"));
    CHECK(std::filesystem::is_empty(tmp.path()));
}

} // namespace

TEST_CASE("the GitHub Actions example parses and its kvmx commands run", "[gate][ci]")
{
    check_run("github-actions.yml", "--shard", "gate merge", [](std::string const& line, int shard) {
        return replace_all(replace_all(line, "${{ matrix.shard }}", std::to_string(shard)), "$(nproc)", "2");
    });
    YAML::Node doc = YAML::LoadFile((source_dir() / "docs" / "ci" / "github-actions.yml").string());
    CHECK(doc["jobs"]["gate"]["strategy"]["matrix"]["shard"].size() == 4);
    CHECK(doc["jobs"]["merge"]["needs"].as<std::string>() == "gate");
}

TEST_CASE("the GitLab CI example parses and its kvmx commands run", "[gate][ci]")
{
    check_run("gitlab-ci.yml", "--shard", "gate merge", [](std::string const& line, int shard) {
        return replace_all(replace_all(replace_all(line, "$CI_NODE_INDEX", std::to_string(shard)), "$CI_NODE_TOTAL", "4"),
                           "$(nproc)", "2");
    });
    YAML::Node doc = YAML::LoadFile((source_dir() / "docs" / "ci" / "gitlab-ci.yml").string());
    CHECK(doc["gate"]["parallel"].as<int>() == 4);
    CHECK(doc["merge"]["artifacts"]["reports"]["junit"].as<std::string>() == "merged/junit.xml");
}
