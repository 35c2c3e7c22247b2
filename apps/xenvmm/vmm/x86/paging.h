// Guest-virtual to guest-physical translation by walking the guest's own
// page tables in host memory: hypercall pointers are GVAs, and a software
// walk costs no ioctl (KVM_TRANSLATE would add one per page per hypercall).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "vmm/memory.h"

namespace xenvmm::x86 {

struct PagingState {
    uint64_t cr0 = 0;
    uint64_t cr3 = 0;
    uint64_t cr4 = 0;
    uint64_t efer = 0;
};

// nullopt when the GVA is not canonical, not present, or a table is outside
// guest memory.
std::optional<uint64_t> translate(const GuestMemory& mem, const PagingState& ps, uint64_t gva);

// Page-by-page copies; false on the first untranslatable or unbacked byte.
bool copy_from_guest(const GuestMemory& mem, const PagingState& ps, uint64_t gva, void* dst, size_t len);
bool copy_to_guest(const GuestMemory& mem, const PagingState& ps, uint64_t gva, const void* src, size_t len);

}  // namespace xenvmm::x86
