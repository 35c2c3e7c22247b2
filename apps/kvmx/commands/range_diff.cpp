// kvmx range-diff: compare two versions of a series without a repository.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/queue_common.h"
#include "libreview/mail/mailbox.h"
#include "libreview/patch/patch_file.h"
#include "libreview/queue/ingest.h"
#include "libreview/core/text.h"
#include "libreview/queue/am.h"
#include "libreview/queue/range_diff.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>

namespace kvmx {
namespace {

namespace q = review::queue;

std::string testless_read(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str().substr(0, 64u << 20);
}

struct RangeDiffOptions {
    std::string db;
    std::vector<std::string> refs;
    int creation_factor = 60;
    std::string format = "text";
    std::string repo, base;
};

std::string quote(std::string const& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// "base-commit: <hex>" in a version's mails (format-patch --base).
std::string base_commit_of(std::string const& mbox)
{
    for (auto line : review::text::split_lines(mbox))
        if (review::text::istarts_with(line, "base-commit: ")) {
            auto id = review::text::trim(line.substr(13));
            if (id.size() >= 7 && id.size() <= 64 && review::text::is_hex(id))
                return std::string(id);
        }
    return {};
}

// With --repo: rebuild both versions as commits in a private shared clone
// (the user's repository, index and branches are only read) and run git
// range-diff on them.
int run_git_range_diff(RangeDiffOptions const& o, std::vector<std::string> const& mboxes,
                       std::vector<std::string> const& texts, std::vector<std::string> const& names)
{
    namespace fs = std::filesystem;
    char templ[] = "/tmp/kvmx-range-diff-XXXXXX";
    if (!mkdtemp(templ))
        return fail("cannot create a temporary directory");
    fs::path tmp = templ;
    struct Cleanup {
        fs::path dir;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{tmp};
    fs::path work = tmp / "w";
    auto sh = [&](std::string const& cmd, fs::path const& out) {
        std::string full = cmd + " >" + quote(out.string()) + " 2>" + quote((tmp / "err").string());
        return std::system(full.c_str());
    };
    auto err = [&] {
        std::string e = review::text::sanitize_utf8(testless_read(tmp / "err"));
        auto nl = e.find('\n');
        return nl == std::string::npos ? e : e.substr(0, nl);
    };
    if (sh("git clone -q --shared --no-checkout " + quote(o.repo) + " " + quote(work.string()), tmp / "out") != 0)
        return fail(o.repo + ": cannot clone the repository: " + err());
    std::string git = "git -C " + quote(work.string()) + " -c user.name=kvmx -c user.email=kvmx@localhost ";
    // Resolve both bases before anything moves HEAD ("--base HEAD" means the repository's HEAD).
    std::vector<std::string> bases;
    for (std::size_t i = 0; i < 2; ++i) {
        std::string base = o.base.empty() ? base_commit_of(texts[i]) : o.base;
        if (base.empty())
            return fail(names[i] + " has no base-commit: line; give --base REV");
        if (sh(git + "rev-parse --verify -q " + quote(base + "^{commit}"), tmp / "base") != 0)
            return fail(names[i] + ": base " + base + " is not a commit in " + o.repo);
        bases.emplace_back(review::text::trim(testless_read(tmp / "base")));
    }
    std::vector<std::string> ranges;
    for (std::size_t i = 0; i < 2; ++i) {
        std::string const& base = bases[i];
        fs::path mbox = tmp / ("v" + std::to_string(i) + ".mbox");
        std::ofstream(mbox, std::ios::binary) << mboxes[i];
        if (sh(git + "checkout -q --detach " + quote(base), tmp / "out") != 0)
            return fail(names[i] + ": base " + base + " is not in " + o.repo + ": " + err());
        if (sh(git + "am -q --keep-cr " + quote(mbox.string()), tmp / "out") != 0)
            return fail(names[i] + " does not apply on " + base.substr(0, 12) +
                        "; compare without --repo: " + err());
        if (sh(git + "rev-parse HEAD", tmp / "head") != 0)
            return fail("git rev-parse failed: " + err());
        std::string head(review::text::trim(testless_read(tmp / "head")));
        ranges.push_back(base + ".." + head);
    }
    if (sh(git + "range-diff --no-color --creation-factor=" + std::to_string(o.creation_factor) + " " +
               quote(ranges[0]) + " " + quote(ranges[1]),
           tmp / "out") != 0)
        return fail("git range-diff failed: " + err());
    std::cout << "git range-diff " << names[0] << " -> " << names[1] << " (rebuilt on their bases in a private clone)\n"
              << testless_read(tmp / "out");
    return ExitClean;
}

// Patches of an mbox file, in index order; cover letters and replies left out.
review::Result<std::vector<q::RangePatch>> from_file(std::string const& path, std::string& mbox, std::string& all)
{
    std::string data = TRY(review::read_file_bounded(path, review::mail::max_mailbox_size));
    if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b)
        data = TRY(review::mail::gunzip(data, path));
    std::vector<std::pair<int, q::RangePatch>> found;
    for (auto const& raw : review::mail::split_mbox(data, path)) {
        auto meta = q::read_meta(raw.text, path, raw.line);
        if (!meta || meta->kind != q::Kind::Patch)
            continue;
        found.emplace_back(meta->index, q::range_patch(raw.text, path, meta->index));
        found.back().second.raw = raw.text;
        if (found.size() > q::max_range_patches)
            return review::make_error("more than " + std::to_string(q::max_range_patches) + " patches", path);
    }
    if (found.empty())
        return review::make_error("no patches in the file", path);
    std::stable_sort(found.begin(), found.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
    std::vector<q::RangePatch> out;
    all = data;
    for (auto& f : found) {
        mbox += q::am_mail(f.second.raw, path, {});
        out.push_back(std::move(f.second));
    }
    return out;
}

review::Result<std::vector<q::RangePatch>> from_queue(q::Queue& queue, std::int64_t id, std::optional<std::size_t> k,
                                                      std::string& mbox, std::string& all)
{
    auto mails = TRY(queue.version_mails(id, k));
    std::vector<q::RangePatch> out;
    if (mails.cover)
        all += mails.cover->raw + "\n";
    for (auto const& p : mails.patches) {
        out.push_back(q::range_patch(p.raw, p.patch.message_id, p.patch.index));
        mbox += q::am_mail(p.raw, p.patch.message_id, {});
        all += p.raw + "\n";
    }
    return out;
}

int run(RangeDiffOptions const& o)
{
    if (o.format != "text" && o.format != "json")
        return fail("--format must be text or json, not '" + o.format + "'");
    if (o.refs.empty() || o.refs.size() > 2)
        return fail("range-diff needs a series (its last two versions) or two versions");
    if (o.creation_factor < 0 || o.creation_factor > 1000)
        return fail("--creation-factor must be between 0 and 1000");
    std::optional<q::Queue> queue;
    auto open = [&]() -> std::optional<review::Error> {
        if (queue)
            return std::nullopt;
        auto opened = open_queue(o.db);
        if (!opened)
            return opened.error();
        queue.emplace(std::move(*opened));
        return std::nullopt;
    };
    std::vector<std::vector<q::RangePatch>> sides;
    std::vector<std::string> names;
    std::vector<std::string> mboxes(2), texts(2);
    if (o.refs.size() == 1) {
        if (auto e = open())
            return fail(e->describe());
        auto ref = resolve_version_ref(*queue, o.refs[0]);
        if (!ref)
            return fail(ref.error().describe());
        auto view = queue->show(ref->first);
        if (!view)
            return fail(view.error().describe());
        std::size_t newer = ref->second.value_or(view->versions.size() - 1);
        if (newer == 0)
            return fail("series " + std::to_string(ref->first) + " has no version before v" +
                        view->versions[newer].version);
        for (std::size_t k : {newer - 1, newer}) {
            auto side = from_queue(*queue, ref->first, k, mboxes[sides.size()], texts[sides.size()]);
            if (!side)
                return fail(side.error().describe());
            sides.push_back(std::move(*side));
            names.push_back("v" + view->versions[k].version);
        }
    } else {
        for (auto const& r : o.refs) {
            std::error_code ec;
            if (std::filesystem::is_regular_file(r, ec)) {
                auto side = from_file(r, mboxes[sides.size()], texts[sides.size()]);
                if (!side)
                    return fail(side.error().describe());
                sides.push_back(std::move(*side));
                names.push_back(r);
                continue;
            }
            if (auto e = open())
                return fail(e->describe());
            auto ref = resolve_version_ref(*queue, r);
            if (!ref)
                return fail(ref.error().describe());
            auto side = from_queue(*queue, ref->first, ref->second, mboxes[sides.size()], texts[sides.size()]);
            if (!side)
                return fail(side.error().describe());
            sides.push_back(std::move(*side));
            names.push_back(r);
        }
    }
    if (!o.repo.empty())
        return run_git_range_diff(o, mboxes, texts, names);
    auto diff = q::range_diff(sides[0], sides[1], o.creation_factor);
    if (o.format == "json") {
        nlohmann::json pairs = nlohmann::json::array();
        char const* kinds[] = {"same", "changed", "added", "dropped"};
        for (auto const& p : diff.pairs) {
            nlohmann::json j{{"kind", kinds[static_cast<int>(p.kind)]}, {"moved", p.moved}, {"diff", p.diff}};
            if (p.a >= 0)
                j["old"] = {{"position", p.a + 1}, {"title", sides[0][p.a].title}, {"patch_id", sides[0][p.a].patch_id}};
            if (p.b >= 0)
                j["new"] = {{"position", p.b + 1}, {"title", sides[1][p.b].title}, {"patch_id", sides[1][p.b].patch_id}};
            pairs.push_back(std::move(j));
        }
        std::cout << nlohmann::json{{"old", names[0]}, {"new", names[1]}, {"pairs", pairs}}.dump(2) << "\n";
        return ExitClean;
    }
    std::cout << "range-diff " << names[0] << " (" << sides[0].size() << " patches) -> " << names[1] << " ("
              << sides[1].size() << " patches)\n";
    std::cout << q::format_range_diff(diff, sides[0], sides[1]);
    return ExitClean;
}

} // namespace

void add_range_diff_command(CLI::App& app, int& status)
{
    auto o = std::make_shared<RangeDiffOptions>();
    auto* cmd = app.add_subcommand("range-diff", "compare two versions of a series, without a repository");
    add_db_option(*cmd, o->db);
    cmd->add_option("versions", o->refs,
                    "a series (its last two versions), or two of: ID:vN, a Message-ID, an mbox file")
        ->required();
    cmd->add_option("--creation-factor", o->creation_factor,
                    "percentage of a patch's size a pairing may cost before it counts as dropped and added (60)");
    cmd->add_option("--format", o->format, "text or json");
    cmd->add_option("--repo", o->repo,
                    "rebuild both versions as commits in a private clone of this repository and run git range-diff");
    cmd->add_option("--base", o->base, "with --repo: the commit both versions apply to (default: their base-commit:)");
    cmd->footer("Patches are paired by content as git range-diff pairs commits; each pair prints '=' (same) or '!'\n"
                "with the diff of the two patches, '<' a dropped patch, '>' an added one, '(moved)' a reordered one.");
    cmd->callback([o, &status] { status = run(*o); });
}

} // namespace kvmx
