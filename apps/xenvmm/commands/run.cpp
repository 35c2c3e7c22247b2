#include <cstdio>

#include "commands/commands.h"
#include "guest_images.h"
#include "vmm/machine.h"
#include "vmm/xen/abi.h"

namespace xenvmm {

namespace {

// Exit status of `xenvmm run` per shutdown reason; documented in
// docs/xenvmm/README.md.
int exit_status_for(const RunOutcome& out)
{
    if (out.kind == StopKind::shutdown && out.shutdown_reason) {
        switch (*out.shutdown_reason) {
        case xen::kShutdownPoweroff:
            return 0;
        case xen::kShutdownReboot:
            return 10;
        case xen::kShutdownSuspend:
            return 11;
        case xen::kShutdownCrash:
            return 12;
        case xen::kShutdownWatchdog:
            return 13;
        default:
            return 14;
        }
    }
    switch (out.kind) {
    case StopKind::test_pass:
        return 0;
    case StopKind::test_skip:
        return kExitSkip;
    case StopKind::test_fail:
        return 1;
    default:
        return 20;
    }
}

}  // namespace

int cmd_run(const RunOptions& opts)
{
    IrqMode irq_mode = parse_irq_mode(opts.irq).value_or(IrqMode::callback);
    if (auto host = host_supports(irq_mode); !host) {
        std::fprintf(stderr, "xenvmm: skip: %s\n", host.error().message.c_str());
        return kExitSkip;
    }
    std::vector<uint8_t> file_image;
    std::span<const uint8_t> image;
    if (auto embedded = find_guest_image(opts.guest)) {
        image = *embedded;
    } else {
        auto loaded = load_image_file(opts.guest);
        if (!loaded) {
            std::fprintf(stderr, "xenvmm: %s (not an embedded guest either; see `xenvmm test --list`)\n",
                         loaded.error().message.c_str());
            return kExitUsage;
        }
        file_image = std::move(loaded.value());
        image = file_image;
    }
    MachineConfig cfg;
    cfg.image = image;
    cfg.nr_vcpus = opts.vcpus;
    cfg.arg = opts.arg;
    cfg.console_echo = true;
    cfg.irq_mode = irq_mode;
    cfg.xen_kernel = opts.xen_kernel == "auto" ? XenKernel::automatic : XenKernel::none;
    cfg.watchdog = std::chrono::seconds(opts.timeout_s);
    auto machine = Machine::create(cfg);
    if (!machine) {
        std::fprintf(stderr, "xenvmm: %s\n", machine.error().message.c_str());
        return kExitUsage;
    }
    RunOutcome out = machine.value()->run();
    std::fflush(stdout);
    std::fprintf(stderr, "xenvmm: guest stopped: %s%s%s\n", to_string(out.kind), out.message.empty() ? "" : ": ",
                 out.message.c_str());
    return exit_status_for(out);
}

}  // namespace xenvmm
