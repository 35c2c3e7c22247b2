#include "conformance/suite.h"

#include <chrono>

#include "guest_images.h"

namespace xenvmm {

namespace {
// Every guest finishes in well under a second; the watchdog only bounds a
// hang, it is not a timing assertion.
constexpr std::chrono::milliseconds kWatchdog{20000};
}  // namespace

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
    if (auto why = host_unsupported_reason(irq_mode))
        return finish(Verdict::skip, *why);
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
        std::string failure;
        if (test.check) {
            failure = test.check(*machine.value(), out, arg);
        } else if (out.kind != StopKind::test_pass) {
            failure = std::string("guest did not pass: ") + to_string(out.kind) + ": " + out.message;
        }
        if (!failure.empty())
            return finish(Verdict::fail, prefix + failure);
    }
    return finish(Verdict::pass, "");
}

}  // namespace xenvmm
