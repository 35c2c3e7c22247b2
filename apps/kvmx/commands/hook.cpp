// kvmx hook: install git's sendemail-validate hook, and run it. git calls
// the hook once per message before sending anything; the hook finds the
// other files of the same format-patch run, checks the series once (on its
// first mail), prints one report and refuses the send on errors.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/profile_option.h"
#include "apps/kvmx/commands/series_check.h"
#include "libreview/mail/mailbox.h"
#include "libreview/rules/series_runner.h"
#include "libreview/source/input.h"
#include "libreview/source/mail.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace kvmx {
namespace {

namespace fs = std::filesystem;

constexpr char const* marker = "# kvmx sendemail-validate hook";
constexpr char const* chained_suffix = ".kvmx-chained";

struct HookOptions {
    std::string repo = ".";
    std::string profile;
    std::string fail_on = "error";
    bool chain = false;
    std::vector<std::string> files;
};

std::string shell_quote(std::string const& s)
{
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// Runs a git command line through the shell: its exit status and the first
// 64 KiB of its output, trailing newlines removed; nullopt when it cannot start.
std::optional<std::pair<int, std::string>> run_git(std::string const& cmd)
{
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe)
        return std::nullopt;
    std::string out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, pipe))
        if (out.size() < 65536)
            out.append(buf, n);
    int status = pclose(pipe);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return std::pair{status, std::move(out)};
}

// The hooks directory git uses for `repo`, core.hooksPath included.
review::Result<fs::path> hooks_dir(std::string const& repo)
{
    auto run = run_git("git -C " + shell_quote(repo) + " rev-parse --path-format=absolute --git-path hooks 2>&1");
    if (!run)
        return review::make_error("cannot run git");
    if (run->first != 0)
        return review::make_error("not a git repository (" + run->second + ")", repo);
    return fs::path(run->second);
}

// One `git config` value of the repository git runs the hook in; empty when unset.
std::string git_config(std::string const& key)
{
    auto run = run_git("git config --get " + shell_quote(key) + " 2>/dev/null");
    return run && run->first == 0 ? run->second : std::string();
}

// Who git send-email sends as: sendemail.from, else user.name <user.email>.
std::optional<review::Person> sendemail_sender()
{
    std::string from = git_config("sendemail.from");
    if (!from.empty())
        return review::parse_person(from);
    std::string email = git_config("user.email");
    if (email.empty())
        return std::nullopt;
    return review::Person{git_config("user.name"), email};
}

bool is_ours(fs::path const& hook)
{
    std::ifstream in(hook);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return content.find(marker) != std::string::npos;
}

std::string self_path()
{
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("kvmx") : p.string();
}

int install(HookOptions const& opts)
{
    auto dir = hooks_dir(opts.repo);
    if (!dir)
        return fail(dir.error().describe());
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec)
        return fail(dir->string() + ": cannot create: " + ec.message());
    fs::path hook = *dir / "sendemail-validate";
    fs::path chained = *dir / (std::string("sendemail-validate") + chained_suffix);
    bool chain = false;
    if (fs::exists(hook, ec) && !is_ours(hook)) {
        if (!opts.chain)
            return fail(hook.string() +
                        " exists and is not kvmx's; rerun with --chain to run it before kvmx, or remove it");
        if (fs::exists(chained, ec))
            return fail(chained.string() + " already exists; remove it before chaining another hook");
        fs::rename(hook, chained, ec);
        if (ec)
            return fail(hook.string() + ": cannot move aside: " + ec.message());
        chain = true;
    } else if (fs::exists(chained, ec)) {
        chain = true; // reinstalling over our own hook keeps the chain
    }
    std::ostringstream script;
    script << "#!/bin/sh\n" << marker << " (remove with 'kvmx hook uninstall')\n";
    if (chain)
        script << shell_quote(chained.string()) << " \"$@\" || exit $?\n";
    script << "exec " << shell_quote(self_path()) << " hook run";
    if (!opts.profile.empty())
        script << " --profile " << shell_quote(opts.profile);
    script << " --fail-on " << shell_quote(opts.fail_on) << " -- \"$@\"\n";
    fs::path tmp = hook;
    tmp += ".kvmx-tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << script.str();
        if (!out)
            return fail(tmp.string() + ": cannot write");
    }
    if (::chmod(tmp.c_str(), 0755) != 0) {
        int err = errno;
        fs::remove(tmp, ec);
        return fail(tmp.string() + ": cannot make executable: " + std::strerror(err));
    }
    fs::rename(tmp, hook, ec);
    if (ec)
        return fail(hook.string() + ": cannot install: " + ec.message());
    std::cout << "installed " << hook.string() << (chain ? " (runs " + chained.filename().string() + " first)" : "")
              << "\n";
    return ExitClean;
}

int uninstall(HookOptions const& opts)
{
    auto dir = hooks_dir(opts.repo);
    if (!dir)
        return fail(dir.error().describe());
    std::error_code ec;
    fs::path hook = *dir / "sendemail-validate";
    fs::path chained = *dir / (std::string("sendemail-validate") + chained_suffix);
    if (!fs::exists(hook, ec)) {
        std::cout << "no sendemail-validate hook in " << dir->string() << "\n";
        return ExitClean;
    }
    if (!is_ours(hook))
        return fail(hook.string() + " is not kvmx's hook; leaving it alone");
    fs::remove(hook, ec);
    if (ec)
        return fail(hook.string() + ": cannot remove: " + ec.message());
    if (fs::exists(chained, ec)) {
        fs::rename(chained, hook, ec);
        if (ec)
            return fail(chained.string() + ": cannot put back as " + hook.filename().string() + ": " + ec.message());
    }
    std::cout << "removed " << hook.string() << "\n";
    return ExitClean;
}

// The files of the same format-patch run: siblings in the directory of the
// message whose subject tags name the same posting and sender.
std::vector<review::Patch> same_run(fs::path const& message, review::Posting const& self, std::vector<std::string>& problems)
{
    std::vector<review::Patch> out;
    // The folder's mail files (source/input.h decides which), and the
    // message itself whatever its name: git send-email's temporary copy.
    std::vector<std::string> files =
        review::source::mail_files(message.parent_path().string(), review::source::Kind::PatchFolder);
    if (std::find(files.begin(), files.end(), message.string()) == files.end()) {
        files.push_back(message.string());
        std::sort(files.begin(), files.end());
    }
    for (auto const& f : files) {
        auto input = review::source::read_mail_input(f);
        if (!input)
            continue;
        for (auto& m : input->mails) {
            review::Posting p = review::make_posting(m);
            if (p.tags.posting_key() != self.tags.posting_key() || p.tags.total != self.tags.total ||
                p.patch.author.email != self.patch.author.email)
                continue;
            out.push_back(std::move(m));
        }
        problems.insert(problems.end(), input->problems.begin(), input->problems.end());
    }
    return out;
}

int run_hook(HookOptions const& opts)
{
    if (opts.files.empty())
        return fail("hook run: expected the message file git passes");
    auto fail_on = review::parse_severity(opts.fail_on);
    if (!fail_on)
        return fail("--fail-on must be error, warning or info, not '" + opts.fail_on + "'");
    fs::path message = fs::absolute(opts.files.front());
    auto input = review::source::read_mail_input(message.string());
    if (!input)
        return fail(input.error().describe());
    if (input->mails.empty()) {
        std::string why = input->problems.empty() ? std::string("no mail could be read from it")
                                                  : input->problems.front();
        return fail(message.string() + ": not a mail or patch kvmx can read: " + why);
    }
    review::Posting self = review::make_posting(input->mails.front());
    if (self.tags.is_reply || !self.tags.is_patch)
        return ExitClean;
    std::vector<std::string> problems;
    std::vector<review::Patch> mails = self.tags.numbered ? same_run(message, self, problems)
                                                          : std::vector<review::Patch>{input->mails.front()};
    // Check once per series: on the mail with the lowest number.
    int lowest = self.tags.index;
    for (auto const& m : mails)
        lowest = std::min(lowest, review::series::parse_subject(m.subject).index);
    if (self.tags.index != lowest)
        return ExitClean;

    auto engine = load_engine(opts.profile);
    if (!engine)
        return fail(engine.error().describe());
    // The files are format-patch output: their From: is the author; the
    // sender is who git send-email sends as.
    auto sender = sendemail_sender();
    for (auto& m : mails)
        set_sender(m, sender);
    review::Mailbox box = review::assemble(std::move(mails));
    review::SkipLog skips;
    auto result = review::check_mailbox(*engine, box, nullptr, skips);
    review::Report report;
    report.patches = result.patches;
    report.findings = std::move(result.findings);
    report.notes = problems;
    report.notes.insert(report.notes.end(), box.problems.begin(), box.problems.end());
    bool failing = std::any_of(report.findings.begin(), report.findings.end(),
                               [&](review::Finding const& f) { return f.severity >= *fail_on; });
    if (report.findings.empty() && report.notes.empty())
        return ExitClean;
    report.by_series = true;
    report.series = result.series;
    review::write_text(report, std::cerr);
    if (failing)
        std::cerr << "kvmx: refusing to send: fix the errors above, or send with 'git send-email --no-verify'\n";
    return failing ? ExitFindings : ExitClean;
}

} // namespace

void add_hook_command(CLI::App& app, int& status)
{
    auto opts = std::make_shared<HookOptions>();
    auto* cmd = app.add_subcommand("hook", "install or run the git send-email validation hook");
    cmd->require_subcommand(1);
    auto* inst = cmd->add_subcommand("install", "install the sendemail-validate hook (respects core.hooksPath)");
    inst->add_option("--repo", opts->repo, "repository to install into (default: .)");
    inst->add_option("--profile", opts->profile, "profile the hook checks with");
    inst->add_option("--fail-on", opts->fail_on, "refuse the send at this severity: error, warning, info");
    inst->add_flag("--chain", opts->chain, "keep an existing hook and run it before kvmx");
    inst->callback([opts, &status] { status = install(*opts); });
    auto* un = cmd->add_subcommand("uninstall", "remove kvmx's sendemail-validate hook (restores a chained one)");
    un->add_option("--repo", opts->repo, "repository to remove the hook from (default: .)");
    un->callback([opts, &status] { status = uninstall(*opts); });
    auto* run = cmd->add_subcommand("run", "check the series of a message git send-email is about to send");
    run->add_option("--profile", opts->profile, "profile: builtin name or YAML file");
    run->add_option("--fail-on", opts->fail_on, "refuse the send at this severity: error, warning, info");
    run->add_option("files", opts->files, "the message file (and the SMTP header file newer git passes)");
    run->callback([opts, &status] { status = run_hook(*opts); });
}

} // namespace kvmx
