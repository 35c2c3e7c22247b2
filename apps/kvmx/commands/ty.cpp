// kvmx ty: the "Applied to kvm-x86 <branch>, thanks!" reply.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/queue_common.h"
#include "libreview/git/repository.h"
#include "libreview/queue/applied.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace kvmx {
namespace {

namespace q = review::queue;

struct TyOptions {
    std::string db, ref, repo, branch, output;
    q::TyOptions ty;
    bool no_state = false;
    std::string format = "text";
};

int run(TyOptions o)
{
    if (o.format != "text" && o.format != "json")
        return fail("--format must be text or json, not '" + o.format + "'");
    auto loaded = load_version(o.db, o.ref);
    if (!loaded)
        return fail(loaded.error().describe());
    auto& queue = loaded->queue;
    auto& mails = loaded->mails;
    auto repo = review::git::Repository::open(o.repo);
    if (!repo)
        return fail(repo.error().describe());
    auto commits = q::read_branch(*repo, o.branch, 0);
    if (!commits)
        return fail(commits.error().describe());
    std::vector<q::PatchView> patches;
    for (auto const& p : mails.patches)
        patches.push_back(p.patch);
    auto matches = q::match_applied(patches, *commits);
    o.ty.branch = o.branch;
    std::size_t slash = o.ty.branch.rfind('/');
    if (slash != std::string::npos)
        o.ty.branch = o.ty.branch.substr(slash + 1); // "kvm-x86/mmu" -> "mmu"
    auto mail = q::thanks_mail(mails, matches, o.ty);
    if (!mail)
        return fail(mail.error().describe());
    if (o.format == "json") {
        nlohmann::json patches = nlohmann::json::array();
        for (std::size_t i = 0; i < matches.size(); ++i) {
            nlohmann::json p{{"index", mails.patches[i].patch.index}, {"message_id", mails.patches[i].patch.message_id},
                             {"title", mails.patches[i].patch.title}};
            if (matches[i])
                p["applied"] = {{"commit", matches[i]->commit}, {"matched_by", matches[i]->how}};
            else
                p["dropped"] = true;
            patches.push_back(std::move(p));
        }
        std::cout << nlohmann::json{{"id", loaded->id}, {"branch", o.branch}, {"patches", patches}, {"mail", *mail}}
                         .dump(2)
                  << "\n";
    } else if (o.output.empty() || o.output == "-") {
        std::cout << *mail;
    } else {
        std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
        if (!out || !(out << *mail) || !out.flush())
            return fail(o.output + ": cannot write");
    }
    std::vector<q::AppliedMark> marks;
    for (std::size_t i = 0; i < matches.size(); ++i)
        if (matches[i]) {
            marks.push_back({patches[i].message_id, matches[i]->commit, matches[i]->how});
            // SHA1s change until the branch reaches Linus: say when this notice updates an earlier one.
            if (!patches[i].applied_commit.empty() && patches[i].applied_commit != matches[i]->commit)
                std::cerr << "kvmx: note: patch " << patches[i].index << " is now "
                          << matches[i]->commit.substr(0, 12) << ", was " << patches[i].applied_commit.substr(0, 12)
                          << ": this notice updates the SHA1s of an earlier one\n";
        }
    if (auto r = queue.mark_applied(marks, o.branch); !r)
        return fail(r.error().describe());
    if (!o.no_state)
        if (auto r = queue.set_state(loaded->id, q::State::Thanked); !r)
            return fail(r.error().describe());
    return ExitClean;
}

} // namespace

void add_ty_command(CLI::App& app, int& status)
{
    auto o = std::make_shared<TyOptions>();
    auto* cmd = app.add_subcommand("ty", "write the 'Applied to kvm-x86 <branch>, thanks!' reply for a series");
    add_db_option(*cmd, o->db);
    cmd->add_option("series", o->ref, "queue id, ID:vN, or a Message-ID")->required();
    cmd->add_option("--repo", o->repo, "repository holding the branch")->required();
    cmd->add_option("--branch", o->branch, "branch the patches were applied to (e.g. mmu)")->required();
    cmd->add_option("--url-mask", o->ty.url_mask, "commit URL, %s = 12-digit SHA1 (default: github kvm-x86/linux)");
    cmd->add_option("--tree-url", o->ty.tree_url, "the URL on the last line");
    cmd->add_option("--tree", o->ty.tree, "tree name in 'Applied to <tree> <branch>' (default kvm-x86)");
    cmd->add_option("-o,--output", o->output, "file for the mail (default: standard output)");
    cmd->add_option("--format", o->format, "text (the mail) or json (per patch: commit or dropped, and the mail)");
    cmd->add_flag("--no-state", o->no_state, "leave the series' state as it is (default: thanked)");
    cmd->footer("Patches are matched to the branch's commits by patch-id, then subject, then Link:; a patch that\n"
                "matches nothing is listed as (DROP) and named in '(except for patch N)', never as applied.");
    cmd->callback([o, &status] { status = run(*o); });
}

} // namespace kvmx
