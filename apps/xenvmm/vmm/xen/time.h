// Xen system time for the userspace path. System time is defined as a pure
// function of the guest TSC (one anchor taken at VM creation, the pvclock
// mul/shift from the guest TSC frequency), so every vcpu_time_info the VMM
// writes lies on one line and a guest can never see time go backwards
// across updates.
#pragma once

#include <cstdint>

#include "vmm/xen/abi.h"

namespace xenvmm::xen {

struct PvclockScale {
    uint32_t mul = 0;
    int8_t shift = 0;
};

// Same algorithm as the pvclock scale of Linux: ns = ((delta << shift) * mul) >> 32.
PvclockScale pvclock_scale_for(uint64_t tsc_hz);
uint64_t pvclock_scale_delta(uint64_t delta, PvclockScale scale);

// Source of "now" in guest TSC units; the KVM implementation reads the host
// TSC plus the guest offset, the fuzz harness a fake.
class GuestTscSource {
public:
    virtual ~GuestTscSource() = default;
    virtual uint64_t guest_tsc() const = 0;
};

class XenClock {
public:
    XenClock() = default;
    XenClock(const GuestTscSource* source, uint64_t tsc_khz, uint64_t anchor_tsc, uint64_t anchor_system_ns,
             uint64_t wallclock_epoch_ns);

    uint64_t now_tsc() const;
    uint64_t system_time_at(uint64_t tsc) const;
    uint64_t now_ns() const { return system_time_at(now_tsc()); }
    uint64_t tsc_khz() const { return m_tsc_khz; }
    PvclockScale scale() const { return m_scale; }
    // Unix time, in ns, of system time 0.
    uint64_t wallclock_epoch_ns() const { return m_wallclock_epoch_ns; }

    VcpuTimeInfo time_info_now() const;

private:
    const GuestTscSource* m_source = nullptr;
    uint64_t m_tsc_khz = 1000000;
    uint64_t m_anchor_tsc = 0;
    uint64_t m_anchor_system_ns = 0;
    uint64_t m_wallclock_epoch_ns = 0;
    PvclockScale m_scale;
};

}  // namespace xenvmm::xen
