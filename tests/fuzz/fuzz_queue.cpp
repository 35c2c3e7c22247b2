// Fuzz the queue's parsers: mail metadata (subject tags with v5.5, change-id,
// follow-up trailers, patch-id), series identity over the mails of an mbox,
// the range-diff of two halves, the am rewrite, Link: URLs and the strict
// gunzip used for lore answers. No input may crash or hang them.

#include "libreview/mail/mailbox.h"
#include "libreview/queue/am.h"
#include "libreview/queue/applied.h"
#include "libreview/queue/gzip.h"
#include "libreview/queue/identity.h"
#include "libreview/queue/ingest.h"
#include "libreview/queue/range_diff.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string text(reinterpret_cast<char const*>(data), size);
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        (void)review::queue::gunzip_strict(text, "fuzz.gz", 1u << 20);
        return 0;
    }
    (void)review::queue::link_message_id(text.substr(0, 512));
    (void)review::queue::followup_trailers(text);
    auto raws = review::mail::split_mbox(text, "fuzz.mbox");
    if (raws.size() > 64)
        raws.resize(64);
    std::vector<review::queue::MailMeta> metas;
    std::vector<review::queue::RangePatch> a, b;
    for (std::size_t i = 0; i < raws.size(); ++i) {
        auto meta = review::queue::read_meta(raws[i].text, "fuzz.mbox", raws[i].line);
        if (meta)
            metas.push_back(std::move(*meta));
        auto patch = review::queue::range_patch(raws[i].text, "fuzz.mbox", static_cast<int>(i));
        (i % 2 ? b : a).push_back(std::move(patch));
        (void)review::queue::am_mail(raws[i].text, "fuzz.mbox", {"Reviewed-by: A <a@b>"});
    }
    // Thread everything to everything: ids and references come from the input.
    (void)review::queue::group_mails(metas, {{"a@b", "c@d"}});
    auto diff = review::queue::range_diff(a, b);
    (void)review::queue::format_range_diff(diff, a, b);
    return 0;
}
