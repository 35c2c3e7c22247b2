#include "vmm/memory.h"

#include <sys/mman.h>

namespace xenvmm {

namespace {
constexpr uint64_t kPage = 4096;
constexpr uint32_t kSlotRamLow = 0;
constexpr uint32_t kSlotRamHigh = 1;
constexpr uint32_t kSlotOverlay = 2;
}  // namespace

Result<std::unique_ptr<GuestMemory>> GuestMemory::create(uint64_t ram_size)
{
    if (ram_size == 0 || ram_size % kPage)
        return make_error("guest RAM size must be a non-zero multiple of 4 KiB");
    std::unique_ptr<GuestMemory> mem(new GuestMemory());
    void* ram = ::mmap(nullptr, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        return errno_error("mmap guest RAM");
    mem->m_ram = UniqueMapping(ram, ram_size);
    void* overlay = ::mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (overlay == MAP_FAILED)
        return errno_error("mmap shared_info overlay");
    mem->m_overlay = UniqueMapping(overlay, kPage);
    mem->m_ram_size = ram_size;
    return mem;
}

std::optional<uint64_t> GuestMemory::overlay_gfn() const
{
    uint64_t gfn = m_overlay_gfn.load(std::memory_order_acquire);
    if (gfn == kNoOverlay)
        return std::nullopt;
    return gfn;
}

bool GuestMemory::is_ram_gfn(uint64_t gfn) const
{
    return gfn < m_ram_size / kPage;
}

uint8_t* GuestMemory::host_ptr(uint64_t gpa, uint64_t len) const
{
    if (len == 0)
        len = 1;
    uint64_t last = gpa + len - 1;
    if (last < gpa)
        return nullptr;
    if (auto gfn = overlay_gfn()) {
        uint64_t base = *gfn * kPage;
        bool starts_in = gpa >= base && gpa < base + kPage;
        bool ends_in = last >= base && last < base + kPage;
        if (starts_in && ends_in)
            return overlay() + (gpa - base);
        // A range that touches the overlay only partly has no single backing.
        if (starts_in || ends_in || (gpa < base && last >= base + kPage))
            return nullptr;
    }
    if (last >= m_ram_size)
        return nullptr;
    return ram() + gpa;
}

std::vector<MemSlot> GuestMemory::layout_for(std::optional<uint64_t> gfn) const
{
    std::vector<MemSlot> slots;
    if (!gfn) {
        slots.push_back({kSlotRamLow, 0, m_ram_size, ram()});
        return slots;
    }
    uint64_t base = *gfn * kPage;
    if (base < m_ram_size) {
        if (base > 0)
            slots.push_back({kSlotRamLow, 0, base, ram()});
        if (base + kPage < m_ram_size)
            slots.push_back({kSlotRamHigh, base + kPage, m_ram_size - base - kPage, ram() + base + kPage});
    } else {
        slots.push_back({kSlotRamLow, 0, m_ram_size, ram()});
    }
    slots.push_back({kSlotOverlay, base, kPage, overlay()});
    return slots;
}

std::vector<MemSlot> GuestMemory::layout() const { return layout_for(overlay_gfn()); }

Result<void> GuestMemory::place_overlay(std::optional<uint64_t> gfn)
{
    if (gfn && *gfn >= kNoOverlay / kPage)
        return make_error("shared_info GFN out of range");
    auto old_layout = layout_for(overlay_gfn());
    auto new_layout = layout_for(gfn);
    if (m_applier)
        TRY_VOID(m_applier(old_layout, new_layout));
    m_overlay_gfn.store(gfn ? *gfn : kNoOverlay, std::memory_order_release);
    return {};
}

}  // namespace xenvmm
