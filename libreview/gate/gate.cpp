#include "libreview/gate/gate.h"

#include "libreview/core/file_descriptor.h"
#include "libreview/gate/host.h"
#include "libreview/gate/process.h"
#include "libreview/gate/worktree.h"
#include "libreview/rules/git_lookup.h"
#include "libreview/git/tree.h"
#include "libreview/rules/engine.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <tuple>
#include <unistd.h>

namespace review::gate {
namespace {

std::string short_id(std::string const& id) { return id.substr(0, 12); }

} // namespace

namespace {

class Runner {
public:
    Runner(git::Repository const& repo, GateInput const& input, GateOptions const& opts, std::filesystem::path scratch)
        : m_repo(repo), m_input(input), m_opts(opts), m_scratch(std::move(scratch)), m_tree(m_scratch / "src")
    {
    }

    Result<GateRun> run();
    Result<void> load_kept_tree()
    {
        m_tree.use_manifest(m_scratch / "tree.manifest");
        return m_tree.load_manifest();
    }

private:
    Result<StepResult> run_build(BuildConfig const&, std::filesystem::path const& log_dir, std::string const& commit);
    Result<StepResult> run_step(TestStep const&, std::filesystem::path const& log_dir, std::string const& commit);
    Result<StepResult> run_commands(std::string kind, std::string name, std::string config,
                                    std::vector<std::string> const& commands, Environment env,
                                    std::filesystem::path const& log_dir, int skip_status,
                                    TestStep const* step = nullptr);
    Result<void> run_baseline(GateRun&);
    Result<void> run_preflight(std::string const& commit);
    std::string m_ccache = find_program("ccache");
    std::string m_where; // "[k/n] <commit>" of the commit being gated, for errors
    void report(std::string const& step);

    git::Repository const& m_repo;
    GateInput const& m_input;
    GateOptions const& m_opts;
    std::filesystem::path m_scratch;
    PrivateTree m_tree;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    Progress m_progress;
};

void Runner::report(std::string const& step)
{
    if (!m_opts.progress)
        return;
    m_progress.step = step;
    m_progress.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    m_opts.progress(m_progress);
}

Result<StepResult> Runner::run_commands(std::string kind, std::string name, std::string config,
                                        std::vector<std::string> const& commands, Environment env,
                                        std::filesystem::path const& log_dir, int skip_status,
                                        TestStep const* step)
{
    StepResult r;
    r.kind = std::move(kind);
    r.name = std::move(name);
    r.config = std::move(config);
    std::filesystem::path log = log_dir / (r.kind + "-" + safe_name(r.name) + ".log");
    r.log = std::filesystem::relative(log, m_opts.output).string();
    std::error_code ec;
    std::filesystem::remove(log, ec);
    std::filesystem::path build_dir = m_scratch / "build" / safe_name(r.config.empty() ? "none" : r.config);
    std::filesystem::create_directories(build_dir, ec);
    env.insert(env.begin(), {{"KVMX_GATE_SOURCE", m_tree.dir().string()},
                             {"KVMX_GATE_BUILD", build_dir.string()},
                             {"KVMX_GATE_JOBS", std::to_string(m_opts.jobs)},
                             {"KVMX_GATE_OUTPUT", m_opts.output.string()}});
    std::filesystem::path stats_log;
    if (m_opts.config.ccache && !m_ccache.empty()) {
        // ccache's stats log counts this step's compilations alone, whoever
        // else shares the cache; the base directory makes the private tree's
        // absolute paths relative, so a later run in another scratch
        // directory hits the same entries.
        stats_log = log;
        stats_log += ".ccache";
        std::filesystem::remove(stats_log, ec);
        env.insert(env.begin(), {{"KVMX_GATE_CCACHE", m_ccache}, {"CCACHE_STATSLOG", stats_log.string()}});
        if (std::none_of(env.begin(), env.end(), [](auto const& kv) { return kv.first == "CCACHE_BASEDIR"; }))
            env.insert(env.begin(), {"CCACHE_BASEDIR", m_scratch.string()});
        // Objects built with -g (objtool, the selftests) would otherwise hash
        // the working directory, a new scratch directory at every run.
        if (std::none_of(env.begin(), env.end(), [](auto const& kv) { return kv.first.starts_with("CCACHE_") && kv.first.ends_with("HASHDIR"); }))
            env.insert(env.begin(), {"CCACHE_NOHASHDIR", "1"});
    } else {
        env.insert(env.begin(), {"KVMX_GATE_CCACHE", ""});
    }
    if (step && !step->requires_check.empty()) {
        auto p = TRY(run_shell(step->requires_check, m_tree.dir(), env, log));
        r.seconds += p.seconds;
        if (p.interrupted)
            return make_error("interrupted by signal " + std::to_string(interrupted_by()));
        if (p.status != 0) {
            r.status = Status::Skip;
            r.exit_code = p.status;
            r.reason = "not run here: " + step->requires_reason;
            return r;
        }
    }
    bool nipa = step && step->nipa_exit_codes;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto p = TRY(run_shell(commands[i], m_tree.dir(), env, log));
        r.seconds += p.seconds;
        if (p.interrupted)
            return make_error("interrupted by signal " + std::to_string(interrupted_by()));
        if (p.status == 0)
            continue;
        r.exit_code = p.status;
        if (nipa && p.status == 250) {
            // A NIPA warning: the step goes on, and passes with a warning.
            r.status = Status::Warn;
            r.reason = "warning (exit 250, command " + std::to_string(i + 1) + " of " +
                       std::to_string(commands.size()) + ")";
            continue;
        }
        if (nipa && p.status == 111) {
            r.status = Status::Skip;
            r.reason = "pending (exit 111): no result yet";
        } else if (p.status == skip_status) {
            r.status = Status::Skip;
            r.reason = "skipped (exit " + std::to_string(skip_status) + ")";
        } else if (auto why = infrastructure_failure(log, p.status); !why.empty()) {
            // Not the commit's fault: stop, keep the logs, exit 2.
            return make_error(m_where + ": " + r.kind + " '" + r.name + "': " + why +
                              "; the gate stopped; log: " + r.log);
        } else {
            r.status = Status::Fail;
            r.reason = "command " + std::to_string(i + 1) + " of " + std::to_string(commands.size());
            std::ifstream in(log);
            std::stringstream text;
            text << in.rdbuf();
            r.signature = failure_signature(text.str());
        }
        break;
    }
    if (!stats_log.empty()) {
        std::tie(r.ccache_hits, r.ccache_misses) = ccache_counts(stats_log);
        if (r.ccache_hits == 0 && r.ccache_misses == 0)
            std::filesystem::remove(stats_log, ec); // nothing was compiled
    }
    return r;
}

Result<void> Runner::run_preflight(std::string const& commit)
{
    if (m_opts.config.preflight.empty())
        return {};
    std::filesystem::path log = m_opts.output / "logs" / "preflight.log";
    std::error_code ec;
    std::filesystem::remove(log, ec);
    Environment env = {{"KVMX_GATE_SOURCE", m_tree.dir().string()},
                       {"KVMX_GATE_JOBS", std::to_string(m_opts.jobs)},
                       {"KVMX_GATE_COMMIT", commit},
                       {"KVMX_GATE_OUTPUT", m_opts.output.string()}};
    for (auto const& p : m_opts.config.preflight) {
        auto r = TRY(run_shell(p.check, m_tree.dir(), env, log));
        if (r.interrupted)
            return make_error("interrupted by signal " + std::to_string(interrupted_by()));
        if (r.status != 0)
            return make_error(m_where + ": configuration " + m_opts.config.name + ": " + p.error +
                              " (preflight check failed: " + p.check + "); log: " +
                              std::filesystem::relative(log, m_opts.output).string());
    }
    return {};
}

Result<StepResult> Runner::run_build(BuildConfig const& b, std::filesystem::path const& log_dir, std::string const& commit)
{
    Environment env = b.env;
    env.insert(env.begin(), {"KVMX_GATE_COMMIT", commit});
    return run_commands("build", b.name, b.name, b.commands, env, log_dir, -1);
}

Result<StepResult> Runner::run_step(TestStep const& s, std::filesystem::path const& log_dir, std::string const& commit)
{
    Environment env;
    env.emplace_back("KVMX_GATE_COMMIT", commit);
    if (auto const* b = m_opts.config.build(s.build))
        env.insert(env.end(), b->env.begin(), b->env.end());
    env.insert(env.end(), s.env.begin(), s.env.end());
    std::string kind = s.kind == StepKind::Test ? "test" : s.kind == StepKind::Variant ? "variant" : "docs";
    return run_commands(kind, s.name, s.build, s.commands, env, log_dir, s.skip_status, &s);
}

Result<GateRun> Runner::run()
{
    GateRun run;
    run.tool_version = m_opts.tool_version;
    run.config = m_opts.config.name;
    run.tier = m_opts.tier;
    run.input = m_input.description;
    run.base = m_input.base_commit;
    run.total = m_input.items.size();
    run.shard = m_opts.shard;
    run.shards = m_opts.shards;
    auto [begin, end] = shard_range(m_input.items.size(), m_opts.shard, m_opts.shards);

    std::optional<RepositoryLookup> lookup;
    lookup.emplace(m_repo);
    std::error_code ec;
    std::filesystem::create_directories(m_tree.dir(), ec);
    m_progress.commits = end - begin;
    for (std::size_t i = begin; i < end; ++i) {
        auto const& item = m_input.items[i];
        m_progress.commit = i - begin + 1;
        m_progress.title = item.patch.message.title;
        auto done = static_cast<double>(i - begin);
        double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        m_progress.eta = done > 0 ? elapsed / done * static_cast<double>(end - i) : -1;

        CommitResult c;
        c.index = i;
        c.commit = item.commit.empty() ? item.tree : item.commit;
        c.title = item.patch.message.title;
        c.source = item.source;
        auto paths = TRY(git::changed_paths(m_repo, item.parent_tree, item.tree));
        c.adds_tests = std::any_of(paths.begin(), paths.end(), [&](std::string const& p) {
            return path_matches(p, m_opts.config.test_paths);
        });
        if (m_opts.engine && m_opts.config.checks) {
            report("checks");
            SkipLog skips;
            m_opts.engine->check_patch(item.patch, &*lookup, c.checks, skips);
        }
        report("checkout");
        m_where = "[" + std::to_string(i + 1) + "/" + std::to_string(m_input.items.size()) + "] " +
                  short_id(c.commit) + " (\"" + c.title + "\")";
        if (auto written = m_tree.checkout(m_repo, item.tree); !written)
            return make_error(m_where + ": writing the private tree: " + written.error().describe());
        if (i == begin) {
            report("preflight");
            TRY_VOID(run_preflight(c.commit));
        }
        char prefix[32];
        std::snprintf(prefix, sizeof prefix, "%03zu-", i + 1);
        std::filesystem::path log_dir = m_opts.output / "logs" / (prefix + short_id(c.commit));
        std::filesystem::create_directories(log_dir, ec);
        if (ec)
            return make_error(log_dir.string() + ": " + ec.message());

        std::set<std::string> failed_builds;
        for (auto const& b : m_opts.config.builds) {
            report("build " + b.name);
            auto r = TRY(run_build(b, log_dir, c.commit));
            if (r.status != Status::Pass)
                failed_builds.insert(b.name);
            c.steps.push_back(std::move(r));
        }
        for (auto const& name : m_opts.steps) {
            TestStep const* s = m_opts.config.step(name);
            if (!s)
                continue;
            if (!s->paths.empty() && std::none_of(paths.begin(), paths.end(), [&](std::string const& p) {
                    return path_matches(p, s->paths);
                }))
                continue; // a variant or docs build this commit does not trigger
            if (failed_builds.count(s->build)) {
                StepResult r;
                r.kind = s->kind == StepKind::Test ? "test" : s->kind == StepKind::Variant ? "variant" : "docs";
                r.name = s->name;
                r.config = s->build;
                r.status = Status::Skip;
                r.reason = "build '" + s->build + "' failed";
                c.steps.push_back(std::move(r));
                continue;
            }
            report(s->name);
            c.steps.push_back(TRY(run_step(*s, log_dir, c.commit)));
        }
        run.commits.push_back(std::move(c));
    }
    TRY_VOID(run_baseline(run));
    // Disk used by the private tree and each build directory, measured
    // before the scratch directory goes away.
    std::string disk = "disk: source tree " + mib(disk_usage(m_tree.dir()));
    for (auto const& e : std::filesystem::directory_iterator(m_scratch / "build", ec))
        disk += ", build/" + e.path().filename().string() + " " + mib(disk_usage(e.path()));
    run.notes.push_back(disk);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    return run;
}

Result<void> Runner::run_baseline(GateRun& run)
{
    if (!m_opts.config.baseline || m_input.base_tree.empty())
        return {};
    // Failing steps, and the build configurations they need on the base.
    std::vector<std::string> keys;
    std::set<std::string> builds;
    for (auto const& c : run.commits)
        for (auto const& s : c.steps)
            if (s.status == Status::Fail && std::find(keys.begin(), keys.end(), s.key()) == keys.end()) {
                keys.push_back(s.key());
                if (!s.config.empty())
                    builds.insert(s.config);
            }
    if (keys.empty())
        return {};
    m_progress.title = "base " + short_id(m_input.base_commit);
    m_where = "base " + short_id(m_input.base_commit);
    m_progress.eta = -1;
    if (auto written = m_tree.checkout(m_repo, m_input.base_tree); !written)
        return make_error(m_where + ": writing the private tree: " + written.error().describe());
    std::filesystem::path log_dir = m_opts.output / "logs" / ("base-" + short_id(m_input.base_commit));
    std::error_code ec;
    std::filesystem::create_directories(log_dir, ec);
    std::set<std::string> failed_builds;
    for (auto const& b : m_opts.config.builds) {
        if (!builds.count(b.name))
            continue;
        report("baseline build " + b.name);
        auto r = TRY(run_build(b, log_dir, m_input.base_commit));
        if (r.status != Status::Pass)
            failed_builds.insert(b.name);
        run.baseline.push_back(std::move(r));
    }
    for (auto const& s : m_opts.config.steps) {
        std::string kind = s.kind == StepKind::Test ? "test" : s.kind == StepKind::Variant ? "variant" : "docs";
        if (std::find(keys.begin(), keys.end(), kind + ":" + s.name) == keys.end() || failed_builds.count(s.build))
            continue;
        report("baseline " + s.name);
        run.baseline.push_back(TRY(run_step(s, log_dir, m_input.base_commit)));
    }
    return {};
}

} // namespace

Result<GateRun> run_gate(git::Repository const& repo, GateInput const& input, GateOptions const& opts)
{
    std::error_code ec;
    std::filesystem::create_directories(opts.output / "logs", ec);
    if (ec)
        return make_error(opts.output.string() + ": " + ec.message());
    if (!opts.work_dir.empty()) {
        // Only an empty directory or one a gate made: the kept tree is
        // emptied when its manifest is missing, which must never hit a
        // user's files.
        if (std::filesystem::exists(opts.work_dir, ec) && !std::filesystem::is_empty(opts.work_dir, ec) &&
            !std::filesystem::exists(opts.work_dir / "kvmx-gate.lock", ec))
            return make_error(opts.work_dir.string() +
                              ": not a kvmx gate work directory (it holds other files); give an empty or new one");
        std::filesystem::create_directories(opts.work_dir, ec);
        if (ec)
            return make_error(opts.work_dir.string() + ": " + ec.message());
        auto lock_path = opts.work_dir / "kvmx-gate.lock";
        // Held until the lock file's descriptor closes, at return.
        auto lock = TRY(FileDescriptor::open(lock_path.string(), O_RDWR | O_CREAT));
        if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK)
                return make_error(lock_path.string() + ": flock: " + std::strerror(errno));
            return make_error(opts.work_dir.string() + ": in use by another kvmx gate (" + lock_path.string() + ")");
        }
        Runner runner(repo, input, opts, std::filesystem::absolute(opts.work_dir));
        TRY_VOID(runner.load_kept_tree());
        return runner.run();
    }
    auto scratch = TRY(ScratchDir::create("kvmx-gate-"));
    Runner runner(repo, input, opts, scratch.path());
    return runner.run();
}

} // namespace review::gate
