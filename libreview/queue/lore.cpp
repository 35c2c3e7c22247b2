#include "libreview/queue/lore.h"

#include "libreview/core/text.h"
#include "libreview/queue/gzip.h"
#include "libreview/queue/ingest.h"

#include <httplib.h>

#include <chrono>
#include <set>
#include <thread>

namespace review::queue {

std::string url_encode(std::string_view s)
{
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (text::is_alpha(static_cast<char>(c)) || text::is_digit(static_cast<char>(c)) || c == '-' || c == '_' ||
            c == '.' || c == '~')
            out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

namespace {

struct Url {
    std::string origin; // scheme://host[:port]
    std::string path;   // /list/ (always ends with '/')
};

Result<Url> parse_url(std::string const& url)
{
    std::size_t scheme = url.find("://");
    if (scheme == std::string::npos || (url.substr(0, scheme) != "http" && url.substr(0, scheme) != "https"))
        return make_error("--lore needs an http:// or https:// URL, not '" + url + "'");
    std::size_t slash = url.find('/', scheme + 3);
    Url u;
    u.origin = url.substr(0, slash);
    u.path = slash == std::string::npos ? "/" : url.substr(slash);
    if (u.path.back() != '/')
        u.path += '/';
    if (u.origin.size() <= scheme + 3)
        return make_error("--lore URL has no host: '" + url + "'");
    return u;
}

class Client {
public:
    Client(Url u, LoreOptions const& o) : m_url(std::move(u)), m_opts(o), m_cli(m_url.origin)
    {
        m_cli.set_connection_timeout(o.timeout_seconds, 0);
        m_cli.set_read_timeout(o.timeout_seconds, 0);
        m_cli.set_write_timeout(o.timeout_seconds, 0);
        m_cli.set_follow_location(true);
        m_cli.set_decompress(false); // t.mbox.gz is gzip by content, not by transfer
    }

    // GET or POST a path; the body of a 200 answer, bounded.
    Result<std::string> request(std::string const& path, bool post)
    {
        std::string where = m_url.origin + path;
        int wait = m_opts.backoff_ms;
        std::string last;
        for (int attempt = 0; attempt <= m_opts.retries; ++attempt) {
            if (attempt > 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(wait));
                wait *= 2;
            }
            std::string body;
            bool too_big = false;
            auto receiver = [&](char const* data, std::size_t n) {
                if (body.size() + n > m_opts.max_bytes) {
                    too_big = true;
                    return false;
                }
                body.append(data, n);
                return true;
            };
            httplib::Result res = post ? m_cli.Post(path.c_str(), httplib::Headers{}, std::string(),
                                                    "application/x-www-form-urlencoded")
                                       : m_cli.Get(path.c_str(), receiver);
            if (too_big)
                return make_error("lore: answer larger than " + std::to_string(m_opts.max_bytes >> 20) + " MiB", where);
            if (!res) {
                last = "lore: request failed (" + httplib::to_string(res.error()) + ")";
                continue; // network trouble: retry
            }
            if (post)
                body = res->body;
            if (res->status == 200) {
                if (body.size() > m_opts.max_bytes)
                    return make_error("lore: answer larger than " + std::to_string(m_opts.max_bytes >> 20) + " MiB",
                                      where);
                return body;
            }
            last = "lore: HTTP " + std::to_string(res->status);
            if (res->status == 404 || (res->status >= 400 && res->status < 500 && res->status != 429))
                break; // will not change on retry
        }
        return make_error(last, where);
    }

    std::string const& base() const { return m_url.path; }

private:
    Url m_url;
    LoreOptions m_opts;
    httplib::Client m_cli;
};

} // namespace

Result<LoreFetch> lore_fetch(LoreOptions const& opts)
{
    Url url = TRY(parse_url(opts.url));
    Client client(url, opts);
    std::string q = opts.query.empty() ? "s:PATCH" : opts.query;
    if (!opts.since.empty())
        q = "(" + q + ") AND d:" + opts.since + "..";
    else if (opts.received_since > 0)
        q = "(" + q + ") AND rt:" + std::to_string(opts.received_since) + "..";
    std::string search = url.path + "?x=m&q=" + url_encode(q);
    LoreFetch out;
    std::string body = TRY(client.request(search, true));
    std::string mbox;
    if (body.empty())
        return out; // no matches
    mbox = TRY(gunzip_strict(body, url.origin + search, opts.max_bytes));
    auto matches = mail::split_mbox(mbox, url.origin + search);
    out.matches = matches.size();
    std::set<std::string> seen;
    std::vector<mail::RawMail> threads;
    for (auto const& m : matches) {
        auto meta = read_meta(m.text, m.source, m.line);
        if (!meta || meta->synthetic_id || seen.count(meta->message_id))
            continue;
        if (out.threads >= opts.max_threads)
            break;
        std::string path = url.path + url_encode(meta->message_id) + "/t.mbox.gz";
        std::string gz = TRY(client.request(path, false));
        std::string text = TRY(gunzip_strict(gz, url.origin + path, opts.max_bytes));
        ++out.threads;
        for (auto& t : mail::split_mbox(text, url.origin + path)) {
            if (auto tm = read_meta(t.text, t.source, t.line); tm)
                seen.insert(tm->message_id);
            threads.push_back(std::move(t));
        }
    }
    out.mails = std::move(matches);
    for (auto& t : threads)
        out.mails.push_back(std::move(t));
    return out;
}

} // namespace review::queue
