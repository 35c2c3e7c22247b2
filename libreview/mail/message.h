#pragma once
// One mail, decoded with GMime: unfolded headers with RFC 2047 words decoded,
// the text body converted to UTF-8 from its charset and transfer encoding,
// and a patch attached as a separate MIME part appended to the body.
// source/mail.h builds a Patch from a decoded mail.

#include "libreview/core/result.h"
#include "libreview/core/header.h"

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

// Message ids in a References:/In-Reply-To: value, without angle brackets.
std::vector<std::string> message_ids(std::string_view value);

// Addresses (lowercased e-mail) in To:/Cc: values.
std::vector<std::string> addresses(std::string_view value);

} // namespace review::mail
