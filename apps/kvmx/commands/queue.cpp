// kvmx queue: the maintainer's triage queue. `sync` reads public-inbox
// archives, lore and mailboxes into SQLite; `list` and `show` read it;
// `set`, `link` and `applied` change it.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/queue_common.h"
#include "libreview/git/repository.h"
#include "libreview/queue/applied.h"
#include "libreview/queue/json.h"
#include "libreview/queue/lore.h"
#include "libreview/rules/series_runner.h"

#include <algorithm>
#include <ctime>
#include <iostream>
#include <sstream>

namespace kvmx {
namespace {

namespace q = review::queue;

struct QueueOptions {
    std::string db;
    std::string format = "text";
    // sync
    std::string inbox, lore, query, since, profile;
    bool rescan = false;
    int timeout = 30, retries = 3;
    std::size_t limit = 0;
    // list
    std::string state;
    bool all = false;
    // show / set / link
    std::string id, id2, new_state;
    // applied
    std::string repo, branch;
};

bool check_format(std::string const& f, int& status)
{
    if (f == "text" || f == "json")
        return true;
    status = fail("--format must be text or json, not '" + f + "'");
    return false;
}

int run_sync(QueueOptions const& o)
{
    if (o.inbox.empty() == o.lore.empty())
        return fail("queue sync needs one of --inbox PATH or --lore URL");
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    q::SyncOptions opts;
    opts.rescan = o.rescan;
    opts.profile = o.profile;
    opts.limit = o.limit;
    review::Result<q::SyncReport> report = review::make_error("");
    if (!o.inbox.empty()) {
        report = queue->sync_path(o.inbox, opts);
    } else {
        q::LoreOptions lo;
        lo.url = o.lore;
        lo.query = o.query;
        lo.since = o.since;
        lo.timeout_seconds = o.timeout;
        lo.retries = o.retries;
        lo.backoff_ms = 500;
        // Without --since, ask only for mail received since the last sync (a day of overlap).
        if (o.since.empty()) {
            auto last = queue->cursor("lore:" + o.lore);
            if (!last)
                return fail(last.error().describe());
            if (*last && !(*last)->empty())
                lo.received_since = std::strtoll((*last)->c_str(), nullptr, 10) - 86400;
        }
        auto fetched = q::lore_fetch(lo);
        if (!fetched)
            return fail(fetched.error().describe());
        std::string stamp = std::to_string(static_cast<long long>(std::time(nullptr)));
        report = queue->sync_raw(fetched->mails, opts, std::make_pair("lore:" + o.lore, stamp));
    }
    if (!report)
        return fail(report.error().describe());
    for (auto const& p : report->problems)
        std::cerr << "kvmx: note: " << p << "\n";
    if (o.format == "json") {
        nlohmann::json j{{"read", report->read},         {"added", report->added},
                         {"duplicates", report->duplicates}, {"deleted", report->deleted},
                         {"skipped", report->skipped},   {"recovered", report->recovered},
                         {"series", report->series},     {"checked", report->checked}};
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << "read " << report->read << " mails: " << report->added << " new, " << report->duplicates
                  << " already in the queue, " << report->deleted << " deleted, " << report->skipped << " skipped\n";
        if (report->recovered)
            std::cout << "note: the archive's history was rewritten; resumed after the commit matching the last "
                         "one read\n";
        std::cout << report->series << " series in the queue; " << report->checked << " new postings checked\n";
    }
    return ExitClean;
}

std::string clean(std::string s)
{
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20)
            c = ' ';
    return s;
}

bool is_checked(std::string const& checked)
{
    return !checked.empty() && checked.rfind("not checked", 0) != 0;
}

std::string version_label(q::VersionView const& v)
{
    return (v.rfc ? "RFC v" : "v") + v.version;
}

int run_list(QueueOptions const& o)
{
    q::ListFilter filter;
    filter.all = o.all;
    if (!o.state.empty()) {
        filter.state = q::parse_state(o.state);
        if (!filter.state)
            return fail("unknown state '" + o.state + "'; states: " + review::join(q::state_names()));
    }
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    auto list = queue->list(filter);
    if (!list)
        return fail(list.error().describe());
    if (o.format == "json") {
        std::cout << q::to_json(*list).dump(2) << "\n";
        return ExitClean;
    }
    std::printf("%5s %-7s %-7s %-7s %-7s %-5s %-18s %s\n", "ID", "VER", "PATCHES", "A/R/T", "E/W", "AGE", "STATE",
                "SUBJECT");
    for (auto const& s : *list) {
        auto const& v = s.latest();
        std::string patches = std::to_string(v.received) + "/" + std::to_string(v.patches);
        std::string art = std::to_string(s.trailers.acked) + "/" + std::to_string(s.trailers.reviewed) + "/" +
                          std::to_string(s.trailers.tested);
        std::string ew = is_checked(v.checked) ? std::to_string(s.errors) + "/" + std::to_string(s.warnings)
                                                            : "-";
        std::string flags;
        if (s.fix)
            flags += " [fix]";
        if (s.newer_version)
            flags += " [newer version]";
        if (s.gate)
            flags += " [gate v" + s.gate->version + ": " + s.gate->status + "]";
        std::string subject = s.subject.substr(0, 200);
        for (char& c : subject)
            if (static_cast<unsigned char>(c) < 0x20)
                c = ' ';
        std::printf("%5lld %-7s %-7s %-7s %-7s %-5s %-18s %s%s (%s)\n", static_cast<long long>(s.id),
                    version_label(v).c_str(), patches.c_str(), art.c_str(), ew.c_str(), age(v.date).c_str(),
                    std::string(q::state_name(s.state)).c_str(), subject.c_str(), flags.c_str(),
                    clean(s.author).c_str());
    }
    std::printf("%zu series\n", list->size());
    return ExitClean;
}

void print_trailers(std::vector<q::TrailerView> const& trailers, char const* indent)
{
    for (auto const& t : trailers) {
        std::cout << indent << clean(t.key) << ": " << clean(t.value);
        if (t.from_cover)
            std::cout << " (to the cover letter)";
        if (!t.carried_from.empty())
            std::cout << " (carried from " << t.carried_from << ")";
        if (t.address_mismatch)
            std::cout << " (WARNING: sent from " << clean(t.sender) << ")";
        std::cout << "\n";
    }
}

int run_show(QueueOptions const& o)
{
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    auto id = queue->resolve(o.id);
    if (!id)
        return fail(id.error().describe());
    auto s = queue->show(*id);
    if (!s)
        return fail(s.error().describe());
    if (o.format == "json") {
        std::cout << q::to_json(*s, true).dump(2) << "\n";
        return ExitClean;
    }
    std::cout << "series " << s->id << ": " << clean(s->subject) << "\n";
    std::cout << "  author: " << clean(s->author) << "\n  state: " << q::state_name(s->state)
              << (s->newer_version ? " (a newer version arrived since)" : "") << (s->fix ? "; carries a fix" : "")
              << "\n  trailers on the latest version: " << s->trailers.acked << " acked, " << s->trailers.reviewed
              << " reviewed, " << s->trailers.tested << " tested\n";
    if (s->gate)
        std::cout << "  gate: " << s->gate->status << " on v" << s->gate->version << " (imported "
                  << review::format_utc(s->gate->imported) << ")\n";
    std::int64_t prev = 0;
    for (auto const& v : s->versions) {
        std::cout << "\n" << version_label(v) << (v.resend ? " RESEND" : "") << "  " << review::format_utc(v.date);
        if (prev && v.date)
            std::cout << " (+" << (v.date - prev) / 86400 << "d)";
        prev = v.date;
        std::cout << "  <" << clean(v.message_id) << ">\n";
        std::cout << "  " << v.received << " of " << v.patches << " patches" << (v.cover ? " + cover letter" : "")
                  << "; linked by " << v.link_reason << (v.superseded ? "; superseded" : "") << "\n";
        std::cout << "  findings: ";
        if (is_checked(v.checked))
            std::cout << v.errors << " errors, " << v.warnings << " warnings (" << v.checked << ")\n";
        else
            std::cout << v.checked << "\n";
        for (auto const& f : v.findings)
            std::cout << "    " << clean(f.where) << ": " << f.severity << ": " << clean(f.message) << " [" << f.rule
                      << "]\n";
        if (v.cover_letter)
            std::cout << "  [0/" << v.patches << "] " << clean(v.cover_letter->title) << "\n";
        for (auto const& p : v.patch_list) {
            std::cout << "  [" << p.index << "/" << v.patches << "] " << clean(p.title) << "  <" << clean(p.message_id)
                      << ">\n";
            print_trailers(p.trailers, "      ");
            if (!p.applied_commit.empty())
                std::cout << "      applied: " << p.applied_commit.substr(0, 12) << " (matched by " << p.applied_how
                          << ")\n";
        }
        if (!v.replies.empty()) {
            std::cout << "  replies:\n";
            for (auto const& r : v.replies)
                std::cout << "    " << review::format_utc(r.date) << "  " << clean(r.from) << (r.bot ? " (bot)" : "")
                          << ": " << clean(r.subject) << "\n";
        }
    }
    return ExitClean;
}

int run_set(QueueOptions const& o)
{
    auto state = q::parse_state(o.new_state);
    if (!state)
        return fail("unknown state '" + o.new_state + "'; states: " + review::join(q::state_names()));
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    auto id = queue->resolve(o.id);
    if (!id)
        return fail(id.error().describe());
    if (auto r = queue->set_state(*id, *state); !r)
        return fail(r.error().describe());
    if (o.format == "json")
        std::cout << nlohmann::json{{"id", *id}, {"state", std::string(q::state_name(*state))}}.dump(2) << "\n";
    else
        std::cout << "series " << *id << ": " << q::state_name(*state) << "\n";
    return ExitClean;
}

int run_link(QueueOptions const& o)
{
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    if (auto r = queue->link(o.id, o.id2); !r)
        return fail(r.error().describe());
    auto id = queue->resolve(o.id);
    if (!id)
        return fail(id.error().describe());
    if (o.format == "json")
        std::cout << nlohmann::json{{"id", *id}, {"linked", {o.id, o.id2}}}.dump(2) << "\n";
    else
        std::cout << "linked: " << o.id << " and " << o.id2 << " are series " << *id << "\n";
    return ExitClean;
}

int run_applied(QueueOptions const& o)
{
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    auto repo = review::git::Repository::open(o.repo);
    if (!repo)
        return fail(repo.error().describe());
    q::ListFilter all;
    all.all = true;
    auto list = queue->list(all);
    if (!list)
        return fail(list.error().describe());
    std::int64_t since = 0;
    for (auto const& s : *list)
        if (s.state != q::State::Archived && (since == 0 || s.first_posted < since))
            since = s.first_posted;
    (void)since; // committer dates of rebased branches say little; the walk is bounded instead
    auto commits = q::read_branch(*repo, o.branch, 0);
    if (!commits)
        return fail(commits.error().describe());
    std::vector<q::AppliedMark> marks;
    std::size_t series_marked = 0;
    nlohmann::json report = nlohmann::json::array();
    std::ostringstream text;
    for (auto const& s : *list) {
        if (s.state == q::State::Archived || s.state == q::State::Superseded)
            continue;
        auto mails = queue->version_mails(s.id, std::nullopt);
        if (!mails)
            return fail(mails.error().describe());
        std::vector<q::PatchView> patches;
        for (auto const& p : mails->patches)
            patches.push_back(p.patch);
        auto matches = q::match_applied(patches, *commits);
        std::size_t n = 0;
        for (std::size_t i = 0; i < matches.size(); ++i)
            if (matches[i]) {
                marks.push_back({patches[i].message_id, matches[i]->commit, matches[i]->how});
                ++n;
            }
        if (n == 0)
            continue;
        ++series_marked;
        bool whole = n == patches.size() && mails->series.latest().received >= mails->series.latest().patches;
        if (s.state != q::State::Thanked) {
            if (auto r = queue->set_state(s.id, whole ? q::State::Applied : q::State::PartiallyApplied); !r)
                return fail(r.error().describe());
        }
        text << "series " << s.id << ": " << n << " of " << patches.size() << " patches on " << o.branch << " ("
             << (whole ? "applied" : "partially-applied") << ")\n";
        nlohmann::json matched = nlohmann::json::array();
        for (std::size_t i = 0; i < matches.size(); ++i)
            if (matches[i])
                matched.push_back({{"index", patches[i].index},
                                   {"message_id", patches[i].message_id},
                                   {"commit", matches[i]->commit},
                                   {"matched_by", matches[i]->how}});
        report.push_back({{"id", s.id},
                          {"state", whole ? "applied" : "partially-applied"},
                          {"patches", patches.size()},
                          {"applied", matched}});
    }
    if (auto r = queue->mark_applied(marks, o.branch); !r)
        return fail(r.error().describe());
    if (o.format == "json") {
        std::cout << report.dump(2) << "\n";
        return ExitClean;
    }
    std::cout << text.str() << marks.size() << " patches of " << series_marked << " series matched "
              << commits->size() << " commits of " << o.branch << "\n";
    return ExitClean;
}

// A queue subcommand with --db and --format whose callback runs `run` once
// the format is known to be text or json.
CLI::App* add_subcommand(CLI::App& queue, std::string const& name, std::string const& help,
                         std::shared_ptr<QueueOptions> const& o, int& status, int (*run)(QueueOptions const&))
{
    auto* cmd = queue.add_subcommand(name, help);
    add_db_option(*cmd, o->db);
    cmd->add_option("--format", o->format, "text or json");
    cmd->callback([o, &status, run] {
        if (check_format(o->format, status))
            status = run(*o);
    });
    return cmd;
}

} // namespace

void add_queue_command(CLI::App& app, int& status)
{
    auto o = std::make_shared<QueueOptions>();
    auto* queue = app.add_subcommand("queue", "the maintainer's triage queue (public-inbox, lore, mailboxes)");
    queue->require_subcommand(1);
    queue->footer("States: " + review::join(q::state_names()) +
                  "\nA series is named by its queue id or by the Message-ID of any of its mails.\n"
                  "See docs/triage.md for a maintainer's morning with the queue.");

    auto* sync = add_subcommand(*queue, "sync", "read new mail into the queue", o, status, run_sync);
    sync->add_option("--inbox", o->inbox,
                     "public-inbox v2 archive (git/N.git) or epoch repository, mbox, mbox.gz, Maildir or .eml");
    sync->add_option("--lore", o->lore, "public-inbox HTTP URL of a list, e.g. https://lore.kernel.org/kvm/");
    sync->add_option("--query", o->query, "lore search query (default: s:PATCH)");
    sync->add_option("--since", o->since, "lore: only mail dated since (public-inbox date, e.g. 2024-05-01)");
    sync->add_option("--timeout", o->timeout, "lore: connect and read timeout in seconds (default 30)");
    sync->add_option("--retries", o->retries, "lore: retries after a failed request (default 3)");
    sync->add_option("--profile", o->profile, "check every series with this profile (default: by the paths touched)");
    sync->add_option("--limit", o->limit, "read at most this many new mails");
    sync->add_flag("--rescan", o->rescan, "read the public-inbox epochs from their first commit again");
    sync->footer("Examples:\n"
                 "  kvmx queue sync --inbox ~/mirrors/kvm          # git/0.git, git/1.git, ... (or one epoch)\n"
                 "  kvmx queue sync --lore https://lore.kernel.org/kvm/ --query 's:\"KVM: x86\"'\n"
                 "  kvmx queue sync --inbox ~/Mail/kvm              # Maildir, mbox, mbox.gz, .eml\n"
                 "Mails are kept once per Message-ID; public-inbox epochs are read from the last commit read\n"
                 "(a cursor committed with each batch of 500 mails). Exit status: 0 done, 2 error (one line on\n"
                 "stderr naming the file, URL or database; the queue is left as it was).");

    auto* list =
        add_subcommand(*queue, "list", "the queue in handbook order, one line per series", o, status, run_list);
    list->add_option("--state", o->state, "only series in this state");
    list->add_flag("--all", o->all, "every state, superseded, archived and thanked included");
    list->footer("Columns: queue id, version, patches received/total, acks/reviews/tests of the latest version,\n"
                 "errors/warnings found by the rules at sync ('-': no profile for the paths), age of the latest\n"
                 "version, state, subject with [fix] and [newer version] flags, author. Order: fixes (Fixes:, Cc:\n"
                 "stable) first, then series with acks or reviews, each first-in first-out by v1's posting.\n"
                 "Hidden unless --all or --state: superseded, archived, thanked.");

    auto* show = add_subcommand(*queue, "show", "versions, patches, replies, trailers and findings of a series", o,
                                status, run_show);
    show->add_option("id", o->id, "queue id or Message-ID")->required();
    show->footer("Examples: kvmx queue show 12; kvmx queue show '<20240509.1234-1-jane@example.com>'\n"
                 "Per version: date and interval, received/total patches, how it was linked (thread, change-id,\n"
                 "patch-id, subject, manual), findings; per patch: trailers (to the cover letter, carried from an\n"
                 "older version, sent from another address) and the applied commit; the replies, bots marked.");

    auto* set = add_subcommand(*queue, "set", "set the state of a series", o, status, run_set);
    set->add_option("id", o->id, "queue id or Message-ID")->required();
    set->add_option("state", o->new_state, "new state")->required();

    auto* link = add_subcommand(*queue, "link", "say that two series are versions of one", o, status, run_link);
    link->add_option("a", o->id, "queue id or Message-ID")->required();
    link->add_option("b", o->id2, "queue id or Message-ID")->required();

    auto* applied = add_subcommand(*queue, "applied", "mark patches applied by matching the commits of a branch", o,
                                   status, run_applied);
    applied->add_option("--repo", o->repo, "repository holding the branch")->required();
    applied->add_option("--branch", o->branch, "branch to match (e.g. mmu, kvm-x86/mmu)")->required();

    add_queue_gate_command(*queue, status);
}

} // namespace kvmx
