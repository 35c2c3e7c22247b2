// kvmx queue gate-result: record a `kvmx gate` report (report.json) for a
// version of a series, so list, show and the web page show its result.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/queue_common.h"
#include "libreview/core/diagnostic.h"
#include "libreview/gate/run.h"
#include "libreview/patch/patch_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace kvmx {
namespace {

namespace q = review::queue;

struct GateResultOptions {
    std::string db, ref, file, log_url, format = "text";
};

int run(GateResultOptions const& o)
{
    if (o.format != "text" && o.format != "json")
        return fail("--format must be text or json, not '" + o.format + "'");
    auto text = review::read_file_bounded(o.file, 64u << 20);
    if (!text)
        return fail(text.error().describe());
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != "kvmx-gate")
        return fail(o.file + ":1: not a kvmx gate report (report.json of `kvmx gate --format json`)");
    auto gate_run = review::gate::from_json(j, o.file);
    if (!gate_run)
        return fail(gate_run.error().describe());
    auto queue = open_queue(o.db);
    if (!queue)
        return fail(queue.error().describe());
    auto ref = resolve_version_ref(*queue, o.ref);
    if (!ref)
        return fail(ref.error().describe());
    auto view = queue->show(ref->first);
    if (!view)
        return fail(view.error().describe());
    auto const& version = view->versions[ref->second.value_or(view->versions.size() - 1)];
    auto findings = review::gate::classify(*gate_run);
    bool failed = std::any_of(findings.begin(), findings.end(),
                              [](review::Finding const& f) { return f.severity == review::Severity::Error; });
    q::GateResultView g;
    g.version = version.version + (version.rfc ? "rfc" : "");
    g.status = failed ? "fail" : "pass";
    g.report = review::gate::to_json(*gate_run).dump();
    g.checks = review::gate::to_patchwork(*gate_run, o.log_url).dump();
    if (auto r = queue->set_gate_result(ref->first, g); !r)
        return fail(r.error().describe());
    if (o.format == "json")
        std::cout << nlohmann::json{{"id", ref->first}, {"version", g.version}, {"status", g.status}}.dump(2) << "\n";
    else
        std::cout << "series " << ref->first << " v" << g.version << ": gate " << g.status << " ("
                  << gate_run->commits.size() << " commits, " << findings.size() << " findings)\n";
    return ExitClean;
}

} // namespace

void add_queue_gate_command(CLI::App& queue, int& status)
{
    auto o = std::make_shared<GateResultOptions>();
    auto* cmd = queue.add_subcommand("gate-result", "record a kvmx gate report (report.json) for a series");
    add_db_option(*cmd, o->db);
    cmd->add_option("series", o->ref, "queue id, ID:vN, or a Message-ID")->required();
    cmd->add_option("report", o->file, "report.json written by kvmx gate --output DIR (or --format json)")->required();
    cmd->add_option("--log-url", o->log_url, "URL the CI publishes the gate's --output at (links to step logs)");
    cmd->add_option("--format", o->format, "text or json");
    cmd->footer("The report replaces an earlier one for the same version; the newest is shown by queue list\n"
                "(gate column), queue show and kvmx serve, with per-patch checks in patchwork's shape.");
    cmd->callback([o, &status] { status = run(*o); });
}

} // namespace kvmx
