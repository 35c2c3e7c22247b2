#include "libreview/mail/mailbox.h"

#include "libreview/core/text.h"
#include "libreview/mail/gobject.h"
#include "libreview/mail/message.h"

#include <algorithm>
#include <filesystem>

namespace review::mail {

namespace fs = std::filesystem;

namespace {

bool is_digit_word(std::string_view w, std::size_t min_len)
{
    return w.size() >= min_len && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "From <addr> <asctime date>": a year and an hh:mm[:ss] after the address.
bool is_postmark(std::string_view line)
{
    if (line.substr(0, 5) != "From ")
        return false;
    auto w = text::words(line.substr(5));
    if (w.size() < 3)
        return false;
    bool year = false, time = false;
    for (std::size_t i = 1; i < w.size(); ++i) {
        if (is_digit_word(w[i], 4) && w[i].size() == 4)
            year = true;
        std::size_t colon = w[i].find(':');
        if (colon != std::string_view::npos && colon > 0 && colon < 3 && is_digit_word(w[i].substr(0, colon), 1))
            time = true;
    }
    return year && time;
}

bool looks_like_header_line(std::string_view line)
{
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return false;
    for (char c : line.substr(0, colon))
        if (c <= ' ' || c > '~')
            return false;
    return true;
}

} // namespace

std::vector<RawMail> split_mbox(std::string_view data, std::string const& name)
{
    std::vector<RawMail> mails;
    auto lines = text::split_lines(data);
    RawMail* current = nullptr;
    bool previous_blank = true;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        if (previous_blank && is_postmark(l) && (i + 1 >= lines.size() || looks_like_header_line(lines[i + 1]))) {
            if (mails.size() >= max_mails)
                break;
            mails.push_back(RawMail{name, static_cast<int>(i) + 2, {}});
            current = &mails.back();
            current->format_patch = text::trim_right(l).ends_with(" Mon Sep 17 00:00:00 2001");
            previous_blank = false;
            continue;
        }
        previous_blank = l.empty();
        if (!current) {
            if (l.empty())
                continue;
            // No postmark: a single mail (an .eml or a bare patch).
            mails.push_back(RawMail{name, static_cast<int>(i) + 1, {}});
            current = &mails.back();
        }
        // mboxrd: ">From " and ">>From " lose one '>'; mboxo's ">From " too.
        std::size_t gt = 0;
        while (gt < l.size() && l[gt] == '>')
            ++gt;
        if (gt > 0 && l.substr(gt, 5) == "From ")
            l.remove_prefix(1);
        current->text.append(l);
        current->text += '\n';
    }
    // The separator's blank line belongs to the mbox, not to the mail.
    for (auto& m : mails)
        while (m.text.size() >= 2 && m.text[m.text.size() - 1] == '\n' && m.text[m.text.size() - 2] == '\n')
            m.text.pop_back();
    return mails;
}

Result<std::string> gunzip(std::string_view data, std::string const& name, std::size_t limit)
{
    ensure_gmime();
    GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new_with_buffer(data.data(), data.size()));
    GObjectPtr<GMimeStream> filtered(g_mime_stream_filter_new(mem.get()));
    GObjectPtr<GMimeFilter> gzip(g_mime_filter_gzip_new(GMIME_FILTER_GZIP_MODE_UNZIP, 0));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), gzip.get());
    std::string out;
    char buffer[65536];
    for (;;) {
        gssize n = g_mime_stream_read(filtered.get(), buffer, sizeof buffer);
        if (n < 0)
            return make_error("corrupt gzip data", name);
        if (n == 0)
            break;
        out.append(buffer, static_cast<std::size_t>(n));
        if (out.size() > limit)
            return make_error("uncompressed mailbox is larger than the " + std::to_string(limit >> 20) + " MiB limit",
                              name);
    }
    if (out.empty() && !data.empty())
        return make_error("corrupt or empty gzip data", name);
    return out;
}

} // namespace review::mail
