// Guest physical layout shared by the VMM and the bundled guests
// (guests/runtime/guest.h mirrors these numbers).
#pragma once

#include <cstdint>

namespace xenvmm::x86 {

inline constexpr uint64_t kRamSize = 16ull << 20;
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
inline constexpr uint64_t kIdentityMapSize = 1ull << 30;

inline constexpr uint16_t kSelKernelCode = 0x08;
inline constexpr uint16_t kSelKernelData = 0x10;
inline constexpr uint16_t kSelUserData = 0x18;
inline constexpr uint16_t kSelUserCode = 0x20;
inline constexpr uint16_t kSelTss = 0x28;

// Ports: the Xen hypercall stubs, the harness test port (never part of the
// ABI under test) and the bare-exit port the benchmark uses as its floor.
inline constexpr uint16_t kTestPort = 0xe6;
inline constexpr uint16_t kBenchPort = 0xe7;

inline constexpr uint64_t kBootMagic = 0x31564d4d4e4558ull;  // "XENMMV1"

struct BootInfo {
    uint64_t magic;
    uint32_t vcpu_id;
    uint32_t nr_vcpus;
    uint64_t arg;
    uint64_t tss_gva;
    uint64_t ram_size;
    // Its own address: GS.base of each vCPU points at its boot_info, so a
    // guest finds per-vCPU data with one %gs-relative load.
    uint64_t self;
    // IrqMode (vmm/machine.h; guest.h mirrors it): how the guest runtime
    // sets up upcalls.
    uint32_t irq_mode;
    uint32_t pad;
};

}  // namespace xenvmm::x86
