// Guest CPUID: the host-supported leaves without KVM's own PV signature
// (pitfall P2) plus the Xen leaves at 0x40000000.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <vector>

#include "vmm/xen/time.h"

namespace xenvmm::x86 {

std::vector<kvm_cpuid_entry2> guest_cpuid(const std::vector<kvm_cpuid_entry2>& supported, uint32_t vcpu_id,
                                          uint64_t tsc_khz, xen::PvclockScale scale,
                                          bool percpu_upcall_vector);

}  // namespace xenvmm::x86
