#include "libreview/queue/am.h"

#include "libreview/core/text.h"
#include "libreview/mail/message.h"
#include "libreview/patch/message.h"

#include <set>

namespace review::queue {

namespace {

std::string mboxrd_escape(std::string_view line)
{
    std::size_t gt = 0;
    while (gt < line.size() && line[gt] == '>')
        ++gt;
    if (line.substr(gt, 5) == "From ")
        return ">" + std::string(line);
    return std::string(line);
}

} // namespace

std::string am_mail(std::string_view raw, std::string const& name, std::vector<std::string> const& trailers)
{
    auto decoded = mail::decode_mail(raw, name);
    if (!decoded)
        return {};
    std::string out = "From git@z Thu Jan  1 00:00:00 1970\n";
    for (char const* h : {"Subject", "From", "Date", "Message-ID"})
        for (auto const& hd : decoded->headers)
            if (text::iequals(hd.name, h)) {
                std::string v = text::sanitize_utf8(hd.value);
                for (char& c : v)
                    if (c == '\n' || c == '\r')
                        c = ' ';
                out += std::string(std::string_view(h) == "Message-ID" ? "Message-Id" : h) + ": " + v + "\n";
                break;
            }
    out += "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n";
    auto lines = text::split_lines(decoded->body);
    // The end of the commit message: the "---" line, or the diff.
    std::size_t end = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i] == "---" || text::istarts_with(lines[i], "diff --git ")) {
            end = i;
            break;
        }
    std::size_t last = end;
    while (last > 0 && text::trim(lines[last - 1]).empty())
        --last;
    std::set<std::string> present;
    std::size_t block = last;
    while (block > 0 && looks_like_trailer(lines[block - 1]))
        --block;
    for (std::size_t i = block; i < last; ++i)
        present.insert(text::to_lower(text::trim(lines[i])));
    std::vector<std::string> add;
    for (auto const& t : trailers)
        if (!present.count(text::to_lower(t)) && present.insert(text::to_lower(t)).second)
            add.push_back(t);
    for (std::size_t i = 0; i < last; ++i)
        out += mboxrd_escape(lines[i]) + "\n";
    if (!add.empty() && block == last && last > 0)
        out += "\n"; // no trailer block yet
    for (auto const& t : add)
        out += t + "\n";
    for (std::size_t i = last; i < lines.size(); ++i)
        out += mboxrd_escape(lines[i]) + "\n";
    if (out.back() != '\n')
        out += '\n';
    out += '\n';
    return out;
}

AmResult make_am(VersionMails const& v, AmOptions const& opts)
{
    AmResult r;
    auto const& ver = v.series.versions[v.version];
    if (ver.received < ver.patches)
        r.notes.push_back("only " + std::to_string(ver.received) + " of " + std::to_string(ver.patches) +
                          " patches of v" + ver.version + " are in the queue");
    for (auto const& p : v.patches) {
        std::vector<std::string> trailers;
        for (auto const& t : p.patch.trailers) {
            if (t.address_mismatch && !opts.keep_mismatched) {
                r.notes.push_back("[PATCH " + std::to_string(p.patch.index) + "] left out '" + t.key + ": " + t.value +
                                  "': sent from " + t.sender + " (--keep-mismatched keeps it)");
                continue;
            }
            trailers.push_back(t.key + ": " + t.value);
        }
        if (!opts.link_prefix.empty())
            trailers.push_back("Link: " + opts.link_prefix + p.patch.message_id);
        r.mbox += am_mail(p.raw, p.patch.message_id, trailers);
    }
    if (v.cover)
        r.cover = am_mail(v.cover->raw, v.cover->patch.message_id, {});
    return r;
}

} // namespace review::queue
