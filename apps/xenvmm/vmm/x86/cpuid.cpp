#include "vmm/x86/cpuid.h"

#include "vmm/xen/abi.h"

namespace xenvmm::x86 {

namespace {
kvm_cpuid_entry2 leaf(uint32_t function, uint32_t index, uint32_t flags, uint32_t a, uint32_t b, uint32_t c,
                      uint32_t d)
{
    kvm_cpuid_entry2 e{};
    e.function = function;
    e.index = index;
    e.flags = flags;
    e.eax = a;
    e.ebx = b;
    e.ecx = c;
    e.edx = d;
    return e;
}
}  // namespace

std::vector<kvm_cpuid_entry2> guest_cpuid(const std::vector<kvm_cpuid_entry2>& supported, uint32_t vcpu_id,
                                          uint64_t tsc_khz, xen::PvclockScale scale, bool percpu_upcall_vector)
{
    using namespace xen;
    std::vector<kvm_cpuid_entry2> out;
    for (const auto& e : supported) {
        if (e.function >= 0x40000000 && e.function <= 0x400000ff)
            continue;
        auto copy = e;
        if (copy.function == 1)
            copy.ebx = (copy.ebx & 0x00ffffff) | (vcpu_id << 24);  // Initial APIC id.
        out.push_back(copy);
    }
    const uint32_t b = kCpuidBase;
    out.push_back(leaf(b + 0, 0, 0, b + 4, kCpuidSigEbx, kCpuidSigEcx, kCpuidSigEdx));
    out.push_back(leaf(b + 1, 0, 0, kXenVersion, 0, 0, 0));
    out.push_back(leaf(b + 2, 0, 0, 1, kHypercallMsr, 0, 0));
    // Time leaf: no emulated TSC, native tsc_mode, guest kHz; sub-leaf 1 the
    // scale the VMM uses for vcpu_time_info; sub-leaf 2 host kHz.
    constexpr uint32_t kIdx = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
    auto khz = static_cast<uint32_t>(tsc_khz);
    out.push_back(leaf(b + 3, 0, kIdx, 0, 0, khz, 0));
    out.push_back(leaf(b + 3, 1, kIdx, 0, 0, scale.mul, static_cast<uint32_t>(static_cast<int32_t>(scale.shift))));
    out.push_back(leaf(b + 3, 2, kIdx, khz, 0, 0, 0));
    // UPCALL_VECTOR only where HVMOP_set_evtchn_upcall_vector can deliver
    // (an in-kernel LAPIC), as QEMU ties it to its split irqchip.
    uint32_t hvm_flags = kHvmCpuidVcpuIdPresent | (percpu_upcall_vector ? kHvmCpuidUpcallVector : 0);
    out.push_back(leaf(b + 4, 0, kIdx, hvm_flags, vcpu_id, 0, 0));
    return out;
}

}  // namespace xenvmm::x86
