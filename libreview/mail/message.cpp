#include "libreview/mail/message.h"

#include "libreview/core/text.h"
#include "libreview/mail/gobject.h"

#include <algorithm>
#include <mutex>

namespace review::mail {

void ensure_gmime()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

namespace {

// Raw header lines: where each header starts, so decoded headers keep the
// line numbers of the input. Returns the line index of the blank line.
std::vector<int> header_start_lines(std::string_view raw, int& blank_line)
{
    std::vector<int> starts;
    auto lines = text::split_lines(raw);
    blank_line = static_cast<int>(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        if (l.empty() || l == "\r") {
            blank_line = static_cast<int>(i);
            break;
        }
        if (l[0] != ' ' && l[0] != '\t')
            starts.push_back(static_cast<int>(i) + 1);
    }
    return starts;
}

std::string stream_bytes(GMimeStream* stream)
{
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    return bytes ? std::string(reinterpret_cast<char const*>(bytes->data), bytes->len) : std::string();
}

// The decoded content of a leaf part, converted to UTF-8 for text parts.
std::string part_text(GMimePart* part, std::vector<std::string>& problems)
{
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content)
        return {};
    GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, mem.get());
    std::string data = stream_bytes(mem.get());
    char const* charset = nullptr;
    if (GMIME_IS_TEXT_PART(part))
        charset = g_mime_text_part_get_charset(GMIME_TEXT_PART(part));
    if (charset && !text::iequals(charset, "utf-8") && !text::iequals(charset, "us-ascii")) {
        char const* iconv_name = g_mime_charset_iconv_name(charset);
        GError* err = nullptr;
        gsize written = 0;
        GString converted(g_convert(data.data(), static_cast<gssize>(data.size()), "UTF-8", iconv_name, nullptr,
                                    &written, &err));
        if (converted) {
            data.assign(converted.get(), written);
        } else {
            problems.push_back(std::string("cannot convert the body from charset '") + charset + "'; invalid bytes replaced");
        }
        if (err)
            g_error_free(err);
    }
    if (!text::is_valid_utf8(data)) {
        problems.push_back("the body is not valid UTF-8 for its declared charset; invalid bytes replaced");
        data = text::sanitize_utf8(data);
    }
    // Normalise CRLF line ends from Windows mailers and base64 bodies.
    data.erase(std::remove(data.begin(), data.end(), '\r'), data.end());
    return data;
}

bool looks_like_patch_part(GMimeObject* object)
{
    GMimeContentType* type = g_mime_object_get_content_type(object);
    if (type && (g_mime_content_type_is_type(type, "text", "x-patch") ||
                 g_mime_content_type_is_type(type, "text", "x-diff") ||
                 g_mime_content_type_is_type(type, "application", "x-patch")))
        return true;
    if (GMIME_IS_PART(object)) {
        char const* name = g_mime_part_get_filename(GMIME_PART(object));
        std::string_view n = name ? name : "";
        auto ends = [&](std::string_view s) { return n.size() >= s.size() && n.substr(n.size() - s.size()) == s; };
        return ends(".patch") || ends(".diff");
    }
    return false;
}

// Depth-first walk: the first text/plain part is the message; parts that
// carry a patch (inline text/x-patch or an attached .patch) follow it.
void collect_body(GMimeObject* object, std::string& body, bool& have_text, std::vector<std::string>& problems,
                  int depth)
{
    if (!object || depth > 16)
        return;
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart* multi = GMIME_MULTIPART(object);
        int n = g_mime_multipart_get_count(multi);
        if (n == 0)
            problems.push_back("multipart mail with no parts (broken MIME)");
        for (int i = 0; i < n; ++i)
            collect_body(g_mime_multipart_get_part(multi, i), body, have_text, problems, depth + 1);
        return;
    }
    if (!GMIME_IS_PART(object))
        return; // message/rfc822 and the like: not part of the patch
    GMimeContentType* type = g_mime_object_get_content_type(object);
    bool plain = !type || g_mime_content_type_is_type(type, "text", "plain");
    if (looks_like_patch_part(object)) {
        std::string patch = part_text(GMIME_PART(object), problems);
        if (!body.empty() && body.back() != '\n')
            body += '\n';
        body += patch;
        have_text = true;
    } else if (plain && !have_text) {
        body += part_text(GMIME_PART(object), problems);
        have_text = true;
    }
}

} // namespace

Result<DecodedMail> decode_mail(std::string_view raw, std::string const& name)
{
    ensure_gmime();
    DecodedMail mail;
    int blank = 0;
    std::vector<int> starts = header_start_lines(raw, blank);
    mail.body_line = blank + 2;
    if (starts.empty())
        return make_error("not a mail: no headers", name, 1);

    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GMimeParserOptions* options = g_mime_parser_options_new();
    char const* fallback[] = {"UTF-8", "ISO-8859-1", nullptr};
    g_mime_parser_options_set_fallback_charsets(options, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
    GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options));
    if (!message) {
        g_mime_parser_options_free(options);
        return make_error("cannot parse the mail (broken MIME structure)", name, 1);
    }
    GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(message.get()));
    int count = list ? g_mime_header_list_get_count(list) : 0;
    for (int i = 0; i < count; ++i) {
        GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
        char const* hname = g_mime_header_get_name(h);
        char const* raw_value = g_mime_header_get_raw_value(h);
        if (!hname)
            continue;
        std::string value;
        if (raw_value) {
            // Unfold, then decode RFC 2047 words with the fallback charsets.
            std::string unfolded;
            for (char c : std::string_view(raw_value)) {
                if (c == '\r' || c == '\n')
                    continue;
                unfolded += c == '\t' ? ' ' : c;
            }
            GString decoded(g_mime_utils_header_decode_text(options, unfolded.c_str()));
            value = decoded ? decoded.get() : unfolded;
        }
        value = std::string(text::trim(value));
        if (!text::is_valid_utf8(value))
            value = text::sanitize_utf8(value);
        int line = i < static_cast<int>(starts.size()) ? starts[static_cast<std::size_t>(i)] : 1;
        mail.headers.push_back({hname, std::move(value), line});
    }
    g_mime_parser_options_free(options);

    bool have_text = false;
    collect_body(g_mime_message_get_mime_part(message.get()), mail.body, have_text, mail.problems, 0);
    return mail;
}

std::vector<std::string> message_ids(std::string_view value)
{
    std::vector<std::string> ids;
    std::size_t pos = 0;
    while (pos < value.size() && ids.size() < 1000) {
        std::size_t open = value.find('<', pos);
        if (open == std::string_view::npos)
            break;
        std::size_t close = value.find('>', open + 1);
        if (close == std::string_view::npos)
            break;
        std::string_view id = text::trim(value.substr(open + 1, close - open - 1));
        if (!id.empty())
            ids.emplace_back(id);
        pos = close + 1;
    }
    if (ids.empty()) {
        std::string_view bare = text::trim(value);
        if (!bare.empty() && bare.find(' ') == std::string_view::npos)
            ids.emplace_back(bare);
    }
    return ids;
}

std::vector<std::string> addresses(std::string_view value)
{
    ensure_gmime();
    std::vector<std::string> out;
    std::string copy(value);
    GObjectPtr<InternetAddressList> list(internet_address_list_parse(nullptr, copy.c_str()));
    if (!list)
        return out;
    auto add_list = [&](auto&& self, InternetAddressList* l, int depth) -> void {
        int n = internet_address_list_length(l);
        for (int i = 0; i < n && depth < 4; ++i) {
            InternetAddress* a = internet_address_list_get_address(l, i);
            if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
                char const* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
                if (addr && *addr)
                    out.push_back(text::to_lower(addr));
            } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
                self(self, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), depth + 1);
            }
        }
    };
    add_list(add_list, list.get(), 0);
    return out;
}

} // namespace review::mail
