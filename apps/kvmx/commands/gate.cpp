// kvmx gate: build and test every commit of a range or series, and merge
// shard reports (kvmx gate merge).

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/profile_option.h"
#include "libreview/gate/gate.h"
#include "libreview/gate/process.h"
#include "libreview/gate/run.h"
#include "libreview/gate/worktree.h"
#include "libreview/gate/junit.h"
#include "libreview/report/report.h"
#include "libreview/gate/text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace kvmx {
namespace {

struct GateOptions {
    std::string config;
    std::string repo;
    std::string base;
    std::string profile;
    std::string tier;
    std::string shard = "1/1";
    std::string format = "text";
    std::string output;
    std::string fail_on = "error";
    std::string log_url;
    std::string work_dir;
    unsigned jobs = 0;
    bool no_checks = false;
    std::string input;
    std::vector<std::string> merge_inputs;
};

void print_progress(review::gate::Progress const& p)
{
    std::string title = p.title.size() > 40 ? p.title.substr(0, 37) + "..." : p.title;
    std::string line = "[" + std::to_string(p.commit) + "/" + std::to_string(p.commits) + "] " + title + " | " +
                       p.step + " | " + review::gate::clock_text(p.elapsed) + " elapsed" +
                       (p.eta >= 0 ? ", ETA " + review::gate::clock_text(p.eta) : "");
    std::cerr << "\r\033[K" << line << std::flush;
}

bool failing(std::vector<review::Finding> const& findings, review::Severity fail_on)
{
    return std::any_of(findings.begin(), findings.end(), [&](review::Finding const& f) {
        if (f.rule == "series.selftest-order")
            return true; // proven by running the tests, not a guess from the diff
        if (f.rule.starts_with("gate."))
            return f.severity == review::Severity::Error;
        return f.severity >= fail_on;
    });
}

// Invalid UTF-8 quoted from commits and logs is replaced, never thrown on.
std::string dump(nlohmann::json const& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

int emit(review::gate::GateRun const& run, GateOptions const& opts, std::filesystem::path const& output)
{
    auto fail_on = review::parse_severity(opts.fail_on);
    auto findings = review::gate::classify(run);
    if (!output.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(output, ec);
        std::ofstream json(output / "report.json");
        json << dump(review::gate::to_json(run)) << "\n";
        std::ofstream junit(output / "junit.xml");
        review::gate::write_junit(run, junit);
        if (!json || !junit)
            return fail(output.string() + ": cannot write report.json or junit.xml");
    }
    if (opts.format == "json")
        std::cout << dump(review::gate::to_json(run)) << "\n";
    else if (opts.format == "patchwork")
        std::cout << dump(review::gate::to_patchwork(run, opts.log_url)) << "\n";
    else if (opts.format == "junit")
        review::gate::write_junit(run, std::cout);
    else
        review::gate::write_text(run, findings, version, std::cout);
    std::cout.flush();
    return failing(findings, *fail_on) ? ExitFindings : ExitClean;
}

int run_merge(GateOptions const& opts)
{
    std::vector<review::gate::GateRun> runs;
    for (auto const& file : opts.merge_inputs) {
        std::ifstream in(file);
        if (!in)
            return fail(file + ": cannot read");
        nlohmann::json j;
        try {
            in >> j;
        } catch (nlohmann::json::exception const& e) {
            return fail(file + ": not JSON: " + e.what());
        }
        auto run = review::gate::from_json(j, file);
        if (!run)
            return fail(run.error().describe());
        runs.push_back(std::move(*run));
    }
    auto merged = review::gate::merge(runs);
    if (!merged)
        return fail(merged.error().describe());
    return emit(*merged, opts, opts.output.empty() ? std::filesystem::path() : std::filesystem::absolute(opts.output));
}

int run_gate(GateOptions const& opts)
{
    if (opts.input.empty())
        return fail("gate needs a revision range or a series (mbox, patch file or format-patch directory)");
    auto shard = review::gate::parse_shard(opts.shard);
    if (!shard)
        return fail(shard.error().describe());
    auto config = review::gate::load_config(opts.config);
    if (!config)
        return fail(config.error().describe());

    review::gate::GateOptions gate;
    gate.tool_version = version;
    gate.tier = opts.tier;
    std::string tier = opts.tier.empty() ? config->default_tier : opts.tier;
    if (!tier.empty()) {
        auto steps = config->tier_steps(tier);
        if (!steps)
            return fail("--tier: " + steps.error().message);
        gate.steps = *steps;
    } else {
        for (auto const& s : config->steps)
            gate.steps.push_back(s.name);
    }
    gate.config = std::move(*config);
    if (!opts.work_dir.empty())
        gate.work_dir = std::filesystem::absolute(opts.work_dir);
    gate.jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
    gate.shard = shard->first;
    gate.shards = shard->second;
    if (opts.output.empty()) {
        // Never inside the user's tree: a fresh directory under $TMPDIR, kept.
        auto dir = review::gate::ScratchDir::create("kvmx-gate-report-");
        if (!dir)
            return fail(dir.error().describe());
        gate.output = dir->path();
        dir->release();
        std::cerr << "kvmx: gate logs and reports go to " << gate.output.string() << "\n";
    } else {
        gate.output = std::filesystem::absolute(opts.output);
    }

    std::optional<review::Engine> engine;
    if (opts.no_checks)
        gate.config.checks = false;
    if (gate.config.checks) {
        auto e = load_engine(opts.profile.empty() ? gate.config.profile : opts.profile);
        if (!e)
            return fail(e.error().describe());
        engine.emplace(std::move(*e));
        gate.engine = &*engine;
    }

    auto repo = review::git::Repository::open(opts.repo.empty() ? "." : opts.repo);
    if (!repo)
        return fail(repo.error().describe());
    std::error_code ec;
    bool series = std::filesystem::exists(opts.input, ec);
    auto input = series ? review::gate::read_series(*repo, opts.input, opts.base)
                        : review::gate::read_range(*repo, opts.input);
    if (!input)
        return fail(input.error().describe());

    bool tty = ::isatty(STDERR_FILENO);
    if (tty)
        gate.progress = print_progress;
    review::gate::install_signal_handlers();
    auto run = review::gate::run_gate(*repo, *input, gate);
    if (tty)
        std::cerr << "\r\033[K" << std::flush;
    if (int sig = review::gate::interrupted_by()) {
        std::cerr << "kvmx: gate interrupted by signal " << sig << "; private tree removed\n";
        return 128 + sig;
    }
    if (!run)
        return fail(run.error().describe());
    return emit(*run, opts, gate.output);
}

} // namespace

void add_gate_command(CLI::App& app, int& status)
{
    auto opts = std::make_shared<GateOptions>();
    auto* cmd = app.add_subcommand("gate", "build and test every commit of a range or series (default: xenvmm)");
    cmd->add_option("--config", opts->config,
                    "gate configuration: builtin name (xenvmm, kvm-x86, kernel-example) or YAML file (default: xenvmm)");
    cmd->add_option("--repo", opts->repo, "repository holding the range or the series' base (default: .)");
    cmd->add_option("--base", opts->base, "base commit for a series (default: its base-commit: line)");
    cmd->add_option("--profile", opts->profile, "rule profile for the message checks (default: the config's)");
    cmd->add_option("--tier", opts->tier, "branch tier whose tests to run (e.g. queue, next)");
    cmd->add_option("--shard", opts->shard, "run shard I of N (contiguous blocks of commits), e.g. 2/4");
    cmd->add_option("--format", opts->format, "stdout format: text, json, junit or patchwork (per-patch checks)")
        ->check(CLI::IsMember({"text", "json", "junit", "patchwork"}));
    cmd->add_option("--log-url", opts->log_url,
                    "URL where --output is published; patchwork checks link their logs below it (target_url)");
    cmd->add_option("--output", opts->output,
                    "directory for logs, report.json and junit.xml (default: a new $TMPDIR/kvmx-gate-report-*)");
    cmd->add_option("--fail-on", opts->fail_on, "message-check severity that fails the gate (default: error)")
        ->check(CLI::IsMember({"error", "warning", "info"}));
    cmd->add_option("--work-dir", opts->work_dir,
                    "keep the private tree and build directories here across runs (default: a scratch directory "
                    "under $TMPDIR, removed at the end)");
    cmd->add_flag("--no-checks", opts->no_checks, "skip the message checks (builds and tests only)");
    cmd->add_option("-j,--jobs", opts->jobs, "parallel jobs passed to builds as KVMX_GATE_JOBS (default: all cores)");
    cmd->add_option("input", opts->input, "revision range (A..B) or series (mbox, patch file, format-patch directory)");

    auto merge_opts = std::make_shared<GateOptions>();
    auto* merge = cmd->add_subcommand("merge", "merge the report.json files of --shard runs into one report");
    merge->add_option("--format", merge_opts->format, "stdout format: text, json, junit or patchwork")
        ->check(CLI::IsMember({"text", "json", "junit", "patchwork"}));
    merge->add_option("--log-url", merge_opts->log_url, "URL where the logs are published (patchwork target_url)");
    merge->add_option("--output", merge_opts->output, "also write report.json and junit.xml here");
    merge->add_option("--fail-on", merge_opts->fail_on, "message-check severity that fails (default: error)")
        ->check(CLI::IsMember({"error", "warning", "info"}));
    merge->add_option("reports", merge_opts->merge_inputs, "report.json of each shard")->required();
    merge->callback([merge_opts, &status] { status = run_merge(*merge_opts); });

    cmd->callback([opts, merge, &status] {
        if (merge->parsed())
            return;
        status = run_gate(*opts);
    });
}

} // namespace kvmx
