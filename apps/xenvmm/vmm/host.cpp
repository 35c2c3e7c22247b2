// Names of the run modes and outcomes, and what the host must offer for a
// mode: the checks behind every skip with exit code 77.
#include "vmm/machine.h"

namespace xenvmm {

const char* to_string(StopKind kind)
{
    switch (kind) {
    case StopKind::none:
        return "none";
    case StopKind::shutdown:
        return "shutdown";
    case StopKind::test_pass:
        return "pass";
    case StopKind::test_fail:
        return "fail";
    case StopKind::test_skip:
        return "skip";
    case StopKind::watchdog:
        return "watchdog";
    case StopKind::guest_error:
        return "guest-error";
    case StopKind::vmm_error:
        return "vmm-error";
    }
    return "?";
}

const char* to_string(IrqMode mode)
{
    switch (mode) {
    case IrqMode::callback:
        return "callback";
    case IrqMode::lapic_callback:
        return "lapic-callback";
    case IrqMode::lapic_percpu:
        return "lapic-percpu";
    }
    return "?";
}

std::optional<IrqMode> parse_irq_mode(const std::string& name)
{
    for (IrqMode m : kAllIrqModes)
        if (name == to_string(m))
            return m;
    return std::nullopt;
}

std::vector<IrqMode> irq_modes_named(const std::string& name)
{
    if (name == "all")
        return {std::begin(kAllIrqModes), std::end(kAllIrqModes)};
    return {parse_irq_mode(name).value_or(IrqMode::callback)};
}

Result<void> host_supports(IrqMode mode)
{
    std::string path = kvm_device_path();
    auto kvm = Kvm::open(path);
    if (!kvm)
        return kvm.error();
    struct Need {
        long cap;
        const char* name;
    };
    for (auto need : {Need{KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR"},
                      Need{KVM_CAP_X86_MSR_FILTER, "KVM_CAP_X86_MSR_FILTER"},
                      Need{KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS"},
                      Need{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"}}) {
        if (!kvm->check_extension(need.cap))
            return make_error(path + " lacks " + need.name);
    }
    int sync = kvm->check_extension(KVM_CAP_SYNC_REGS);
    if ((sync & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) != (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS))
        return make_error(path + ": KVM_CAP_SYNC_REGS lacks regs/sregs");
    if (has_lapic(mode)) {
        if (!kvm->check_extension(KVM_CAP_SPLIT_IRQCHIP))
            return make_error(path + " lacks KVM_CAP_SPLIT_IRQCHIP, needed by --irq " + to_string(mode));
        if (!kvm->check_extension(KVM_CAP_SIGNAL_MSI))
            return make_error(path + " lacks KVM_CAP_SIGNAL_MSI, needed by --irq " + to_string(mode));
    }
    return {};
}

}  // namespace xenvmm
