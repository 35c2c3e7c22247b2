#pragma once
// `kvmx am`: one version of a series as an mbox for `git am`, with the
// trailers collected from replies added to each patch and a Link: to the
// posting, the cover letter apart (what `b4 am` does).

#include "libreview/queue/store.h"

#include <string>
#include <vector>

namespace review::queue {

struct AmOptions {
    std::string link_prefix = "https://lore.kernel.org/r/"; // Link: <prefix><Message-ID>; empty: no Link:
    bool keep_mismatched = false; // keep trailers whose address differs from the reply's sender
};

struct AmResult {
    std::string mbox;  // the patches, mboxrd
    std::string cover; // the cover letter, if any, as one mail
    std::vector<std::string> notes; // trailers left out, patches missing
};

AmResult make_am(VersionMails const&, AmOptions const&);

// One mail of the mbox: headers from the posting, body with `trailers`
// added above the "---" line (those already present are not repeated).
std::string am_mail(std::string_view raw, std::string const& name, std::vector<std::string> const& trailers);

} // namespace review::queue
