// Fuzz the mail and series parsers: mbox splitting, GMime decoding, the
// conversion to patches, series assembly and every series and patch rule
// over the result. No input may crash or hang them.

#include "libreview/mail/mailbox.h"
#include "libreview/rules/engine.h"
#include "libreview/rules/series_runner.h"
#include "libreview/source/mail.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static review::Engine engine = [] {
        auto profile = review::load_builtin_profile("kvm-x86", review::builtin_registry().load_options());
        auto created = review::Engine::create(std::move(*profile));
        return std::move(created.value());
    }();
    std::string text(reinterpret_cast<char const*>(data), size);
    review::source::MailInput input;
    review::source::decode_mails(review::mail::split_mbox(text, "fuzz.mbox"), input);
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        (void)review::mail::gunzip(text, "fuzz.gz", 1u << 20);
    review::Mailbox box = review::assemble(std::move(input.mails));
    review::SkipLog skips;
    (void)review::check_mailbox(engine, box, nullptr, skips, review::Versions::All);
    return 0;
}
