#pragma once
// The web view's routes, independent of the HTTP server: a Request in, a
// Response out, so tests call handle() directly and `kvmx serve` hands it
// what cpp-httplib parsed. Each request opens the queue's database (SQLite
// allows any number of readers beside the writer), so handle() is safe to
// call from several threads.
//
//   GET  /                     the queue (state, topic, author, q, sort, dir)
//   GET  /series/ID            a series (v, from, to)
//   POST /series/ID/state      state=NAME&csrf=TOKEN, then 303 to the series
//   GET  /api/series           `kvmx queue list --format json` (state=NAME|all)
//   GET  /api/series/ID        `kvmx queue show --format json`, patches with "checks"
//   GET  /style.css

#include "libreview/web/csrf.h"

#include <cstddef>
#include <string>

namespace review::web {

inline constexpr std::size_t max_body_bytes = 16 * 1024; // form bodies
inline constexpr std::size_t max_path_bytes = 2048;

struct Request {
    std::string method;       // GET, HEAD, POST, ...
    std::string path;         // decoded path, without the query
    std::string query;        // raw query string
    std::string body;
    std::string content_type;
    std::string origin;       // Origin header, "" when absent
    std::string host;         // Host header
};

struct Response {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::string location; // for 303
};

class App {
public:
    App(std::string db_path, Csrf csrf) : m_db(std::move(db_path)), m_csrf(std::move(csrf)) {}
    Response handle(Request const&) const;
    std::string const& csrf_token() const { return m_csrf.token(); }

private:
    std::string m_db;
    Csrf m_csrf;
};

// A page saying what went wrong, with a link back to the queue.
Response error_page(int status, std::string const& message);

} // namespace review::web
