#include "libreview/queue/applied.h"

#include "libreview/core/text.h"
#include "libreview/git/walk.h"
#include "libreview/mail/message.h"
#include "libreview/queue/ingest.h"

#include <algorithm>
#include <set>

namespace review::queue {

std::string link_message_id(std::string_view url)
{
    url = text::trim(url);
    while (!url.empty() && url.back() == '/')
        url.remove_suffix(1);
    std::size_t slash = url.rfind('/');
    std::string_view last = slash == std::string_view::npos ? url : url.substr(slash + 1);
    if (last == "T" || last == "raw" || last == "t") {
        url = url.substr(0, slash);
        slash = url.rfind('/');
        last = slash == std::string_view::npos ? url : url.substr(slash + 1);
    }
    std::string out;
    for (std::size_t i = 0; i < last.size(); ++i) {
        if (last[i] == '%' && i + 2 < last.size() && text::is_hex(last.substr(i + 1, 2))) {
            out += static_cast<char>(std::stoi(std::string(last.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += last[i];
        }
    }
    if (out.size() >= 2 && out.front() == '<' && out.back() == '>')
        out = out.substr(1, out.size() - 2);
    return out.find('@') == std::string::npos ? std::string() : out;
}

Result<std::vector<BranchCommit>> read_branch(git::Repository const& repo, std::string const& branch,
                                              std::int64_t since, std::size_t max)
{
    auto ids = TRY(git::branch_log(repo, branch, max, since));
    std::vector<BranchCommit> out;
    for (auto const& id : ids) {
        auto patch = TRY(repo.read_patch(id, git::DiffDepth::Hunks));
        BranchCommit c;
        c.id = id;
        c.title = patch.message.title;
        c.patch_id = patch_id(patch.diff);
        for (auto const& t : patch.message.trailers)
            if (t.is("Link"))
                if (auto mid = link_message_id(t.value); !mid.empty())
                    c.links.push_back(mid);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<std::optional<PatchMatch>> match_applied(std::vector<PatchView> const& patches,
                                                     std::vector<BranchCommit> const& commits)
{
    std::vector<std::optional<PatchMatch>> out(patches.size());
    std::set<std::size_t> used;
    auto pass = [&](auto&& pred, char const* how) {
        for (std::size_t i = 0; i < patches.size(); ++i) {
            if (out[i])
                continue;
            for (std::size_t c = 0; c < commits.size(); ++c)
                if (!used.count(c) && pred(patches[i], commits[c])) {
                    out[i] = PatchMatch{commits[c].id, how};
                    used.insert(c);
                    break;
                }
        }
    };
    pass([](PatchView const& p, BranchCommit const& c) { return !p.patch_id.empty() && p.patch_id == c.patch_id; },
         "patch-id");
    pass([](PatchView const& p, BranchCommit const& c) {
        return !p.title.empty() && normalize_title(p.title) == normalize_title(c.title);
    }, "subject");
    pass([](PatchView const& p, BranchCommit const& c) {
        return std::find(c.links.begin(), c.links.end(), p.message_id) != c.links.end();
    }, "link");
    return out;
}

namespace {

std::string hdr(std::vector<MailHeader> const& headers, std::string_view name)
{
    for (auto const& h : headers)
        if (text::iequals(h.name, name))
            return h.value;
    return {};
}

std::string one_line(std::string s)
{
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

} // namespace

Result<std::string> thanks_mail(VersionMails const& v, std::vector<std::optional<PatchMatch>> const& matches,
                                TyOptions const& opts)
{
    std::vector<int> dropped;
    std::size_t applied = 0;
    for (std::size_t i = 0; i < v.patches.size(); ++i) {
        if (i < matches.size() && matches[i])
            ++applied;
        else
            dropped.push_back(v.patches[i].patch.index);
    }
    if (applied == 0)
        return make_error("no patch of series " + std::to_string(v.series.id) + " is on " + opts.branch +
                          "; nothing to thank for");
    auto const& lead_raw = v.cover ? v.cover->raw : v.patches.front().raw;
    auto decoded = TRY(mail::decode_mail(lead_raw, "series " + std::to_string(v.series.id)));
    std::string subject = one_line(text::sanitize_utf8(hdr(decoded.headers, "Subject")));
    std::string from = one_line(hdr(decoded.headers, "From"));
    std::string date = one_line(hdr(decoded.headers, "Date"));
    std::string msgid = v.cover ? v.cover->patch.message_id : v.patches.front().patch.message_id;
    std::string to = from, cc;
    if (auto t = hdr(decoded.headers, "To"); !t.empty())
        to += ", " + one_line(t);
    cc = one_line(hdr(decoded.headers, "Cc"));
    std::string refs = one_line(hdr(decoded.headers, "References"));
    bool subset = !dropped.empty();

    std::string out;
    out += "Subject: Re: " + std::string(subset ? "(subset) " : "") + subject + "\n";
    out += "To: " + to + "\n";
    if (!cc.empty())
        out += "Cc: " + cc + "\n";
    out += "In-Reply-To: <" + msgid + ">\n";
    out += "References: " + (refs.empty() ? std::string() : refs + " ") + "<" + msgid + ">\n\n";
    Person author = parse_person(from);
    out += "On " + date + ", " + (author.name.empty() ? author.email : author.name) + " wrote:\n";
    // The quote: the first paragraph of the cover letter (or the patch), at most 5 lines.
    std::size_t quoted = 0;
    bool started = false;
    for (auto line : text::split_lines(decoded.body)) {
        if (text::trim(line).empty()) {
            if (started)
                break;
            continue;
        }
        if (line == "---" || text::istarts_with(line, "diff --git"))
            break;
        started = true;
        if (quoted == 5)
            break;
        out += "> " + std::string(line) + "\n";
        ++quoted;
    }
    out += "> [...]\n\n";
    out += "Applied to " + opts.tree + " " + opts.branch + ", thanks!";
    if (!dropped.empty()) {
        out += " (except for patch" + std::string(dropped.size() > 1 ? "es " : " ");
        for (std::size_t i = 0; i < dropped.size(); ++i)
            out += (i ? (i + 1 == dropped.size() ? " and " : ", ") : "") + std::to_string(dropped[i]);
        out += ")";
    }
    out += "\n\n";
    int total = v.series.versions[v.version].patches;
    for (std::size_t i = 0; i < v.patches.size(); ++i) {
        auto const& p = v.patches[i].patch;
        int index = p.index ? p.index : 1;
        out += "[" + std::to_string(index) + "/" + std::to_string(std::max(total, 1)) + "] " + p.title + "\n";
        if (i < matches.size() && matches[i]) {
            std::string mask = opts.url_mask;
            std::string sha = matches[i]->commit.substr(0, 12);
            std::size_t at = mask.find("%s");
            out += "      " + (at == std::string::npos ? mask + sha : mask.replace(at, 2, sha)) + "\n";
        } else {
            out += "      (DROP)\n";
        }
    }
    out += "\n--\n" + opts.tree_url + "\n";
    return out;
}

} // namespace review::queue
