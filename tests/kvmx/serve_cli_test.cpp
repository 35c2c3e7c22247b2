// kvmx serve over real HTTP: started on a free loopback port with a queue
// of the fixtures, a burst of 1,000 requests from four local clients with
// every answer checked and the server's memory measured, request bounds,
// and the clean stop on SIGTERM.

#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using testsupport::run_kvmx;

extern char** environ;

namespace {

// `kvmx serve` in the background; the URL it prints on its first line.
class Server {
public:
    explicit Server(std::string const& db)
    {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        std::vector<std::string> args = {KVMX_BINARY, "serve", "--db", db, "--listen", "127.0.0.1:0"};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        REQUIRE(posix_spawn(&m_pid, KVMX_BINARY, &fa, nullptr, argv.data(), environ) == 0);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        std::string line;
        char c;
        while (line.size() < 4096 && read(fds[0], &c, 1) == 1 && c != '\n')
            line += c;
        close(fds[0]);
        INFO(line);
        std::size_t at = line.find("http://127.0.0.1:");
        REQUIRE(at != std::string::npos);
        m_port = std::stoi(line.substr(at + 17));
    }
    ~Server()
    {
        if (m_pid > 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
    }
    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }
    // SIGTERM, then the exit status.
    int stop()
    {
        kill(m_pid, SIGTERM);
        int status = 0;
        waitpid(m_pid, &status, 0);
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t m_pid = -1;
    int m_port = 0;
};

// VmRSS or VmHWM of a process, in KiB.
long memory_kib(pid_t pid, std::string const& field)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stol(line.substr(field.size() + 1));
    return -1;
}

std::string fixture_queue(testsupport::TempDir const& dir)
{
    std::string db = (dir.path() / "q.sqlite").string();
    for (char const* f : {"unlabeled-v1.mbox", "v5.5.mbox", "trailers.mbox", "hostile.mbox"}) {
        auto r = run_kvmx({"queue", "sync", "--db", db, "--inbox",
                           (testsupport::fixtures_dir() / "queue" / f).string()});
        INFO(r.err);
        REQUIRE(r.status == 0);
    }
    return db;
}

} // namespace

// The bound stated in docs/triage.md: after a warm-up of 100 requests, a
// burst of 1,000 grows the server's resident memory by less than 16 MiB.
TEST_CASE("kvmx serve survives a burst of 1,000 requests in bounded memory", "[serve][kvmx]")
{
    testsupport::TempDir dir;
    Server server(fixture_queue(dir));
    std::vector<std::pair<std::string, int>> const targets = {
        {"/", 200}, {"/series/1", 200}, {"/api/series", 200}, {"/api/series/2", 200},
        {"/series/999", 404}, {"/style.css", 200}, {"/series/3?from=1&to=1", 200}, {"/?q=%zz", 400}};
    auto burst = [&](int requests, int clients) {
        std::vector<std::thread> threads;
        std::vector<int> failures(static_cast<std::size_t>(clients), 0);
        for (int t = 0; t < clients; ++t)
            threads.emplace_back([&, t] {
                httplib::Client client("127.0.0.1", server.port());
                client.set_read_timeout(30, 0);
                for (int i = t; i < requests; i += clients) {
                    auto const& [path, status] = targets[static_cast<std::size_t>(i) % targets.size()];
                    auto res = client.Get(path.c_str());
                    if (!res || res->status != status || res->body.empty())
                        ++failures[static_cast<std::size_t>(t)];
                }
            });
        for (auto& th : threads)
            th.join();
        int total = 0;
        for (int f : failures)
            total += f;
        return total;
    };
    REQUIRE(burst(100, 2) == 0);
    long before = memory_kib(server.pid(), "VmRSS");
    REQUIRE(before > 0);
    CHECK(burst(1000, 4) == 0);
    long after = memory_kib(server.pid(), "VmRSS");
    long peak = memory_kib(server.pid(), "VmHWM");
    WARN("kvmx serve RSS: " << before << " KiB after warm-up, " << after << " KiB after 1,000 requests, peak "
                            << peak << " KiB");
    // Under a sanitizer the server's allocator keeps freed memory (ASan's
    // quarantine is 256 MiB), so the bound is a property of the release
    // build; the burst itself must still succeed.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    WARN("RSS bound not checked in a sanitizer build");
#else
    CHECK(after - before < 16 * 1024);
#endif
    CHECK(server.stop() == 0);
}

TEST_CASE("kvmx serve bounds requests and answers with its own pages", "[serve][kvmx]")
{
    testsupport::TempDir dir;
    Server server(fixture_queue(dir));
    httplib::Client client("127.0.0.1", server.port());
    auto page = client.Get("/series/999");
    REQUIRE(page);
    CHECK(page->status == 404);
    CHECK(page->body.find("no series 999 in the queue") != std::string::npos);
    CHECK(page->get_header_value("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
    CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
    auto big = client.Post("/series/1/state", std::string(64 * 1024, 'a'), "application/x-www-form-urlencoded");
    REQUIRE(big);
    CHECK(big->status == 413);
    auto long_target = client.Get(("/?q=" + std::string(20000, 'a')).c_str());
    REQUIRE(long_target);
    CHECK(long_target->status >= 400);
    auto forged = client.Post("/series/1/state", "state=archived", "application/x-www-form-urlencoded");
    REQUIRE(forged);
    CHECK(forged->status == 403);
    auto del = client.Delete("/series/1");
    REQUIRE(del);
    CHECK(del->status == 405);
    CHECK(client.Get("/")->status == 200); // still serving
    CHECK(server.stop() == 0);
}

TEST_CASE("kvmx serve refuses bad options in one line", "[serve][kvmx]")
{
    testsupport::TempDir dir;
    std::string missing = (dir.path() / "none.sqlite").string();
    auto r = run_kvmx({"serve", "--db", missing});
    CHECK(r.status == 2);
    CHECK(r.err.find(missing + ": no queue database") != std::string::npos);
    CHECK(!fs::exists(missing)); // not created
    std::string db = fixture_queue(dir);
    for (std::string bad : {"8080", "127.0.0.1:http", "127.0.0.1:70000", ":8080"}) {
        auto b = run_kvmx({"serve", "--db", db, "--listen", bad});
        INFO(bad);
        CHECK(b.status == 2);
        CHECK(b.err.find("--listen") != std::string::npos);
    }
}
