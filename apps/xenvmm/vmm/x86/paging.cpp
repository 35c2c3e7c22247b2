#include "vmm/x86/paging.h"

#include <algorithm>
#include <cstring>

namespace xenvmm::x86 {

namespace {
constexpr uint64_t kCr0Pg = 1ull << 31;
constexpr uint64_t kEferLma = 1ull << 10;
constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteLarge = 1ull << 7;
constexpr uint64_t kAddrMask = 0x000ffffffffff000ull;
constexpr uint64_t kPage = 4096;

bool read_pte(const GuestMemory& mem, uint64_t gpa, uint64_t* out)
{
    const uint8_t* p = mem.host_ptr(gpa, 8);
    if (!p)
        return false;
    // The guest may rewrite its tables concurrently; one relaxed load per entry.
    *out = __atomic_load_n(reinterpret_cast<const uint64_t*>(p), __ATOMIC_RELAXED);
    return true;
}
}  // namespace

std::optional<uint64_t> translate(const GuestMemory& mem, const PagingState& ps, uint64_t gva)
{
    if (!(ps.cr0 & kCr0Pg))
        return gva & 0xffffffffull;
    if (!(ps.efer & kEferLma))
        return std::nullopt;  // 32-bit paging is not used by the bundled guests.
    // Canonical check for 48-bit addresses.
    int64_t sgva = static_cast<int64_t>(gva << 16) >> 16;
    if (static_cast<uint64_t>(sgva) != gva)
        return std::nullopt;
    uint64_t table = ps.cr3 & kAddrMask;
    for (int level = 3; level >= 0; --level) {
        uint64_t index = (gva >> (12 + 9 * level)) & 0x1ff;
        uint64_t pte;
        if (!read_pte(mem, table + index * 8, &pte) || !(pte & kPtePresent))
            return std::nullopt;
        if ((level == 2 || level == 1) && (pte & kPteLarge)) {
            uint64_t page_size = 1ull << (12 + 9 * level);
            uint64_t base = pte & kAddrMask & ~(page_size - 1);
            return base + (gva & (page_size - 1));
        }
        table = pte & kAddrMask;
    }
    return table + (gva & (kPage - 1));
}

bool copy_from_guest(const GuestMemory& mem, const PagingState& ps, uint64_t gva, void* dst, size_t len)
{
    auto* out = static_cast<uint8_t*>(dst);
    while (len) {
        size_t chunk = std::min<size_t>(len, kPage - (gva & (kPage - 1)));
        auto gpa = translate(mem, ps, gva);
        if (!gpa)
            return false;
        const uint8_t* src = mem.host_ptr(*gpa, chunk);
        if (!src)
            return false;
        std::memcpy(out, src, chunk);
        out += chunk;
        gva += chunk;
        len -= chunk;
    }
    return true;
}

bool copy_to_guest(const GuestMemory& mem, const PagingState& ps, uint64_t gva, const void* src, size_t len)
{
    auto* in = static_cast<const uint8_t*>(src);
    while (len) {
        size_t chunk = std::min<size_t>(len, kPage - (gva & (kPage - 1)));
        auto gpa = translate(mem, ps, gva);
        if (!gpa)
            return false;
        uint8_t* dst = mem.host_ptr(*gpa, chunk);
        if (!dst)
            return false;
        std::memcpy(dst, in, chunk);
        in += chunk;
        gva += chunk;
        len -= chunk;
    }
    return true;
}

}  // namespace xenvmm::x86
