#pragma once
// One mail, decoded with GMime: unfolded headers with RFC 2047 words decoded,
// the text body converted to UTF-8 from its charset and transfer encoding,
// and a patch attached as a separate MIME part appended to the body. The
// decoded mail then goes through the format-patch parser into a Patch.

#include "libreview/core/result.h"
#include "libreview/patch/patch.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace review::mail {

struct DecodedMail {
    std::vector<MailHeader> headers; // decoded values, line = raw line of the header start
    std::string body;                // UTF-8 text: the message, then any attached patch
    int body_line = 0;               // raw line (1-based, within the mail) where the body starts
    std::vector<std::string> problems; // recoverable damage (bad charset, broken MIME)
};

// Decode one RFC 5322 message (no leading "From " line).
Result<DecodedMail> decode_mail(std::string_view raw, std::string const& name);

// Turn one raw mail into a Patch. `first_line` is the line of the mail's
// first header in `name`, so findings point into the mbox or file.
Result<Patch> mail_to_patch(std::string_view raw, std::string const& name, int first_line,
                            std::vector<std::string>* problems = nullptr);

// The same, from a mail already decoded (the queue decodes once, then
// turns only patches and cover letters into a Patch).
Result<Patch> decoded_to_patch(DecodedMail const&, std::string const& name, int first_line,
                               std::vector<std::string>* problems = nullptr);

// Header value by name (case-insensitive); empty when absent.
std::string header(Patch const&, std::string_view name);

// Message ids in a References:/In-Reply-To: value, without angle brackets.
std::vector<std::string> message_ids(std::string_view value);

// Addresses (lowercased e-mail) in To:/Cc: values.
std::vector<std::string> addresses(std::string_view value);

} // namespace review::mail
