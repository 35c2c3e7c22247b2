#pragma once
// A public-inbox HTTP server (lore.kernel.org or a mirror) as a source:
// POST <list>/?x=m&q=QUERY answers the matching messages as gzipped mboxrd;
// each match's thread then comes from <list>/<msgid>/t.mbox.gz. Timeouts,
// retries with backoff, size bounds; a failure is one line naming the URL.

#include "libreview/core/result.h"
#include "libreview/mail/mailbox.h"

#include <cstddef>
#include <string>
#include <vector>

namespace review::queue {

struct LoreOptions {
    std::string url;          // http(s)://host[:port]/<list>/
    std::string query;        // public-inbox search query; "s:PATCH" when empty
    std::string since;        // adds "d:SINCE.." (a date public-inbox understands)
    long long received_since = 0; // adds "rt:EPOCH.." (received since; 0: no bound)
    int timeout_seconds = 30; // connect and read timeouts
    int retries = 3;          // extra attempts after a failed request
    int backoff_ms = 1000;    // first wait between attempts, doubled each time
    std::size_t max_threads = 500;
    std::size_t max_bytes = 256u << 20; // per response, compressed and uncompressed
};

struct LoreFetch {
    std::vector<mail::RawMail> mails; // matches and their threads (duplicates kept; the store drops them)
    std::size_t matches = 0;
    std::size_t threads = 0;
};

// Percent-encode a query string value.
std::string url_encode(std::string_view);

Result<LoreFetch> lore_fetch(LoreOptions const&);

} // namespace review::queue
