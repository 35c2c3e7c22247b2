#include "conformance/suite.h"

#include <chrono>

#include "conformance/checks.h"
#include "conformance/list.h"
#include "guest_images.h"

namespace xenvmm {

namespace {
// Every guest finishes in well under a second; the watchdog only bounds a
// hang, it is not a timing assertion.
constexpr std::chrono::milliseconds kWatchdog{20000};

HostCheckTable host_checks()
{
    HostCheckTable t;
    add_basic_checks(t);
    add_evtchn_checks(t);
    add_upcall_checks(t);
    add_smp_checks(t);
    return t;
}

std::vector<ConformanceTest> make_tests()
{
    HostCheckTable checks = host_checks();
    std::vector<ConformanceTest> tests;
    for (const auto& e : kConformanceList) {
        ConformanceTest t;
        t.number = e.number;
        t.name = e.name;
        t.guest = e.guest;
        t.summary = e.summary;
        t.vcpus = e.vcpus;
        if (auto it = checks.find(e.name); it != checks.end()) {
            t.run_args = it->second.run_args;
            t.abi_probe = it->second.abi_probe;
            t.on_sync = it->second.on_sync;
            t.check = it->second.check;
        }
        tests.push_back(std::move(t));
    }
    return tests;
}

}  // namespace

const std::vector<ConformanceTest>& conformance_tests()
{
    static const std::vector<ConformanceTest> tests = make_tests();
    return tests;
}

std::vector<std::string> conformance_list_problems()
{
    std::vector<std::string> problems;
    for (const auto& [name, checks] : host_checks()) {
        bool listed = false;
        for (const auto& e : kConformanceList)
            listed = listed || name == e.name;
        if (!listed)
            problems.push_back("host checks for \"" + name + "\", which conformance/list.def does not list");
    }
    for (const auto& e : kConformanceList)
        if (!find_guest_image(e.guest))
            problems.push_back(std::string("test ") + e.name + ": guest image " + e.guest + " is not embedded");
    return problems;
}

std::string conformance_list_markdown()
{
    std::string out = "| # | test | guest | vCPUs | ctest mode | summary |\n|---|---|---|---|---|---|\n";
    for (const auto& e : kConformanceList) {
        std::string number = e.number < 100 ? std::to_string(e.number) : "-";
        out += "| " + number + " | " + e.name + " | " + e.guest + " | " + std::to_string(e.vcpus) + " | " +
               to_string(e.ctest_irq) + " | " + e.summary + " |\n";
    }
    return out;
}

const char* to_string(Verdict v)
{
    switch (v) {
    case Verdict::pass:
        return "PASS";
    case Verdict::fail:
        return "FAIL";
    case Verdict::skip:
        return "SKIP";
    }
    return "?";
}

TestResult run_conformance_test(const ConformanceTest& test, IrqMode irq_mode, XenKernel xen_kernel)
{
    TestResult r;
    r.number = test.number;
    r.name = test.name;
    r.irq_mode = irq_mode;
    auto start = std::chrono::steady_clock::now();
    auto finish = [&](Verdict v, std::string msg) {
        r.verdict = v;
        r.message = std::move(msg);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    };
    if (auto host = host_supports(irq_mode); !host)
        return finish(Verdict::skip, host.error().message);
    auto image = find_guest_image(test.guest);
    if (!image)
        return finish(Verdict::fail, "guest image " + test.guest + " is not embedded");
    for (uint64_t arg : test.run_args) {
        MachineConfig cfg;
        cfg.image = *image;
        cfg.arg = arg;
        cfg.nr_vcpus = test.vcpus;
        cfg.enable_abi_probe = test.abi_probe;
        cfg.watchdog = kWatchdog;
        cfg.on_sync = test.on_sync;
        cfg.irq_mode = irq_mode;
        cfg.xen_kernel = xen_kernel;
        auto machine = Machine::create(cfg);
        if (!machine)
            return finish(Verdict::fail, "VM setup: " + machine.error().message);
        RunOutcome out = machine.value()->run();
        r.console += out.console;
        r.log += out.log;
        std::string prefix = test.run_args.size() > 1 ? "run arg=" + std::to_string(arg) + ": " : "";
        if (out.kind == StopKind::test_skip)
            return finish(Verdict::skip, prefix + out.message);
        if (test.check) {
            if (auto ok = test.check(*machine.value(), out, arg); !ok)
                return finish(Verdict::fail, prefix + ok.error().message);
        } else if (out.kind != StopKind::test_pass) {
            return finish(Verdict::fail,
                          prefix + "guest did not pass: " + to_string(out.kind) + ": " + out.message);
        }
    }
    return finish(Verdict::pass, "");
}

}  // namespace xenvmm
