#include "vmm/xen/guest_copy.h"

#include "vmm/xen/abi.h"

namespace xenvmm::xen {

int64_t GuestCopy::from(uint64_t gva, void* dst, size_t len) const
{
    return x86::copy_from_guest(m_mem, m_paging, gva, dst, len) ? 0 : -kEFAULT;
}

int64_t GuestCopy::to(uint64_t gva, const void* src, size_t len) const
{
    return x86::copy_to_guest(m_mem, m_paging, gva, src, len) ? 0 : -kEFAULT;
}

}  // namespace xenvmm::xen
