#include "vmm/xen/time.h"

namespace xenvmm::xen {

PvclockScale pvclock_scale_for(uint64_t tsc_hz)
{
    constexpr uint64_t kNsPerSec = 1000000000ull;
    uint64_t scaled = kNsPerSec;
    uint64_t tps64 = tsc_hz ? tsc_hz : 1;
    int shift = 0;
    while (tps64 > scaled * 2 || (tps64 & 0xffffffff00000000ull)) {
        tps64 >>= 1;
        --shift;
    }
    uint32_t tps32 = static_cast<uint32_t>(tps64);
    while (tps32 <= scaled || (scaled & 0xffffffff00000000ull)) {
        if ((scaled & 0xffffffff00000000ull) || (tps32 & 0x80000000u))
            scaled >>= 1;
        else
            tps32 <<= 1;
        ++shift;
    }
    PvclockScale s;
    s.shift = static_cast<int8_t>(shift);
    s.mul = static_cast<uint32_t>((scaled << 32) / tps32);
    return s;
}

uint64_t pvclock_scale_delta(uint64_t delta, PvclockScale scale)
{
    if (scale.shift < 0)
        delta >>= -scale.shift;
    else
        delta <<= scale.shift;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * scale.mul) >> 32);
}

XenClock::XenClock(const GuestTscSource* source, uint64_t tsc_khz, uint64_t anchor_tsc, uint64_t anchor_system_ns,
                   uint64_t wallclock_epoch_ns)
    : m_source(source),
      m_tsc_khz(tsc_khz ? tsc_khz : 1000000),
      m_anchor_tsc(anchor_tsc),
      m_anchor_system_ns(anchor_system_ns),
      m_wallclock_epoch_ns(wallclock_epoch_ns),
      m_scale(pvclock_scale_for(m_tsc_khz * 1000))
{
}

uint64_t XenClock::now_tsc() const { return m_source ? m_source->guest_tsc() : m_anchor_tsc; }

uint64_t XenClock::system_time_at(uint64_t tsc) const
{
    // A TSC sample taken before the anchor clamps to the anchor: time never
    // runs backwards.
    uint64_t delta = tsc > m_anchor_tsc ? tsc - m_anchor_tsc : 0;
    return m_anchor_system_ns + pvclock_scale_delta(delta, m_scale);
}

VcpuTimeInfo XenClock::time_info_now() const
{
    VcpuTimeInfo t{};
    uint64_t tsc = now_tsc();
    if (tsc < m_anchor_tsc)
        tsc = m_anchor_tsc;
    t.tsc_timestamp = tsc;
    t.system_time = system_time_at(tsc);
    t.tsc_to_system_mul = m_scale.mul;
    t.tsc_shift = m_scale.shift;
    // No TSC_STABLE claim: nested hosts give no such guarantee (pitfall P16).
    t.flags = 0;
    return t;
}

}  // namespace xenvmm::xen
