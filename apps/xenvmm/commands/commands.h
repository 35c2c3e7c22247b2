// Subcommands of the xenvmm tool; main.cpp only wires CLI11 to these.
// commands/ owns the command-line behaviour (options, output formats, exit
// codes 0/1/2/20/77). May use: vmm/, conformance/, guest_images.h, CLI11,
// nlohmann_json.
#pragma once

#include <cstdint>
#include <string>

namespace xenvmm {

// Exit status used by ctest's SKIP_RETURN_CODE when /dev/kvm or a needed
// capability is missing.
inline constexpr int kExitSkip = 77;
inline constexpr int kExitUsage = 2;

struct CapsOptions {
    std::string format = "text";
};
int cmd_caps(const CapsOptions& opts);

struct RunOptions {
    std::string guest;
    uint32_t vcpus = 1;
    uint64_t arg = 0;
    uint32_t timeout_s = 30;
    std::string irq = "callback";
    std::string xen_kernel = "none";
};
int cmd_run(const RunOptions& opts);

struct TestOptions {
    std::string filter = "*";
    std::string format = "text";
    bool list = false;
    // One interrupt mode (see IrqMode in vmm/machine.h) or "all".
    std::string irq = "callback";
    std::string xen_kernel = "none";
};
int cmd_test(const TestOptions& opts);

struct BenchOptions {
    std::string format = "text";
    uint32_t iterations = 100000;
    // Interrupt mode(s) of the event and timer latency part, or "all".
    std::string irq = "callback";
};
int cmd_bench(const BenchOptions& opts);

}  // namespace xenvmm
