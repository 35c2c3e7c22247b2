// Xen timers in Xen system time: the single-shot timer (set_timer_op and
// VCPUOP_set_singleshot_timer) and the periodic timer, both raising
// VIRQ_TIMER; the VMM's timer thread calls run_timers() at each deadline.
#include "vmm/xen/domain.h"

namespace xenvmm::xen {

uint64_t XenDomain::timer_fires(uint32_t vcpu) const
{
    std::lock_guard g(m_lock);
    return vcpu < m_vcpus.size() ? m_vcpus[vcpu].timer_fires : 0;
}

uint64_t XenDomain::next_timer_deadline() const
{
    std::lock_guard g(m_lock);
    uint64_t best = 0;
    for (const auto& v : m_vcpus) {
        for (uint64_t d : {v.singleshot_deadline, v.periodic_period ? v.periodic_next : 0})
            if (d && (!best || d < best))
                best = d;
    }
    return best;
}

void XenDomain::fire_singleshot_locked(XenVcpu& v)
{
    v.singleshot_deadline = 0;
    ++v.timer_fires;
    raise_virq_locked(v.id, kVirqTimer);
}

void XenDomain::run_timers(uint64_t now)
{
    std::lock_guard g(m_lock);
    for (auto& v : m_vcpus) {
        if (v.singleshot_deadline && v.singleshot_deadline <= now)
            fire_singleshot_locked(v);
        if (v.periodic_period && v.periodic_next <= now) {
            ++v.timer_fires;
            raise_virq_locked(v.id, kVirqTimer);
            // No burst of catch-up events after a stall, as in Xen.
            v.periodic_next += v.periodic_period;
            if (v.periodic_next <= now)
                v.periodic_next = now + v.periodic_period;
        }
    }
}

int64_t XenDomain::set_singleshot_locked(XenVcpu& v, uint64_t deadline)
{
    // A deadline in the past fires at once, before the hypercall returns.
    if (deadline <= m_clock.now_ns()) {
        fire_singleshot_locked(v);
    } else {
        v.singleshot_deadline = deadline;
    }
    timers_changed();
    return 0;
}

int64_t XenDomain::do_set_timer_op(const HypercallRequest& req)
{
    auto timeout = static_cast<int64_t>(req.args[0]);
    std::lock_guard g(m_lock);
    auto& v = m_vcpus.at(req.vcpu);
    if (timeout == 0) {
        v.singleshot_deadline = 0;
        timers_changed();
        return 0;
    }
    uint64_t now = m_clock.now_ns();
    // Xen's "Linux workaround": a negative deadline or one 2^50 ns (about
    // 13 days) or more ahead becomes now + 100 ms.
    if (timeout < 0 || static_cast<uint64_t>(timeout) >= now + (1ull << 50))
        return set_singleshot_locked(v, now + 100000000ull);
    return set_singleshot_locked(v, static_cast<uint64_t>(timeout));
}

}  // namespace xenvmm::xen
