// Guest physical layout of the VM. What the guests see of it (RAM size,
// ports, boot_info) comes from abi/guest_abi.h, which they compile too.
// vmm/x86/ owns the x86 side of a guest: this layout, the boot state
// (boot.*: page tables, GDT, long mode), CPUID (cpuid.*) and the software
// page walk for GVAs (paging.*). May use: vmm/kvm.h, vmm/memory.h,
// vmm/errors.h, abi/.
#pragma once

#include <cstdint>

#include "abi/guest_abi.h"

namespace xenvmm::x86 {

inline constexpr uint64_t kRamSize = XENVMM_RAM_SIZE;
inline constexpr uint64_t kPml4Gpa = 0x1000;
inline constexpr uint64_t kPdptGpa = 0x2000;
inline constexpr uint64_t kPdGpa = 0x3000;
inline constexpr uint64_t kGdtGpa = 0x4000;
inline constexpr uint64_t kTssGpa = 0x5000;
inline constexpr uint64_t kBootInfoGpa = 0x6000;
inline constexpr uint64_t kImageGpa = 0x100000;
inline constexpr uint64_t kImageMax = 0xc0000;
inline constexpr uint64_t kStackTop = 0x200000;
inline constexpr uint64_t kStackSize = 0x10000;
// vCPUs 0-3 have their stacks right below kStackTop (down to the end of the
// image area); vCPUs 4-31 below kHighStackTop, clear of the scratch pages
// the tests use from 0x400000.
inline constexpr uint64_t kHighStackTop = 0xe00000;
inline constexpr uint32_t kMaxVcpus = 32;
inline constexpr uint64_t stack_top(uint32_t id)
{
    return id < 4 ? kStackTop - id * kStackSize : kHighStackTop - (id - 4) * kStackSize;
}
// Identity map of the first GiB with 2 MiB pages; GVAs from 1 GiB up are
// unmapped, which the negative tests use for -EFAULT.
inline constexpr uint64_t kIdentityMapSize = XENVMM_IDENTITY_MAP_SIZE;

inline constexpr uint16_t kSelKernelCode = 0x08;
inline constexpr uint16_t kSelKernelData = 0x10;
inline constexpr uint16_t kSelUserData = 0x18;
inline constexpr uint16_t kSelUserCode = 0x20;
inline constexpr uint16_t kSelTss = 0x28;

// Ports: the harness test port (never part of the ABI under test) and the
// bare-exit port the benchmark uses as its floor (xen::kHypercallPort is
// the Xen hypercall stubs').
inline constexpr uint16_t kTestPort = XENVMM_TEST_PORT;
inline constexpr uint16_t kBenchPort = XENVMM_BENCH_PORT;

inline constexpr uint64_t kBootMagic = XENVMM_BOOT_MAGIC;
using BootInfo = ::boot_info;

}  // namespace xenvmm::x86
