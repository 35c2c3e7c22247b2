#include "libreview/mail/mailbox.h"

#include "libreview/core/text.h"
#include "libreview/mail/gobject.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch_file.h"

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

namespace {

bool is_maildir(fs::path const& dir)
{
    std::error_code ec;
    return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

std::vector<std::string> regular_files(fs::path const& dir, bool patches_only)
{
    std::vector<std::string> files;
    std::error_code ec;
    for (auto const& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file(ec))
            continue;
        std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.')
            continue;
        auto ext = entry.path().extension().string();
        if (patches_only && ext != ".patch" && ext != ".eml" && ext != ".mbox" && ext != ".gz" && ext != ".diff")
            continue;
        files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

Result<void> read_one_file(std::string const& file, MailInput& input)
{
    std::string data = TRY(read_file_bounded(file, max_mailbox_size));
    if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b)
        data = TRY(gunzip(data, file));
    decode_mails(split_mbox(data, file), input);
    return {};
}

} // namespace

void decode_mails(std::vector<RawMail> const& raws, MailInput& input)
{
    for (auto const& raw : raws) {
        auto patch = mail_to_patch(raw.text, raw.source, raw.line, &input.problems);
        if (!patch) {
            input.problems.push_back(raw.source + ":" + std::to_string(raw.line) + ": mail skipped: " +
                                     patch.error().message);
            continue;
        }
        if (raw.format_patch)
            patch->sender_known = false;
        input.mails.push_back(std::move(*patch));
    }
}

bool is_mailbox_path(std::string const& path)
{
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec))
        return true;
    std::string ext = p.extension().string();
    return ext == ".mbox" || ext == ".gz" || ext == ".mbx" || ext == ".eml" || ext == ".patch" || ext == ".mail";
}

Result<MailInput> read_mail_input(std::string const& path)
{
    MailInput input;
    std::error_code ec;
    fs::path p(path);
    if (!fs::exists(p, ec))
        return make_error("no such file or directory", path);
    if (fs::is_directory(p, ec)) {
        std::vector<std::string> files;
        if (is_maildir(p)) {
            for (char const* sub : {"cur", "new"}) {
                auto more = regular_files(p / sub, false);
                files.insert(files.end(), more.begin(), more.end());
            }
        } else {
            files = regular_files(p, true);
        }
        if (files.empty())
            return make_error("no mails: expected a Maildir (cur/, new/) or .patch/.eml/.mbox files", path);
        for (auto const& f : files) {
            if (input.mails.size() >= max_mails)
                break;
            if (auto r = read_one_file(f, input); !r)
                input.problems.push_back(r.error().describe());
        }
        return input;
    }
    TRY_VOID(read_one_file(path, input));
    if (input.mails.empty() && input.problems.empty())
        input.problems.push_back(path + ": no mails found");
    return input;
}

} // namespace review::mail
