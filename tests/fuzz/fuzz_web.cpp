// Fuzz the web view's input and output encoding: query strings and form
// bodies (parse_query), finding locations, topics, and escape() /
// truncate() / url_encode(), whose output must hold no markup character,
// no override character and only valid UTF-8. The queue page is rendered
// with the input as subject and author, and must stay within its markup.

#include "libreview/web/checks.h"
#include "libreview/web/html.h"
#include "libreview/web/query.h"
#include "libreview/web/queue_page.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

bool valid_utf8(std::string const& s)
{
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || i + n > s.size())
            return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

void require(bool ok)
{
    if (!ok)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string text(reinterpret_cast<char const*>(data), size);
    if (auto p = review::web::parse_query(text)) {
        require(p->items.size() <= review::web::max_params);
        (void)review::web::QueueQuery::from(*p);
    }
    (void)review::web::finding_line(text);
    (void)review::web::topic_of(text);
    std::string e = review::web::escape(text);
    require(e.find_first_of("<>\"'") == std::string::npos);
    require(e.find("\xE2\x80\xAE") == std::string::npos && e.find("\xE2\x81\xA6") == std::string::npos);
    require(valid_utf8(e));
    require(valid_utf8(review::web::escape(review::web::truncate(text, size / 2))));
    std::string u = review::web::url_encode(text);
    require(u.find_first_of("<>\"' &") == std::string::npos);

    // The queue page with the input as subject, author, version and profile
    // has as many tags in its row as with a plain "x".
    auto row_tags = [](std::string const& field) {
        review::queue::SeriesView s;
        s.id = 1;
        s.subject = field;
        s.author = field;
        review::queue::VersionView v;
        v.version = field.substr(0, 16);
        v.checked = field.substr(0, 32);
        s.versions.push_back(v);
        std::string html = review::web::queue_page({s}, {}, 0);
        std::size_t row = html.find("<tr class=\"series\"");
        std::size_t end = html.find("</tbody>", row);
        require(row != std::string::npos && end != std::string::npos);
        return std::count(html.begin() + static_cast<std::ptrdiff_t>(row),
                          html.begin() + static_cast<std::ptrdiff_t>(end), '<');
    };
    require(row_tags(text) == row_tags("x"));
    return 0;
}
