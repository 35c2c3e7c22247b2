// The one way a hypercall handler reads or writes a guest argument: by GVA,
// through the calling vCPU's page tables, all or nothing. A copy that meets
// an untranslatable or unbacked byte fails as Xen's copy_{from,to}_guest()
// does, and the handler returns its -EFAULT unchanged:
//
//     if (int64_t rc = guest(req).from(req.args[1], &arg))
//         return rc;
#pragma once

#include <cstddef>
#include <cstdint>

#include "vmm/memory.h"
#include "vmm/x86/paging.h"

namespace xenvmm::xen {

class GuestCopy {
public:
    GuestCopy(const GuestMemory& mem, const x86::PagingState& paging) : m_mem(mem), m_paging(paging) {}

    // 0, or -EFAULT (negated Xen errno, ready for rax).
    int64_t from(uint64_t gva, void* dst, size_t len) const;
    int64_t to(uint64_t gva, const void* src, size_t len) const;

    // One whole argument structure.
    template <typename T>
    int64_t from(uint64_t gva, T* obj) const
    {
        return from(gva, static_cast<void*>(obj), sizeof(T));
    }
    template <typename T>
    int64_t to(uint64_t gva, const T* obj) const
    {
        return to(gva, static_cast<const void*>(obj), sizeof(T));
    }

private:
    const GuestMemory& m_mem;
    const x86::PagingState& m_paging;
};

}  // namespace xenvmm::xen
