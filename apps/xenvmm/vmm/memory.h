// Guest physical memory: one RAM mapping plus the shared_info overlay page.
//
// The overlay page is allocated once and keeps its host address for the VM's
// life, however often the guest moves it (the design seed 000 moved KVM to):
// everything that writes shared_info addresses it by that fixed pointer, and
// only the memslot layout changes on a remap.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "vmm/errors.h"
#include "vmm/unique_fd.h"

namespace xenvmm {

struct MemSlot {
    uint32_t id;
    uint64_t gpa;
    uint64_t size;
    void* hva;
};

class GuestMemory {
public:
    using SlotApplier = std::function<Result<void>(const std::vector<MemSlot>& old_layout,
                                                   const std::vector<MemSlot>& new_layout)>;

    static Result<std::unique_ptr<GuestMemory>> create(uint64_t ram_size);

    uint64_t ram_size() const { return m_ram_size; }
    uint8_t* ram() const { return static_cast<uint8_t*>(m_ram.get()); }
    uint8_t* overlay() const { return static_cast<uint8_t*>(m_overlay.get()); }
    std::optional<uint64_t> overlay_gfn() const;

    // Host pointer for [gpa, gpa + len) when the whole range sits in one
    // backing (RAM not hidden by the overlay, or the overlay page); nullptr
    // otherwise. Every guest-controlled address goes through here.
    uint8_t* host_ptr(uint64_t gpa, uint64_t len) const;
    bool is_ram_gfn(uint64_t gfn) const;

    // Move the overlay to gfn (or remove it) and re-apply the memslots.
    Result<void> place_overlay(std::optional<uint64_t> gfn);
    void set_slot_applier(SlotApplier applier) { m_applier = std::move(applier); }
    std::vector<MemSlot> layout() const;

private:
    GuestMemory() = default;
    std::vector<MemSlot> layout_for(std::optional<uint64_t> gfn) const;

    UniqueMapping m_ram;
    UniqueMapping m_overlay;
    uint64_t m_ram_size = 0;
    // Read by every vCPU thread on each guest access; kNoOverlay when unmapped.
    static constexpr uint64_t kNoOverlay = ~0ull;
    std::atomic<uint64_t> m_overlay_gfn{kNoOverlay};
    SlotApplier m_applier;
};

}  // namespace xenvmm
