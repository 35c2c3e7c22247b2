// SCHEDOP_*: yield, block, poll and shutdown. The dispatcher never waits:
// block and poll leave a WaitKind for the vCPU loop, which parks the vCPU
// until wait_done() holds.
#include "vmm/xen/domain.h"

#include <sched.h>

namespace xenvmm::xen {

int64_t XenDomain::do_sched_op(const HypercallRequest& req)
{
    switch (req.args[0]) {
    case kSchedopYield:
        set_runstate(req.vcpu, kRunstateRunnable);
        sched_yield();
        set_runstate(req.vcpu, kRunstateRunning);
        return 0;
    case kSchedopBlock: {
        // Return at once when an upcall is already pending; otherwise the
        // vCPU loop parks the vCPU until one is.
        std::lock_guard g(m_lock);
        auto& v = m_vcpus.at(req.vcpu);
        VcpuInfo* vi = current_vcpu_info(req.vcpu);
        if (vi) {
            __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
                return 0;
        }
        v.wait = static_cast<uint32_t>(WaitKind::block);
        return 0;
    }
    case kSchedopPoll:
        return do_sched_poll(req);
    case kSchedopShutdown: {
        uint32_t reason = 0;
        if (int64_t rc = guest(req).from(req.args[1], &reason))
            return rc;
        if (reason > kShutdownSoftReset)
            return -kEINVAL;
        if (reason == kShutdownSoftReset) {
            {
                std::lock_guard g(m_lock);
                soft_reset();
            }
            for (uint32_t i = 0; i < m_vcpus.size(); ++i)
                update_time(i);
            return 0;
        }
        m_shutdown.store(reason + 1, std::memory_order_release);
        return 0;
    }
    default:
        return -kENOSYS;
    }
}

int64_t XenDomain::do_sched_poll(const HypercallRequest& req)
{
    SchedPoll sp{};
    if (int64_t rc = guest(req).from(req.args[1], &sp))
        return rc;
    if (sp.nr_ports > kSchedPollMaxPorts)
        return -kEINVAL;
    std::vector<uint32_t> ports(sp.nr_ports);
    if (int64_t rc = sp.nr_ports ? guest(req).from(sp.ports, ports.data(), ports.size() * sizeof(uint32_t)) : 0)
        return rc;
    std::lock_guard g(m_lock);
    SharedInfo* s = shinfo();
    bool ready = false;
    for (uint32_t p : ports) {
        if (p >= kEvtchn2lNrChannels)
            return -kEINVAL;
        if (__atomic_load_n(&s->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) & (1ull << (p % 64)))
            ready = true;  // Pending counts whether masked or not.
    }
    // Timeout: absolute Xen system time, as Xen's do_poll() (KVM's in-kernel
    // poll treats it as relative); 0 = none; in the past = return at once.
    if (ready || (sp.timeout && sp.timeout <= m_clock.now_ns()))
        return 0;
    auto& v = m_vcpus.at(req.vcpu);
    v.poll_ports = std::move(ports);
    v.poll_deadline = sp.timeout;
    v.poll_kicks = v.upcall_raises;
    v.wait = static_cast<uint32_t>(WaitKind::poll);
    return 0;
}

WaitKind XenDomain::take_wait(uint32_t vcpu)
{
    std::lock_guard g(m_lock);
    if (vcpu >= m_vcpus.size())
        return WaitKind::none;
    auto k = static_cast<WaitKind>(m_vcpus[vcpu].wait);
    m_vcpus[vcpu].wait = 0;
    return k;
}

bool XenDomain::wait_done(uint32_t vcpu, WaitKind kind)
{
    std::lock_guard g(m_lock);
    if (vcpu >= m_vcpus.size())
        return true;
    auto& v = m_vcpus[vcpu];
    VcpuInfo* vi = current_vcpu_info(vcpu);
    bool upcall = vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
    switch (kind) {
    case WaitKind::block:
        return upcall || !v.up;
    case WaitKind::poll: {
        if (v.upcall_raises != v.poll_kicks || !v.up)
            return true;
        if (v.poll_deadline && m_clock.now_ns() >= v.poll_deadline)
            return true;
        SharedInfo* s = shinfo();
        for (uint32_t p : v.poll_ports)
            if (__atomic_load_n(&s->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) & (1ull << (p % 64)))
                return true;
        return false;
    }
    default:
        return true;
    }
}

uint64_t XenDomain::poll_deadline(uint32_t vcpu) const
{
    std::lock_guard g(m_lock);
    return vcpu < m_vcpus.size() ? m_vcpus[vcpu].poll_deadline : 0;
}

bool XenDomain::vcpu_up(uint32_t vcpu) const
{
    std::lock_guard g(m_lock);
    return vcpu < m_vcpus.size() && m_vcpus[vcpu].up;
}

}  // namespace xenvmm::xen
