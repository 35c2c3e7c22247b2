#include "libreview/report/xml.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <utility>

namespace review {

std::string xml_escape(std::string_view in)
{
    static constexpr std::pair<char, std::string_view> entities[] = {
        {'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&apos;"}};
    std::string out;
    out.reserve(in.size());
    for (char c : text::sanitize_utf8(in)) {
        auto e = std::find_if(std::begin(entities), std::end(entities), [c](auto const& kv) { return kv.first == c; });
        if (e != std::end(entities))
            out += e->second;
        else if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
            out += '?'; // XML 1.0 allows no control characters but tab, newline and return
        else
            out += c;
    }
    return out;
}

} // namespace review
