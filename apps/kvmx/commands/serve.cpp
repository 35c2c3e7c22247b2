// kvmx serve: the triage queue as a web page and a JSON API (cpp-httplib),
// read from the queue's SQLite database; the only writes are the state
// changes posted by its users. Loopback unless --listen names another
// address.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/queue_common.h"
#include "libreview/core/text.h"
#include "libreview/web/app.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <pthread.h>
#include <thread>
#include <time.h>

namespace kvmx {
namespace {

struct ServeOptions {
    std::string db;
    std::string listen = "127.0.0.1:8080";
    int threads = 4;
};

struct Address {
    std::string host;
    int port = 0;
};

review::Result<Address> parse_listen(std::string const& s)
{
    std::size_t colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == s.size() || s.size() - colon > 6)
        return review::make_error("--listen wants HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080), not '" + s + "'");
    Address a;
    a.host = s.substr(0, colon);
    if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']')
        a.host = a.host.substr(1, a.host.size() - 2);
    std::string port = s.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), review::text::is_digit) || std::stoi(port) > 65535)
        return review::make_error("--listen: bad port '" + port + "' (0 to 65535; 0 picks a free one)");
    a.port = std::stoi(port);
    return a;
}

bool loopback(std::string const& host)
{
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Headers of every answer: no scripts, no framing, no sniffing, no caching.
void secure(httplib::Response& res)
{
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
                                              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "same-origin");
    res.set_header("Cache-Control", "no-store");
}

double thread_cpu_ms()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int run(ServeOptions const& o)
{
    auto addr = parse_listen(o.listen);
    if (!addr)
        return fail(addr.error().describe());
    if (o.threads < 1 || o.threads > 64)
        return fail("--threads must be between 1 and 64");
    std::string db = o.db.empty() ? review::queue::Queue::default_path() : o.db;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(db, ec))
        return fail(db + ": no queue database; fill one with kvmx queue sync --db " + db);
    // Migrate once before serving (the requests then only read and set states).
    if (auto q = open_queue(db); !q)
        return fail(q.error().describe());
    if (!loopback(addr->host))
        std::cerr << "kvmx: warning: serving on " << addr->host
                  << ", not loopback: anyone who reaches it can read the queue and change states\n";

    review::web::App app(db, review::web::Csrf::generate());
    httplib::Server server;
    server.new_task_queue = [n = o.threads] { return new httplib::ThreadPool(static_cast<std::size_t>(n)); };
    server.set_payload_max_length(review::web::max_body_bytes);
    server.set_read_timeout(10, 0);
    server.set_write_timeout(10, 0);
    server.set_keep_alive_max_count(100);
    auto handler = [&app](httplib::Request const& req, httplib::Response& res) {
        review::web::Request r;
        r.method = req.method;
        r.path = req.path;
        std::size_t qm = req.target.find('?');
        if (qm != std::string::npos)
            r.query = req.target.substr(qm + 1);
        r.body = req.body;
        r.content_type = req.get_header_value("Content-Type");
        r.origin = req.get_header_value("Origin");
        r.host = req.get_header_value("Host");
        auto start = std::chrono::steady_clock::now();
        double cpu_start = thread_cpu_ms();
        auto out = app.handle(r);
        std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
        res.status = out.status;
        // The time the page took to build (queue read and rendering), wall
        // and CPU of the serving thread, for tests/bench/bench_serve.sh.
        res.set_header("Server-Timing", "app;dur=" + std::to_string(took.count()) +
                                            ", cpu;dur=" + std::to_string(thread_cpu_ms() - cpu_start));
        if (!out.location.empty())
            res.set_header("Location", out.location);
        res.set_content(std::move(out.body), out.content_type.c_str());
        secure(res);
    };
    // Every method reaches the App, which answers 405 to all but GET and POST.
    server.Get(".*", handler).Post(".*", handler).Put(".*", handler).Delete(".*", handler);
    server.Patch(".*", handler).Options(".*", handler);
    // Errors cpp-httplib answers itself (413, 400 on a bad request line).
    server.set_error_handler([](httplib::Request const&, httplib::Response& res) {
        if (!res.body.empty())
            return;
        auto page = review::web::error_page(res.status, "the server could not read this request");
        res.set_content(page.body, page.content_type.c_str());
        secure(res);
    });

    int port = addr->port;
    if (port == 0)
        port = server.bind_to_any_port(addr->host);
    else if (!server.bind_to_port(addr->host, port))
        port = -1;
    if (port < 0)
        return fail("cannot listen on " + o.listen + ": " + std::strerror(errno));

    // SIGINT and SIGTERM stop the server cleanly: one thread waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (int e = pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr); e != 0)
        return fail(std::string("cannot block SIGINT and SIGTERM: ") + std::strerror(e));
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.stop();
    });
    std::string host = addr->host.find(':') != std::string::npos ? "[" + addr->host + "]" : addr->host;
    std::cout << "kvmx: serving " << db << " at http://" << host << ":" << port << "/" << std::endl;
    bool ok = server.listen_after_bind();
    // Wake the waiter if no signal stopped the server; ESRCH: it has ended.
    if (int e = pthread_kill(waiter.native_handle(), SIGTERM); e != 0 && e != ESRCH) {
        waiter.detach(); // it cannot be woken: leave it to the process exit
        return fail(std::string("cannot stop the signal thread: ") + std::strerror(e));
    }
    waiter.join();
    return ok ? ExitClean : fail("the server stopped on an error");
}

} // namespace

void add_serve_command(CLI::App& app, int& status)
{
    auto o = std::make_shared<ServeOptions>();
    auto* cmd = app.add_subcommand("serve", "the triage queue as a web page and a JSON API");
    add_db_option(*cmd, o->db);
    cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free one)");
    cmd->add_option("--threads", o->threads, "requests served at once (default 4)");
    cmd->footer("Pages: / (the queue), /series/ID; JSON: /api/series, /api/series/ID. States change by a form\n"
                "post carrying a per-process token. Only loopback is served unless --listen names another\n"
                "address. See docs/triage.md, \"The web page\".");
    cmd->callback([o, &status] { status = run(*o); });
}

} // namespace kvmx
