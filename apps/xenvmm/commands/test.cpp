#include <fnmatch.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/commands.h"
#include "conformance/suite.h"

namespace xenvmm {

namespace {

std::string xml_escape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
                out += '?';
            else
                out += c;
        }
    }
    return out;
}

std::string indent(const std::string& text)
{
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        out += "       " + text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

}  // namespace

int cmd_test(const TestOptions& opts)
{
    if (auto problems = conformance_list_problems(); !problems.empty()) {
        for (const auto& p : problems)
            std::fprintf(stderr, "xenvmm: conformance list: %s\n", p.c_str());
        return kExitUsage;
    }
    if (opts.format == "markdown") {
        if (!opts.list) {
            std::fprintf(stderr, "xenvmm: --format markdown goes with --list\n");
            return kExitUsage;
        }
        std::fputs(conformance_list_markdown().c_str(), stdout);
        return 0;
    }
    std::vector<const ConformanceTest*> selected;
    for (const auto& t : conformance_tests())
        if (fnmatch(opts.filter.c_str(), t.name.c_str(), 0) == 0)
            selected.push_back(&t);
    if (selected.empty()) {
        std::fprintf(stderr, "xenvmm: no test matches --filter '%s'; see `xenvmm test --list`\n", opts.filter.c_str());
        return kExitUsage;
    }
    if (opts.list) {
        for (const auto* t : selected)
            std::printf("%2d %-20s %s\n", t->number, t->name.c_str(), t->summary.c_str());
        return 0;
    }

    std::vector<IrqMode> modes = irq_modes_named(opts.irq);
    // The mode is named on each line whenever it is not the default one.
    bool show_mode = modes.size() > 1 || modes.front() != IrqMode::callback;

    XenKernel xen_kernel = opts.xen_kernel == "auto" ? XenKernel::automatic : XenKernel::none;
    if (xen_kernel == XenKernel::automatic && opts.format == "text") {
        // Say which path the run takes, so a parity run on a kernel without
        // the capability is not mistaken for one.
        auto kvm = Kvm::open(kvm_device_path());
        int flags = kvm ? kvm->check_extension(KVM_CAP_XEN_HVM) : 0;
        if ((flags & kXenKernelHcallFlags) == kXenKernelHcallFlags)
            std::printf("hypercalls: kernel intercept (KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL), userspace dispatcher\n");
        else
            std::printf("hypercalls: userspace only: KVM_CAP_XEN_HVM flags 0x%x lack HYPERCALL_MSR|INTERCEPT_HCALL\n",
                        static_cast<unsigned>(flags));
    }

    std::vector<std::pair<IrqMode, const ConformanceTest*>> runs;
    for (IrqMode mode : modes)
        for (const auto* t : selected)
            runs.emplace_back(mode, t);
    std::vector<TestResult> results;
    for (auto [mode, t] : runs) {
        results.push_back(run_conformance_test(*t, mode, xen_kernel));
        const auto& r = results.back();
        if (opts.format == "text") {
            std::string name = show_mode ? r.name + " [" + to_string(mode) + "]" : r.name;
            std::printf("%-4s %2d %-20s %.2fs%s%s\n", to_string(r.verdict), r.number, name.c_str(), r.seconds,
                        r.message.empty() ? "" : "  ", r.message.c_str());
            // Guest notes always (they say what a host could not exercise);
            // the console too on failure, to diagnose without a rerun.
            if (!r.log.empty())
                std::printf("     guest log:\n%s", indent(r.log).c_str());
            if (r.verdict == Verdict::fail && !r.console.empty())
                std::printf("     guest console:\n%s", indent(r.console.substr(0, 2048)).c_str());
            std::fflush(stdout);
        }
    }
    size_t pass = 0, fail = 0, skip = 0;
    for (const auto& r : results)
        (r.verdict == Verdict::pass ? pass : r.verdict == Verdict::fail ? fail : skip)++;

    if (opts.format == "text") {
        std::printf("\n%zu passed, %zu failed, %zu skipped\n", pass, fail, skip);
    } else if (opts.format == "json") {
        nlohmann::json j;
        j["summary"] = {{"passed", pass}, {"failed", fail}, {"skipped", skip}};
        for (const auto& r : results)
            j["tests"].push_back({{"number", r.number},
                                  {"name", r.name},
                                  {"irq_mode", to_string(r.irq_mode)},
                                  {"result", to_string(r.verdict)},
                                  {"message", r.message},
                                  {"guest_log", r.log},
                                  {"seconds", r.seconds}});
        std::cout << j.dump(2) << "\n";
    } else {
        std::ostringstream x;
        x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        x << "<testsuite name=\"xenvmm.conformance\" tests=\"" << results.size() << "\" failures=\"" << fail
          << "\" skipped=\"" << skip << "\">\n";
        for (const auto& r : results) {
            x << "  <testcase classname=\"xenvmm.conf." << to_string(r.irq_mode) << "\" name=\"" << xml_escape(r.name) << "\" time=\"" << r.seconds
              << "\">";
            if (r.verdict == Verdict::fail)
                x << "<failure message=\"" << xml_escape(r.message) << "\"/>";
            else if (r.verdict == Verdict::skip)
                x << "<skipped message=\"" << xml_escape(r.message) << "\"/>";
            x << "</testcase>\n";
        }
        x << "</testsuite>\n";
        std::cout << x.str();
    }
    if (fail)
        return 1;
    if (skip == results.size()) {
        std::fprintf(stderr, "xenvmm: skip: %s\n", results.front().message.c_str());
        return kExitSkip;
    }
    return 0;
}

}  // namespace xenvmm
