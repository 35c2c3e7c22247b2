// Direct entry into 64-bit long mode, modeled on the KVM selftests library
// (lib/x86/processor.c): identity page tables, a GDT with a 64-bit TSS, and
// CR0/CR4/EFER set for paging in long mode from the first instruction.
#pragma once

#include <cstdint>

#include "vmm/kvm.h"
#include "vmm/memory.h"
#include "vmm/errors.h"

namespace xenvmm::x86 {

// Page tables, GDT and TSS in guest RAM; once per VM.
void write_boot_tables(GuestMemory& mem);
Result<void> setup_long_mode(Vcpu& vcpu, uint64_t entry, uint64_t stack_top, uint64_t boot_info_gpa);

}  // namespace xenvmm::x86
