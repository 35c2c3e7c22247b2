// kvmx check: run the per-patch rules over commits, ranges and patch files.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/profile_option.h"
#include "apps/kvmx/commands/series_check.h"
#include "libreview/rules/git_lookup.h"
#include "libreview/git/repository.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch_file.h"
#include "libreview/report/report.h"
#include "libreview/source/input.h"
#include "libreview/source/mail.h"
#include "libreview/source/revisions.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

namespace kvmx {
namespace {

struct CheckOptions {
    std::string profile;
    std::string repo;
    std::string format = "text";
    std::string fail_on = "error";
    unsigned jobs = 0;
    bool all_versions = false;
    std::string sender;
    bool b4_check = false;
    std::vector<std::string> inputs;
};

struct PatchResult {
    bool merge = false;
    std::vector<review::Finding> findings;
    review::SkipLog skips;
};

// Check commits as source::read_commits() reads them; results land in
// per-commit slots so output order is stable whatever the threads do.
review::Result<std::vector<PatchResult>> check_commits(review::Engine const& engine, std::string const& repo_path,
                                                       std::vector<std::string> const& ids, unsigned jobs)
{
    std::vector<PatchResult> results(ids.size());
    auto const depth = engine.needs_hunks() ? review::git::DiffDepth::Hunks : review::git::DiffDepth::Paths;
    TRY_VOID(review::source::read_commits(
        repo_path, ids, depth, jobs, [&](std::size_t i, review::Patch& patch, review::git::Repository const& repo) {
            review::RepositoryLookup lookup(repo);
            results[i].merge = patch.is_merge; // merges are skipped, as git log --no-merges does
            engine.check_patch(patch, &lookup, results[i].findings, results[i].skips);
        }));
    return results;
}

// b4's external-check protocol: one RFC 822 patch on stdin, a JSON list of
// {"tool", "status": "pass|warn|fail", "summary", "url", "details"} on stdout,
// one entry per finding (errors fail, warnings and notes warn), or a single
// "pass" entry when the patch is clean. Exit 0 unless the input is unusable.
int run_b4_check(CheckOptions const& opts)
{
    constexpr std::size_t limit = 64u << 20;
    std::string raw;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        raw.append(buf, static_cast<std::size_t>(std::cin.gcount()));
        if (raw.size() > limit)
            return fail("<stdin>: patch larger than 64 MiB");
    }
    if (raw.starts_with("From ") && !raw.starts_with("From: ")) // format-patch's mbox separator line
        raw.erase(0, raw.find('\n') == std::string::npos ? raw.size() : raw.find('\n') + 1);
    if (raw.find_first_not_of(" \t\r\n") == std::string::npos)
        return fail("<stdin>:1: no patch on stdin (b4 passes one RFC 822 message)");
    auto engine = load_engine(opts.profile);
    if (!engine)
        return fail(engine.error().describe());
    auto patch = review::source::mail_to_patch(raw, "<stdin>", 1);
    if (!patch)
        return fail(patch.error().describe());
    std::optional<review::git::Repository> repo;
    std::optional<review::RepositoryLookup> lookup;
    if (auto r = review::git::Repository::open(opts.repo.empty() ? "." : opts.repo)) {
        repo.emplace(std::move(*r));
        lookup.emplace(*repo);
    } else if (!opts.repo.empty()) {
        return fail(r.error().describe());
    }
    std::vector<review::Finding> findings;
    review::SkipLog skips;
    engine->check_patch(*patch, lookup ? &*lookup : nullptr, findings, skips);
    nlohmann::json out = nlohmann::json::array();
    for (auto const& f : findings) {
        std::string details = f.location.describe();
        if (f.fix)
            details += "\nsuggested: " + *f.fix;
        out.push_back({{"tool", "kvmx"},
                       {"status", f.severity == review::Severity::Error ? "fail" : "warn"},
                       {"summary", std::string(review::severity_name(f.severity)) + ": " + f.message + " [" + f.rule + "]"},
                       {"url", "https://docs.kernel.org/process/maintainer-kvm-x86.html"},
                       {"details", details}});
    }
    if (out.empty())
        out.push_back({{"tool", "kvmx"},
                       {"status", "pass"},
                       {"summary", "kvmx " + engine->profile().name + ": no findings"},
                       {"url", "https://docs.kernel.org/process/maintainer-kvm-x86.html"},
                       {"details", ""}});
    std::cout << out.dump(2) << "\n";
    return ExitClean;
}

int run_check(CheckOptions const& opts)
{
    if (opts.b4_check) {
        if (!opts.inputs.empty())
            return fail("--b4-check reads one patch on stdin and takes no inputs");
        return run_b4_check(opts);
    }
    if (opts.inputs.empty())
        return fail("check needs revision ranges, commits or patch files (or --b4-check with a patch on stdin)");
    auto fail_on = review::parse_severity(opts.fail_on);
    if (!fail_on)
        return fail("--fail-on must be error, warning or info, not '" + opts.fail_on + "'");
    if (opts.format != "text" && opts.format != "json" && opts.format != "sarif")
        return fail("--format must be text, json or sarif, not '" + opts.format + "'");
    auto engine = load_engine(opts.profile);
    if (!engine)
        return fail(engine.error().describe());

    review::Report report;
    report.tool_version = version;
    report.profile = engine->profile().name;
    report.notes = engine->option_problems();
    review::SkipLog skips;

    std::optional<review::git::Repository> repo;
    auto open_repo = [&]() -> std::optional<review::Error> {
        if (repo)
            return std::nullopt;
        auto r = review::git::Repository::open(opts.repo.empty() ? "." : opts.repo);
        if (!r)
            return r.error();
        repo.emplace(std::move(*r));
        return std::nullopt;
    };
    if (!opts.repo.empty())
        if (auto err = open_repo())
            return fail(err->describe());

    std::optional<review::Person> sender;
    if (!opts.sender.empty()) {
        sender = review::parse_person(opts.sender);
        if (sender->email.empty() || sender->email.find('@') == std::string::npos)
            return fail("--sender must be an address ('Name <name@example.com>'), not '" + opts.sender + "'");
    }
    unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> mail_inputs; // read together so versions across files form one history
    for (auto const& input : opts.inputs) {
        auto kind = review::source::classify(input);
        if (kind == review::source::Kind::Url || kind == review::source::Kind::PublicInbox)
            return fail(input + ": a " + std::string(review::source::kind_name(kind)) +
                        " is read by `kvmx queue sync`, not by check");
        if (kind != review::source::Kind::Revision && kind != review::source::Kind::PatchFile) {
            mail_inputs.push_back(input); // mailboxes and folders: read as series
            continue;
        }
        if (kind == review::source::Kind::PatchFile) {
            std::optional<review::RepositoryLookup> lookup;
            if (repo)
                lookup.emplace(*repo);
            auto patch = review::read_patch_file(input);
            if (!patch)
                return fail(patch.error().describe());
            set_sender(*patch, sender);
            if (!review::is_cover_letter(*patch))
                ++report.patches;
            engine->check_patch(*patch, lookup ? &*lookup : nullptr, report.findings, skips);
            continue;
        }
        if (auto err = open_repo())
            return fail(input + " is neither a file nor a revision in a repository: " + err->describe());
        // Merges stay in the list and are read, and left out, by the worker
        // threads: the walk stays cheap.
        auto ids = repo->resolve(input, review::git::Merges::Include);
        if (!ids)
            return fail(ids.error().describe());
        auto results = check_commits(*engine, repo->path(), *ids, jobs);
        if (!results)
            return fail(results.error().describe());
        for (auto& r : *results) {
            if (!r.merge)
                ++report.patches;
            report.findings.insert(report.findings.end(), std::make_move_iterator(r.findings.begin()),
                                   std::make_move_iterator(r.findings.end()));
            skips.merge(r.skips);
        }
    }
    SeriesRun series_run;
    if (!mail_inputs.empty()) {
        std::optional<review::RepositoryLookup> lookup;
        if (repo)
            lookup.emplace(*repo);
        if (auto err = check_series_inputs(*engine, mail_inputs, lookup ? &*lookup : nullptr,
                                           opts.all_versions ? review::Versions::All : review::Versions::Latest,
                                           report, skips, series_run, sender))
            return fail(err->describe());
    }
    report.skipped = skips.entries();

    if (opts.format == "json")
        review::write_json(report, std::cout);
    else if (opts.format == "sarif")
        review::write_sarif(report, review::builtin_registry(), std::cout);
    else
        review::write_text(report, std::cout);
    std::cout.flush();
    bool failing = std::any_of(report.findings.begin(), report.findings.end(),
                               [&](review::Finding const& f) { return f.severity >= *fail_on; });
    return failing ? ExitFindings : ExitClean;
}

} // namespace

void add_check_command(CLI::App& app, int& status)
{
    auto opts = std::make_shared<CheckOptions>();
    auto* cmd = app.add_subcommand("check", "check commits, ranges or patch files against the handbook rules");
    cmd->add_option("--profile", opts->profile, "profile: builtin name (kvm-x86, kvm-unit-tests) or YAML file");
    cmd->add_option("--repo", opts->repo, "repository for revisions and Fixes:/commit lookups (default: .)");
    cmd->add_option("--format", opts->format, "output format: text, json or sarif");
    cmd->add_option("--fail-on", opts->fail_on, "exit 1 when findings reach this severity: error, warning, info");
    cmd->add_option("-j,--jobs", opts->jobs, "threads for commit ranges (default: all cores)");
    cmd->add_option("--sender", opts->sender,
                    "who will send format-patch files ('Name <addr>'): their sign-off must be last (a patch "
                    "file's From: is only its author)");
    cmd->add_flag("--all-versions", opts->all_versions,
                  "check every version of a series found in mail input, not only the latest");
    cmd->add_option("inputs", opts->inputs,
                    "revision ranges (A..B), commit ids, patch files, mbox/.mbox.gz/.eml files, Maildir or "
                    "format-patch directories");
    cmd->add_flag("--b4-check", opts->b4_check,
                  "b4 external check: read one patch on stdin, print [{tool, status, summary, url, details}] JSON");
    cmd->callback([opts, &status] { status = run_check(*opts); });
}

} // namespace kvmx
