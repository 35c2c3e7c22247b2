#include "libreview/patch/patch_file.h"

#include "libreview/core/text.h"

#include <cerrno>
#include <charconv>
#include <cstring>

namespace review::patch {

std::vector<MailHeader> parse_headers(std::vector<std::string_view> const& lines, std::size_t& i, int first_line)
{
    std::vector<MailHeader> headers;
    while (i < lines.size() && !lines[i].empty()) {
        std::string_view line = lines[i];
        int number = first_line + static_cast<int>(i);
        if ((line[0] == ' ' || line[0] == '\t')) {
            if (!headers.empty() && headers.back().value.size() < 65536) {
                headers.back().value += ' ';
                headers.back().value += std::string(text::trim(line));
            }
        } else if (headers.empty() && i == 0 && line.substr(0, 5) == "From ") {
            headers.push_back({"From_", std::string(line.substr(5)), number});
        } else {
            std::size_t colon = line.find(':');
            if (colon != std::string_view::npos && colon > 0 && line.find(' ') > colon)
                headers.push_back({std::string(text::trim(line.substr(0, colon))),
                                   std::string(text::trim(line.substr(colon + 1))), number});
            else
                break; // not a header: the body starts here without a blank line
        }
        ++i;
    }
    return headers;
}

static int month_index(std::string_view m)
{
    static constexpr std::string_view names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int k = 0; k < 12; ++k)
        if (text::iequals(m.substr(0, 3), names[k]))
            return k;
    return -1;
}

static std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_mail_date(std::string_view s)
{
    auto parts = text::words(s);
    std::size_t k = 0;
    if (k < parts.size() && !parts[k].empty() && parts[k].back() == ',')
        ++k; // weekday
    if (parts.size() < k + 4)
        return std::nullopt;
    auto num = [](std::string_view v, int& out) {
        auto r = std::from_chars(v.data(), v.data() + v.size(), out);
        return r.ec == std::errc() && r.ptr == v.data() + v.size();
    };
    int day = 0, year = 0;
    if (!num(parts[k], day) || day < 1 || day > 31)
        return std::nullopt;
    int month = month_index(parts[k + 1]);
    if (month < 0 || !num(parts[k + 2], year) || year < 1970 || year > 9999)
        return std::nullopt;
    int hh = 0, mm = 0, ss = 0;
    std::string_view t = parts[k + 3];
    auto c1 = t.find(':');
    if (c1 == std::string_view::npos)
        return std::nullopt;
    auto c2 = t.find(':', c1 + 1);
    if (!num(t.substr(0, c1), hh))
        return std::nullopt;
    if (c2 == std::string_view::npos) {
        if (!num(t.substr(c1 + 1), mm))
            return std::nullopt;
    } else if (!num(t.substr(c1 + 1, c2 - c1 - 1), mm) || !num(t.substr(c2 + 1), ss)) {
        return std::nullopt;
    }
    if (hh > 23 || mm > 59 || ss > 60)
        return std::nullopt;
    std::int64_t offset = 0;
    if (parts.size() > k + 4) {
        std::string_view z = parts[k + 4];
        if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {
            int v = 0;
            if (num(z.substr(1), v))
                offset = (v / 100) * 3600 + (v % 100) * 60;
            if (z[0] == '-')
                offset = -offset;
        }
    }
    std::int64_t days = days_from_civil(year, static_cast<unsigned>(month + 1), static_cast<unsigned>(day));
    return days * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

static std::string header_value(std::vector<MailHeader> const& headers, std::string_view name, int* line = nullptr)
{
    for (auto const& h : headers)
        if (text::iequals(h.name, name)) {
            if (line)
                *line = h.line;
            return h.value;
        }
    return {};
}

Result<Patch> build_patch(PatchParts parts)
{
    Patch patch;
    patch.origin = parts.origin;
    patch.file = std::move(parts.name);
    patch.headers = std::move(parts.headers);
    std::string_view const input = parts.body;
    int const first = parts.body_line;
    int subject_line = 0;
    patch.subject = header_value(patch.headers, "Subject", &subject_line);
    std::string from_line = header_value(patch.headers, "From_");
    if (from_line.size() >= 40 && text::is_hex(std::string_view(from_line).substr(0, 40)))
        patch.commit = from_line.substr(0, 40);
    patch.author = parse_person(header_value(patch.headers, "From"));
    patch.committer = patch.author;
    patch.sender_known = !text::trim_right(from_line).ends_with(" Mon Sep 17 00:00:00 2001");
    if (auto d = parse_mail_date(header_value(patch.headers, "Date")))
        patch.date = *d;
    auto lines = text::split_lines(input);
    std::size_t i = 0;

    // In-body "From:"/"Date:"/"Subject:" override the mail headers (sender != author).
    std::size_t probe = i;
    bool in_body_headers = false;
    while (probe < lines.size() && (text::istarts_with(lines[probe], "From: ") ||
                                    text::istarts_with(lines[probe], "Date: ") ||
                                    text::istarts_with(lines[probe], "Subject: "))) {
        std::string_view l = lines[probe];
        std::string value(text::trim(l.substr(l.find(':') + 1)));
        if (text::istarts_with(l, "From: "))
            patch.author = parse_person(value);
        else if (text::istarts_with(l, "Date: ")) {
            if (auto d = parse_mail_date(value))
                patch.date = *d;
        } else {
            patch.subject = value;
            subject_line = first + static_cast<int>(probe);
        }
        ++probe;
        in_body_headers = true;
    }
    if (in_body_headers && probe < lines.size() && lines[probe].empty())
        i = probe + 1;

    patch.message.title = strip_subject_tags(patch.subject, &patch.subject_tags);
    patch.message.title_line = subject_line;

    // Message lines up to the diff; parse_body() splits off the notes.
    std::vector<Line> body;
    std::size_t diff_start = lines.size();
    for (std::size_t k = i; k < lines.size(); ++k) {
        std::string_view l = lines[k];
        if (l.substr(0, 11) == "diff --git " || (l.substr(0, 4) == "--- " && k + 1 < lines.size() &&
                                                  lines[k + 1].substr(0, 4) == "+++ " &&
                                                  k + 2 < lines.size() && lines[k + 2].substr(0, 3) == "@@ ")) {
            diff_start = k;
            break;
        }
        body.push_back(Line{std::string(l), first + static_cast<int>(k)});
    }
    std::size_t after = diff_start;
    if (diff_start < lines.size()) {
        std::size_t consumed = 0;
        std::size_t offset = static_cast<std::size_t>(lines[diff_start].data() - input.data());
        patch.diff = parse_diff(input.substr(offset), first + static_cast<int>(diff_start), &consumed);
        patch.diff_known = true;
        after = diff_start + consumed;
    }
    // "base-commit:" may sit in the notes (cover letters) or after the diff.
    auto scan_base = [&](std::string_view l) {
        if (l.substr(0, 13) == "base-commit: ") {
            std::string_view id = text::trim(l.substr(13));
            if (text::is_hex(id))
                patch.base_commit = std::string(id);
        }
    };
    for (std::size_t k = after; k < lines.size(); ++k)
        scan_base(lines[k]);
    if (diff_start == lines.size()) {
        // A cover letter or a patch without a diff: the signature ends the text.
        for (auto it = body.rbegin(); it != body.rend(); ++it) {
            if (it->text == "-- ") {
                body.erase(std::next(it).base(), body.end());
                break;
            }
        }
    }
    for (auto const& l : body)
        scan_base(l.text);
    parse_body(patch.message, std::move(body));
    // The diffstat and base lines belong to the notes; nothing else to do.
    return patch;
}

Result<Patch> parse_patch_text(std::string_view input, std::string const& name)
{
    auto lines = text::split_lines(input);
    std::size_t i = 0;
    PatchParts parts;
    parts.origin = Origin::PatchFile;
    parts.name = name;
    parts.headers = parse_headers(lines, i, 1);
    if (header_value(parts.headers, "Subject").empty() && header_value(parts.headers, "From").empty())
        return make_error("not a patch: no Subject: or From: header (expected `git format-patch` output)", name, 1);
    if (i < lines.size() && lines[i].empty())
        ++i;
    if (i < lines.size()) {
        parts.body = input.substr(static_cast<std::size_t>(lines[i].data() - input.data()));
        parts.body_line = static_cast<int>(i) + 1;
    }
    return build_patch(std::move(parts));
}

std::string header(Patch const& patch, std::string_view name)
{
    return header_value(patch.headers, name);
}

Result<Patch> read_patch_file(std::string const& path)
{
    std::string data = TRY(read_file_bounded(path, max_patch_file_size));
    return parse_patch_text(data, path);
}

} // namespace review::patch
