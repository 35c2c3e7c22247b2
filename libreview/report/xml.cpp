#include "libreview/report/xml.h"

#include "libreview/core/text.h"

namespace review {

std::string xml_escape(std::string_view in)
{
    std::string out;
    out.reserve(in.size());
    for (unsigned char c : text::sanitize_utf8(in)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            // XML 1.0 allows no control characters but tab, newline and return.
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                out += '?';
            else
                out += static_cast<char>(c);
        }
    }
    return out;
}

} // namespace review
