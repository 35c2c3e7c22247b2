#include "libreview/queue/ingest.h"

#include "libreview/core/text.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch.h"
#include "libreview/patch/patch_file.h"
#include "libreview/series/subject.h"
#include "libreview/source/mail.h"

#include <algorithm>
#include <cstdio>

namespace review::queue {

std::string_view kind_name(Kind k)
{
    switch (k) {
    case Kind::Patch: return "patch";
    case Kind::Cover: return "cover";
    case Kind::Reply: return "reply";
    case Kind::Pull: return "pull";
    case Kind::Other: return "other";
    }
    return "other";
}

Kind kind_from_name(std::string_view n)
{
    for (Kind k : {Kind::Patch, Kind::Cover, Kind::Reply, Kind::Pull, Kind::Other})
        if (kind_name(k) == n)
            return k;
    return Kind::Other;
}

namespace {

std::uint64_t fnv(std::uint64_t h, std::string_view s)
{
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string hex64(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string squeeze(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        if (!text::is_space(c))
            out += c;
    return out;
}

constexpr char const* followup_keys[] = {"Reviewed-by", "Acked-by", "Tested-by", "Reported-by", "Suggested-by",
                                         "Nacked-by"};

bool is_bot(std::string_view name, std::string_view email)
{
    return text::icontains(name, "robot") || text::icontains(email, "lkp@intel.com") ||
           text::istarts_with(email, "syzbot") || text::icontains(email, "patchwork-bot") ||
           text::icontains(name, "patchwork-bot");
}

} // namespace

std::string patch_id(Diff const& diff)
{
    if (diff.files.empty())
        return {};
    std::vector<FileDiff const*> files;
    for (auto const& f : diff.files)
        files.push_back(&f);
    std::sort(files.begin(), files.end(), [](auto* a, auto* b) { return a->path() < b->path(); });
    std::uint64_t h = 14695981039346656037ull;
    std::size_t lines = 0;
    for (auto const* f : files) {
        h = fnv(h, f->old_path);
        h = fnv(h, std::string_view("\0", 1));
        h = fnv(h, f->new_path);
        h = fnv(h, std::string_view("\0", 1));
        for (auto const& hunk : f->hunks) {
            for (auto const& l : hunk.removed) {
                h = fnv(h, "-");
                h = fnv(h, squeeze(l.text));
                ++lines;
            }
            for (auto const& l : hunk.added) {
                h = fnv(h, "+");
                h = fnv(h, squeeze(l.text));
                ++lines;
            }
        }
    }
    return hex64(h);
}

std::string normalize_title(std::string_view t)
{
    std::string out;
    for (auto w : text::words(t)) {
        if (!out.empty())
            out += ' ';
        out += text::to_lower(w);
    }
    return out;
}

VersionTag parse_version_word(std::string_view w)
{
    VersionTag v;
    if (w.size() < 2 || (w[0] != 'v' && w[0] != 'V'))
        return v;
    std::string_view rest = w.substr(1);
    std::size_t dot = rest.find('.');
    std::string_view major = rest.substr(0, dot);
    std::string_view minor = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    auto num = [](std::string_view s, int& out) {
        if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), text::is_digit))
            return false;
        out = std::stoi(std::string(s));
        return true;
    };
    int a = 0, b = 0;
    if (!num(major, a) || a < 1 || (dot != std::string_view::npos && !num(minor, b)) || b > 99)
        return v;
    v.key = a * 100 + b;
    v.label = std::string(rest);
    v.explicit_tag = true;
    return v;
}

std::vector<FollowupTrailer> followup_trailers(std::string_view body)
{
    std::vector<FollowupTrailer> out;
    for (auto line : text::split_lines(body)) {
        if (line == "-- " || line == "--")
            break;
        std::string_view l = text::trim(line);
        if (l.empty() || l[0] == '>')
            continue;
        for (char const* key : followup_keys) {
            std::string_view k(key);
            if (l.size() <= k.size() + 1 || !text::istarts_with(l, k) || l[k.size()] != ':')
                continue;
            std::string_view value = text::trim(l.substr(k.size() + 1));
            Person p = parse_person(value);
            if (p.email.empty() || p.email.find('@') == std::string::npos || value.size() > 512)
                break;
            if (out.size() < max_followup_trailers)
                out.push_back({key, std::string(value), text::to_lower(p.email)});
            break;
        }
    }
    return out;
}

Result<MailMeta> read_meta(std::string_view raw, std::string const& source, int line,
                           std::vector<std::string>* problems)
{
    auto decoded = mail::decode_mail(raw, source);
    if (!decoded)
        return make_error(decoded.error().message, source, line);
    MailMeta m;
    auto hdr = [&](std::string_view name) -> std::string {
        for (auto const& h : decoded->headers)
            if (text::iequals(h.name, name))
                return h.value;
        return {};
    };
    std::string subject = hdr("Subject");
    std::string from = hdr("From");
    if (subject.empty() && from.empty())
        return make_error("not a mail: no Subject: or From: header", source, line);
    m.subject = text::sanitize_utf8(subject.substr(0, 2000));
    auto ids = mail::message_ids(hdr("Message-ID"));
    if (!ids.empty() && ids.front().size() <= 998) {
        m.message_id = ids.front();
    } else {
        std::uint64_t h = fnv(14695981039346656037ull, raw);
        m.message_id = "kvmx-" + hex64(h) + "@no-message-id";
        m.synthetic_id = true;
    }
    auto irt = mail::message_ids(hdr("In-Reply-To"));
    if (!irt.empty())
        m.in_reply_to = irt.front();
    m.references = mail::message_ids(hdr("References"));
    if (m.references.size() > 256)
        m.references.erase(m.references.begin(), m.references.end() - 256);
    if (m.in_reply_to.empty() && !m.references.empty())
        m.in_reply_to = m.references.back();
    Person sender = parse_person(from);
    m.from_name = text::sanitize_utf8(sender.name);
    m.from_email = text::to_lower(text::sanitize_utf8(sender.email));
    m.date = parse_mail_date(hdr("Date")).value_or(0);
    m.bot = is_bot(m.from_name, m.from_email);

    auto tags = series::parse_subject(m.subject);
    m.title = tags.title;
    m.rfc = tags.rfc;
    m.resend = tags.resend;
    m.index = tags.index;
    m.total = tags.total;
    // "v5.5" is not a version to the subject parser; take it from the project words.
    std::string project;
    auto pwords = text::words(tags.project);
    // Mercurial's patchbomb numbers "[PATCH 1 of 2]".
    for (std::size_t i = 0; !tags.numbered && i + 2 < pwords.size(); ++i) {
        auto digits = [](std::string_view w) {
            return !w.empty() && w.size() < 5 && std::all_of(w.begin(), w.end(), text::is_digit);
        };
        if (digits(pwords[i]) && text::iequals(pwords[i + 1], "of") && digits(pwords[i + 2])) {
            m.index = std::stoi(std::string(pwords[i]));
            m.total = std::stoi(std::string(pwords[i + 2]));
            tags.numbered = true;
            tags.index = m.index;
            tags.total = m.total;
            pwords.erase(pwords.begin() + static_cast<long>(i), pwords.begin() + static_cast<long>(i) + 3);
        }
    }
    for (auto w : pwords) {
        VersionTag v = parse_version_word(w);
        if (v.explicit_tag) {
            m.version = v;
            continue;
        }
        if (!project.empty())
            project += ' ';
        project += std::string(w);
    }
    if (!m.version.explicit_tag && tags.version != 1)
        m.version = VersionTag{tags.version * 100, std::to_string(tags.version), true};
    m.project = project;
    bool pull = text::icontains(tags.project, "GIT PULL") || text::istarts_with(text::trim(m.subject), "[GIT PULL") ||
                text::icontains(m.subject, "[PULL");
    for (auto l : text::split_lines(decoded->body)) {
        if (text::istarts_with(l, "change-id: ")) {
            std::string v(text::trim(l.substr(11)));
            if (!v.empty() && v.size() < 200)
                m.change_id = v;
        }
    }

    if (tags.is_reply) {
        m.kind = Kind::Reply;
    } else if (pull && !tags.is_patch) {
        m.kind = Kind::Pull;
    } else {
        auto patch = review::source::decoded_to_patch(*decoded, source, line, problems);
        bool has_diff = patch && !patch->diff.files.empty();
        if (tags.is_patch && has_diff) {
            m.kind = Kind::Patch;
        } else if (tags.is_patch && tags.numbered && tags.index == 0) {
            m.kind = Kind::Cover;
        } else if (tags.is_patch && m.in_reply_to.empty() && !pull) {
            // A [PATCH] whose diff the parser does not read (a plain diff -u
            // attachment, a patch in an odd format): still a patch to triage,
            // with no patch-id.
            m.kind = Kind::Patch;
        } else if (!tags.is_patch && has_diff && m.in_reply_to.empty() && !pull) {
            m.kind = Kind::Patch; // a diff sent without a [PATCH] tag
        } else if (!m.in_reply_to.empty()) {
            m.kind = Kind::Reply;
        } else {
            m.kind = pull ? Kind::Pull : Kind::Other;
        }
        if (patch && (m.kind == Kind::Patch || m.kind == Kind::Cover)) {
            m.patch_id = patch_id(patch->diff);
            m.base_commit = patch->base_commit.substr(0, 64);
            for (auto const& p : patch->diff.paths())
                if (m.paths.size() < 1000)
                    m.paths.push_back(p);
            for (auto const& t : patch->message.trailers) {
                if (t.is("Fixes"))
                    m.fix = true;
                if (t.is("Cc") && text::icontains(t.value, "stable@"))
                    m.fix = true;
            }
        }
    }
    if (m.kind == Kind::Reply)
        m.trailers = followup_trailers(decoded->body);
    if (problems)
        for (auto const& p : decoded->problems)
            problems->push_back(source + ":" + std::to_string(line) + ": " + p);
    return m;
}

} // namespace review::queue
