// VCPUOP_*: vcpu_info and area registration, the per-vCPU timers' entry
// points, and bringing vCPUs up and down.
#include "vmm/xen/domain.h"

namespace xenvmm::xen {

int64_t XenDomain::register_area(const HypercallRequest& req, uint32_t id, GuestArea XenVcpu::*field, uint32_t len)
{
    uint64_t addr = 0;
    if (int64_t rc = guest(req).from(req.args[2], &addr))
        return rc;
    std::lock_guard g(m_lock);
    auto& v = m_vcpus[id];
    if (addr == 0) {
        v.*field = {};
        return 0;
    }
    GuestArea area;
    if (!resolve_area(req, addr, len, &area))
        return -kEFAULT;
    v.*field = area;
    if (field == &XenVcpu::runstate_area)
        write_runstate_area(v);
    return 0;
}

int64_t XenDomain::do_vcpu_op(const HypercallRequest& req)
{
    uint64_t cmd = req.args[0];
    uint64_t target = req.args[1];
    if (target >= m_vcpus.size())
        return -kENOENT;
    auto id = static_cast<uint32_t>(target);
    switch (cmd) {
    case kVcpuopRegisterVcpuInfo: {
        RegisterVcpuInfo info{};
        if (int64_t rc = guest(req).from(req.args[2], &info))
            return rc;
        {
            std::lock_guard g(m_lock);
            auto& v = m_vcpus[id];
            // Natural alignment keeps the 64-bit atomics on pending_sel valid.
            if (info.offset > kPageSize - sizeof(VcpuInfo) || (info.offset & 7))
                return -kEINVAL;
            if (info.mfn > (UINT64_MAX >> 12) || !m_mem.is_ram_gfn(info.mfn) || m_mem.overlay_gfn() == info.mfn)
                return -kEINVAL;
            // Newer Xen refuses a second registration with -EBUSY.
            if (v.vcpu_info_gpa)
                return -kEBUSY;
            uint64_t gpa = info.mfn * kPageSize + info.offset;
            auto* dst = reinterpret_cast<VcpuInfo*>(m_mem.host_ptr(gpa, sizeof(VcpuInfo)));
            if (!dst)
                return -kEINVAL;
            VcpuInfo* old = current_vcpu_info(id);
            VcpuInfo copy = *old;
            *dst = copy;
            // As Xen's map_vcpu_info(): mark everything pending so nothing
            // raised during the switch is lost; the guest sees one spurious
            // upcall.
            __atomic_store_n(&dst->evtchn_pending_sel, ~0ull, __ATOMIC_SEQ_CST);
            __atomic_store_n(&dst->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
            v.vcpu_info_gpa = gpa;
            assert_upcall_locked(id);
        }
        update_time(id);
        return 0;
    }
    case kVcpuopRegisterRunstateMemoryArea:
        return register_area(req, id, &XenVcpu::runstate_area, sizeof(RunstateInfo));
    case kVcpuopSetSingleshotTimer: {
        // Only on the calling vCPU (Xen: -EINVAL for another one).
        if (id != req.vcpu)
            return -kEINVAL;
        VcpuSetSingleshotTimer st{};
        if (int64_t rc = guest(req).from(req.args[2], &st))
            return rc;
        std::lock_guard g(m_lock);
        if ((st.flags & kVcpuSsTmrFuture) && st.timeout_abs_ns < m_clock.now_ns())
            return -kETIME;
        return set_singleshot_locked(m_vcpus[id], st.timeout_abs_ns);
    }
    case kVcpuopStopSingleshotTimer: {
        if (id != req.vcpu)
            return -kEINVAL;
        std::lock_guard g(m_lock);
        m_vcpus[id].singleshot_deadline = 0;
        timers_changed();
        return 0;
    }
    case kVcpuopSetPeriodicTimer: {
        uint64_t period = 0;
        if (int64_t rc = guest(req).from(req.args[2], &period))
            return rc;
        // Xen: at least 1 ms, at most STIME_DELTA_MAX (2^62 - 1).
        if (period < 1000000ull || period > (~0ull >> 2))
            return -kEINVAL;
        std::lock_guard g(m_lock);
        m_vcpus[id].periodic_period = period;
        m_vcpus[id].periodic_next = m_clock.now_ns() + period;
        timers_changed();
        return 0;
    }
    case kVcpuopStopPeriodicTimer: {
        std::lock_guard g(m_lock);
        m_vcpus[id].periodic_period = 0;
        m_vcpus[id].periodic_next = 0;
        timers_changed();
        return 0;
    }
    case kVcpuopIsUp: {
        std::lock_guard g(m_lock);
        return m_vcpus[id].up ? 1 : 0;
    }
    case kVcpuopUp:
    case kVcpuopDown: {
        std::lock_guard g(m_lock);
        bool was = m_vcpus[id].up;
        m_vcpus[id].up = cmd == kVcpuopUp;
        // The vCPU loop parks a down vCPU (runstate offline) at its next
        // exit and lets it run again once it is up.
        if (was != m_vcpus[id].up)
            notify(id);
        return 0;
    }
    case kVcpuopRegisterVcpuTimeMemoryArea:
        if (int64_t rc = register_area(req, id, &XenVcpu::time_area, sizeof(VcpuTimeInfo)))
            return rc;
        update_time(id);
        return 0;
    default:
        return -kENOSYS;
    }
}

}  // namespace xenvmm::xen
