// An interrupted gate stops its running command and leaves no private tree
// behind. A FIFO synchronises with the step: the test opens it for reading,
// which blocks until the step has started and writes to it.

#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace testsupport;

namespace {

int interrupt_gate_at_step(int sig)
{
    GitRepo repo;
    std::string base = repo.commit("calc: Add the calculator\n\nSigned-off-by: J <j@example.com>\n",
                                   {{"calc.c", "int main(void) { return 0; }\n"}});
    std::string head = repo.commit("calc: Touch\n\nSigned-off-by: J <j@example.com>\n",
                                   {{"calc.c", "int main(void) { return 0; }\n/* */\n"}});
    TempDir dir, tmp;
    auto fifo = dir.path() / "ready";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    write_file(dir.path() / "gate.yaml", "gate: hang\nchecks: false\ntests:\n  - name: hang\n    env: {GATE_FIFO: " +
                                             fifo.string() +
                                             "}\n    commands: 'echo started > \"$GATE_FIFO\"; exec sleep 600'\n");
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        setenv("TMPDIR", tmp.path().c_str(), 1);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        std::string binary = KVMX_BINARY;
        std::vector<std::string> args = {binary, "gate", "--config", (dir.path() / "gate.yaml").string(),
                                         "--repo", repo.path().string(), "--output", (dir.path() / "out").string(),
                                         base + ".." + head};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    int fd = open(fifo.c_str(), O_RDONLY); // blocks until the step runs
    REQUIRE(fd >= 0);
    char buf[16];
    CHECK(read(fd, buf, sizeof buf) > 0);
    close(fd);
    // The private tree exists while the step runs.
    bool had_tree = false;
    for (auto const& e : std::filesystem::directory_iterator(tmp.path()))
        had_tree = had_tree || e.path().filename().string().starts_with("kvmx-gate-");
    CHECK(had_tree);
    kill(pid, sig);
    int wstatus = 0;
    REQUIRE(waitpid(pid, &wstatus, 0) == pid);
    CHECK(std::filesystem::is_empty(tmp.path()));
    CHECK(std::filesystem::exists(dir.path() / "out" / "logs"));
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

} // namespace

TEST_CASE("gate cleans up its private tree when interrupted", "[gate][cli]")
{
    CHECK(interrupt_gate_at_step(SIGTERM) == 128 + SIGTERM);
    CHECK(interrupt_gate_at_step(SIGINT) == 128 + SIGINT);
}
