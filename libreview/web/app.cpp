#include "libreview/web/app.h"

#include "libreview/core/text.h"
#include "libreview/queue/json.h"
#include "libreview/queue/store.h"
#include "libreview/web/checks.h"
#include "libreview/web/html.h"
#include "libreview/web/layout.h"
#include "libreview/web/query.h"
#include "libreview/web/queue_page.h"
#include "libreview/web/series_page.h"

#include <algorithm>
#include <ctime>

namespace review::web {

namespace q = review::queue;

namespace {

char const* reason(int status)
{
    switch (status) {
    case 400: return "Bad request";
    case 403: return "Forbidden";
    case 404: return "Not found";
    case 405: return "Method not allowed";
    case 413: return "Request too large";
    default: return "Server error";
    }
}

// "/series/123" -> 123 (and the rest, "/state"); nullopt for anything else.
std::optional<std::int64_t> series_id(std::string_view path, std::string_view prefix, std::string_view& rest)
{
    if (path.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    path.remove_prefix(prefix.size());
    std::size_t digits = 0;
    while (digits < path.size() && text::is_digit(path[digits]))
        ++digits;
    if (digits == 0 || digits > 18)
        return std::nullopt;
    rest = path.substr(digits);
    return std::stoll(std::string(path.substr(0, digits)));
}

Response json_response(nlohmann::json const& j)
{
    Response r;
    r.content_type = "application/json";
    r.body = j.dump(2) + "\n";
    return r;
}

Response not_found_series(std::string_view path)
{
    return error_page(404, "no series " + std::string(path.substr(path.rfind('/') + 1)) + " in the queue");
}

Response api(q::Queue& queue, Request const& req, Params const& params)
{
    std::string_view rest;
    if (req.path == "/api/series") {
        QueueQuery qq;
        qq.state = params.get("state");
        if (!qq.state.empty() && qq.state != "all" && !q::parse_state(qq.state))
            return error_page(400, "unknown state '" + qq.state + "'");
        auto list = queue.list(qq.list_filter());
        if (!list)
            return error_page(500, list.error().describe());
        return json_response(q::to_json(*list));
    }
    auto id = series_id(req.path, "/api/series/", rest);
    if (!id || !rest.empty())
        return error_page(404, "no such page");
    auto s = queue.show(*id);
    if (!s)
        return not_found_series(req.path);
    auto j = q::to_json(*s, true);
    for (std::size_t k = 0; k < s->versions.size(); ++k)
        for (std::size_t i = 0; i < s->versions[k].patch_list.size(); ++i)
            j["versions"][k]["patch_list"][i]["checks"] = patch_checks(*s, s->versions[k], s->versions[k].patch_list[i]);
    return json_response(j);
}

Response set_state(q::Queue& queue, std::int64_t id, Request const& req, Csrf const& csrf)
{
    if (req.content_type.rfind("application/x-www-form-urlencoded", 0) != 0)
        return error_page(400, "a state change is a form post (application/x-www-form-urlencoded)");
    if (!same_origin(req.origin, req.host))
        return error_page(403, "cross-origin form post refused");
    auto form = parse_query(req.body);
    if (!form)
        return error_page(400, form.error().message);
    if (!csrf.check(form->get("csrf")))
        return error_page(403, "missing or stale form token: reload the series page and try again");
    auto state = q::parse_state(form->get("state"));
    if (!state)
        return error_page(400, "unknown state '" + form->get("state") + "'");
    if (auto s = queue.show(id); !s)
        return error_page(404, "no series " + std::to_string(id) + " in the queue");
    if (auto r = queue.set_state(id, *state); !r)
        return error_page(500, r.error().describe());
    Response r;
    r.status = 303;
    r.location = "/series/" + std::to_string(id);
    r.body = page("State changed", "<p>State set. <a href=\"" + r.location + "\">Back to the series</a>.</p>");
    return r;
}

} // namespace

Response error_page(int status, std::string const& message)
{
    Response r;
    r.status = status;
    r.body = page(reason(status), "<h1>" + std::string(reason(status)) + "</h1><p class=\"error\" id=\"error\">" +
                                      escape(message) + "</p><p><a href=\"/\">Back to the queue</a></p>");
    return r;
}

Response App::handle(Request const& req) const
{
    bool get = req.method == "GET" || req.method == "HEAD";
    if (!get && req.method != "POST")
        return error_page(405, "only GET and POST are served");
    if (req.path.size() > max_path_bytes)
        return error_page(404, "no such page");
    if (req.body.size() > max_body_bytes)
        return error_page(413, "request body larger than " + std::to_string(max_body_bytes) + " bytes");
    if (get && req.path == "/style.css") {
        Response r;
        r.content_type = "text/css; charset=utf-8";
        r.body = std::string(style_sheet());
        return r;
    }
    auto params = parse_query(req.query);
    if (!params)
        return error_page(400, params.error().message);
    std::string_view rest;
    auto id = series_id(req.path, "/series/", rest);
    bool known = req.path == "/" || req.path.rfind("/api/series", 0) == 0 || (id && (rest.empty() || rest == "/state"));
    if (!known)
        return error_page(404, req.path.rfind("/series/", 0) == 0 ? "no series '" + req.path.substr(8) +
                                                                         "' in the queue: a series id is a number"
                                                                   : "no such page");
    if (!get && !(id && rest == "/state"))
        return error_page(405, "only the state form takes a POST");
    if (get && id && rest == "/state")
        return error_page(405, "the state form is sent with POST");
    auto queue = q::Queue::open(m_db);
    if (!queue)
        return error_page(500, queue.error().describe());
    if (req.path.rfind("/api/", 0) == 0)
        return api(*queue, req, *params);
    if (!get)
        return set_state(*queue, *id, req, m_csrf);
    std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    if (req.path == "/") {
        auto qq = QueueQuery::from(*params);
        if (!qq.state.empty() && qq.state != "all" && !q::parse_state(qq.state))
            return error_page(400, "unknown state '" + qq.state + "'");
        auto list = queue->list(qq.list_filter());
        if (!list)
            return error_page(500, list.error().describe());
        Response r;
        r.body = queue_page(*list, qq, now);
        return r;
    }
    auto sr = SeriesRequest::parse(*id, *params);
    sr.csrf = m_csrf.token();
    sr.now = now;
    auto body = series_page(*queue, sr);
    if (!body)
        return not_found_series(req.path);
    Response r;
    r.body = std::move(*body);
    return r;
}

} // namespace review::web
