#include "vmm/x86/boot.h"

#include <cstring>

#include "vmm/x86/layout.h"

namespace xenvmm::x86 {

namespace {

constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteWritable = 1ull << 1;
// User bit on every level: the hcall_abi test calls the hypercall page from
// CPL 3. SMEP/SMAP stay off, so CPL 0 is unaffected.
constexpr uint64_t kPteUser = 1ull << 2;
constexpr uint64_t kPteLarge = 1ull << 7;

constexpr uint64_t kCr0Pe = 1ull << 0;
constexpr uint64_t kCr0Mp = 1ull << 1;
constexpr uint64_t kCr0Et = 1ull << 4;
constexpr uint64_t kCr0Ne = 1ull << 5;
constexpr uint64_t kCr0Wp = 1ull << 16;
constexpr uint64_t kCr0Pg = 1ull << 31;
constexpr uint64_t kCr4Pae = 1ull << 5;
constexpr uint64_t kCr4Osfxsr = 1ull << 9;
constexpr uint64_t kCr4Osxmmexcpt = 1ull << 10;
constexpr uint64_t kEferLme = 1ull << 8;
constexpr uint64_t kEferLma = 1ull << 10;

uint64_t* table(GuestMemory& mem, uint64_t gpa) { return reinterpret_cast<uint64_t*>(mem.ram() + gpa); }

// A flat 4 GiB segment: 64-bit code (execute/read, accessed) or data
// (read/write, accessed).
kvm_segment flat_segment(uint16_t selector, uint8_t dpl, bool code)
{
    kvm_segment s{};
    s.base = 0;
    s.limit = 0xffffffff;
    s.selector = selector;
    s.type = code ? 0xb : 0x3;
    s.present = 1;
    s.dpl = dpl;
    s.l = code ? 1 : 0;
    s.db = code ? 0 : 1;
    s.s = 1;
    s.g = 1;
    return s;
}


}  // namespace

void write_boot_tables(GuestMemory& mem)
{
    uint64_t flags = kPtePresent | kPteWritable | kPteUser;
    table(mem, kPml4Gpa)[0] = kPdptGpa | flags;
    table(mem, kPdptGpa)[0] = kPdGpa | flags;
    for (uint64_t i = 0; i < 512; ++i)
        table(mem, kPdGpa)[i] = (i << 21) | flags | kPteLarge;

    uint64_t* gdt = table(mem, kGdtGpa);
    gdt[0] = 0;
    gdt[kSelKernelCode / 8] = 0x00af9b000000ffffull;  // 64-bit code, DPL 0
    gdt[kSelKernelData / 8] = 0x00cf93000000ffffull;  // data, DPL 0
    gdt[kSelUserData / 8] = 0x00cff3000000ffffull;    // data, DPL 3
    gdt[kSelUserCode / 8] = 0x00affb000000ffffull;    // 64-bit code, DPL 3
    // 16-byte 64-bit TSS descriptor, type 0xb (busy) as loaded in TR.
    uint64_t base = kTssGpa;
    uint64_t limit = 0x67;
    gdt[kSelTss / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0xbull << 40) | (1ull << 47) |
                       (((base >> 24) & 0xff) << 56);
    gdt[kSelTss / 8 + 1] = base >> 32;
    std::memset(mem.ram() + kTssGpa, 0, 0x68);
    // No I/O permission bitmap: offset past the limit.
    uint16_t iomap = 0x68;
    std::memcpy(mem.ram() + kTssGpa + 0x66, &iomap, 2);
}

Result<void> setup_long_mode(Vcpu& vcpu, uint64_t entry, uint64_t stack_top, uint64_t boot_info_gpa)
{
    kvm_sregs sregs = TRY(vcpu.get_sregs());
    sregs.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
    sregs.cr4 = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt;
    sregs.efer = kEferLme | kEferLma;
    sregs.cr3 = kPml4Gpa;
    sregs.cs = flat_segment(kSelKernelCode, 0, true);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(kSelKernelData, 0, false);
    sregs.gs.base = boot_info_gpa;  // Per-vCPU data for the guest runtime.
    sregs.tr = {};
    sregs.tr.base = kTssGpa;
    sregs.tr.limit = 0x67;
    sregs.tr.selector = kSelTss;
    sregs.tr.type = 0xb;
    sregs.tr.present = 1;
    sregs.ldt = {};
    sregs.ldt.unusable = 1;
    sregs.gdt.base = kGdtGpa;
    sregs.gdt.limit = 0x2f + 8;
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    TRY_VOID(vcpu.set_sregs(sregs));

    kvm_regs regs{};
    regs.rflags = 0x2;
    regs.rip = entry;
    regs.rsp = stack_top - 8;  // SysV: rsp + 8 aligned at function entry.
    regs.rdi = boot_info_gpa;
    TRY_VOID(vcpu.set_regs(regs));
    return {};
}

}  // namespace xenvmm::x86
