#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands/commands.h"
#include "vmm/kvm.h"
#include "vmm/machine.h"

namespace xenvmm {

namespace {

struct CapRow {
    const char* name;
    long cap;
};

const CapRow kCaps[] = {
    {"KVM_CAP_XEN_HVM", KVM_CAP_XEN_HVM},
    {"KVM_CAP_X86_USER_SPACE_MSR", KVM_CAP_X86_USER_SPACE_MSR},
    {"KVM_CAP_X86_MSR_FILTER", KVM_CAP_X86_MSR_FILTER},
    {"KVM_CAP_SYNC_REGS", KVM_CAP_SYNC_REGS},
    {"KVM_CAP_IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT},
    {"KVM_CAP_SPLIT_IRQCHIP", KVM_CAP_SPLIT_IRQCHIP},
    {"KVM_CAP_IRQCHIP", KVM_CAP_IRQCHIP},
    {"KVM_CAP_GET_TSC_KHZ", KVM_CAP_GET_TSC_KHZ},
    {"KVM_CAP_ADJUST_CLOCK", KVM_CAP_ADJUST_CLOCK},
    {"KVM_CAP_NR_VCPUS", KVM_CAP_NR_VCPUS},
};

// KVM_XEN_HVM_CONFIG_* bits (uapi kvm.h); the newer ones are spelled out
// because the distribution headers may predate them.
const std::pair<unsigned, const char*> kXenFlags[] = {
    {0, "HYPERCALL_MSR"},  {1, "INTERCEPT_HCALL"},      {2, "SHARED_INFO"},
    {3, "RUNSTATE"},       {4, "EVTCHN_2LEVEL"},        {5, "EVTCHN_SEND"},
    {6, "RUNSTATE_UPDATE_FLAG"}, {7, "PVCLOCK_TSC_UNSTABLE"}, {8, "SHARED_INFO_HVA"},
};

struct FeatureRow {
    const char* feature;
    int kernel_flag;  // KVM_XEN_HVM_CONFIG bit that would accelerate it, or -1.
};

const FeatureRow kFeatures[] = {
    {"cpuid leaves", -1},
    {"hypercall page MSR", 0},
    {"hypercall dispatch", 1},
    {"shared_info", 2},
    {"shared_info by fixed HVA", 8},
    {"vcpu_info / vcpu_time_info", 2},
    {"runstate area", 3},
    {"runstate update flag", 6},
    {"xen_version / console_io / memory_op / vm_assist / sched_op", -1},
};

}  // namespace

int cmd_caps(const CapsOptions& opts)
{
    std::string path = kvm_device_path();
    auto kvm = Kvm::open(path);
    if (!kvm) {
        std::fprintf(stderr, "xenvmm: skip: %s\n", kvm.error().message.c_str());
        return kExitSkip;
    }
    int xen = kvm->check_extension(KVM_CAP_XEN_HVM);
    nlohmann::json j;
    j["device"] = path;
    for (const auto& c : kCaps)
        j["capabilities"][c.name] = kvm->check_extension(c.cap);
    std::vector<std::string> flags;
    for (auto [bit, name] : kXenFlags)
        if (xen & (1 << bit))
            flags.push_back(name);
    j["xen_hvm_flags"] = flags;
    // With --xen-kernel auto, the hypercall page MSR and the intercept go
    // to the kernel when both are offered; nothing else is routed.
    bool hcall_routable = (xen & kXenKernelHcallFlags) == kXenKernelHcallFlags;
    auto path_with_auto = [&](const FeatureRow& f) {
        return hcall_routable && (f.kernel_flag == 0 || f.kernel_flag == 1) ? "kernel" : "userspace";
    };
    for (const auto& f : kFeatures) {
        nlohmann::json row;
        row["feature"] = f.feature;
        row["path"] = "userspace";
        row["path_with_xen_kernel_auto"] = path_with_auto(f);
        bool kernel = f.kernel_flag >= 0 && (xen & (1 << f.kernel_flag));
        row["kernel_offers"] = kernel;
        j["features"].push_back(row);
    }
    if (opts.format == "json") {
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("device: %s\n\nKVM capabilities:\n", path.c_str());
    for (const auto& c : kCaps)
        std::printf("  %-28s %d\n", c.name, kvm->check_extension(c.cap));
    std::printf("  KVM_CAP_XEN_HVM flags:       %s\n", flags.empty() ? "(none)" : "");
    for (const auto& f : flags)
        std::printf("    %s\n", f.c_str());
    std::printf("\nXen features (path taken by default; with --xen-kernel auto):\n");
    for (const auto& f : kFeatures) {
        bool kernel = f.kernel_flag >= 0 && (xen & (1 << f.kernel_flag));
        std::printf("  %-58s userspace; %s%s\n", f.feature, path_with_auto(f),
                    kernel && std::string(path_with_auto(f)) == "userspace" ? " (kernel offers it, not routed)" : "");
    }
    return 0;
}

}  // namespace xenvmm
