// Event channels: the 2-level ABI on the shared_info page (which exists,
// mapped or not, for the VM's life), with the guest's own atomics racing
// the VMM's: every read-modify-write of pending, mask and pending_sel is an
// __atomic RMW. Delivery ends in assert_upcall_locked(): the per-vCPU
// vector, or a kick for the vCPU loop to inject the global one.
#include "vmm/xen/domain.h"

#include <cstring>

namespace xenvmm::xen {

int64_t XenDomain::alloc_port()
{
    // Lowest free port first (port 0 is never valid), as QEMU and Xen do.
    for (uint32_t p = 1; p < m_ports.size(); ++p)
        if (m_ports[p].status == kEvtchnstatClosed)
            return p;
    return -kENOSPC;
}

template <typename Arg>
int64_t XenDomain::bind_new_port_locked(const HypercallRequest& req, uint64_t gva, Arg& arg, uint32_t Arg::*field,
                                        EvtchnPort entry)
{
    int64_t port = alloc_port();
    if (port < 0)
        return port;
    arg.*field = static_cast<uint32_t>(port);
    if (int64_t rc = guest(req).to(gva, &arg))
        return rc;
    m_ports[port] = entry;
    return port;
}

void XenDomain::mark_upcall_locked(uint32_t vcpu, uint32_t word)
{
    VcpuInfo* vi = current_vcpu_info(vcpu);
    if (!vi)
        return;
    uint64_t bit = 1ull << word;
    if (__atomic_fetch_or(&vi->evtchn_pending_sel, bit, __ATOMIC_SEQ_CST) & bit)
        return;
    if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    if (vcpu < m_vcpus.size())
        ++m_vcpus[vcpu].upcall_raises;
    assert_upcall_locked(vcpu);
}

void XenDomain::assert_upcall_locked(uint32_t vcpu)
{
    // Xen's hvm_assert_evtchn_irq(): the per-vCPU vector is an edge on the
    // LAPIC, raised without the vCPU leaving KVM_RUN (KVM wakes it); the
    // global vector is level-like and injected by the vCPU loop.
    if (uint8_t vec = upcall_vector(vcpu); vec && m_vector_notify) {
        m_vector_notify(vcpu, vec);
        notify(vcpu, Notify::wake);
        return;
    }
    notify(vcpu, Notify::kick);
}

void XenDomain::set_pending_locked(uint32_t port)
{
    SharedInfo* s = shinfo();
    uint32_t w = port / 64;
    uint64_t b = 1ull << (port % 64);
    if (__atomic_fetch_or(&s->evtchn_pending[w], b, __ATOMIC_SEQ_CST) & b)
        return;  // Already pending: coalesced.
    uint32_t vcpu = m_ports[port].vcpu;
    // Pollers wake on a pending port even when it is masked (Xen's
    // evtchn_check_pollers()); a poller is parked outside KVM_RUN.
    notify(vcpu, Notify::wake);
    if (__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & b)
        return;  // Masked: the edge is delivered by EVTCHNOP_unmask.
    mark_upcall_locked(vcpu, w);
}

void XenDomain::close_port_locked(uint32_t port)
{
    EvtchnPort& p = m_ports[port];
    switch (p.status) {
    case kEvtchnstatInterdomain:
        // Loopback: the peer goes back to unbound (remote = self).
        if (p.target && p.target < m_ports.size() && m_ports[p.target].status == kEvtchnstatInterdomain &&
            m_ports[p.target].target == port) {
            m_ports[p.target].status = kEvtchnstatUnbound;
            m_ports[p.target].target = 0;
        }
        break;
    case kEvtchnstatVirq: {
        uint32_t owner = virq_is_per_vcpu(p.target) ? p.vcpu : 0;
        if (p.target < kNrVirqs && owner < m_vcpus.size() && m_vcpus[owner].virq_port[p.target] == port)
            m_vcpus[owner].virq_port[p.target] = 0;
        break;
    }
    default:
        break;
    }
    p = {};
    // A freed port must not come back pending (Xen clears it on close).
    __atomic_fetch_and(&shinfo()->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

bool XenDomain::raise_virq(uint32_t vcpu, uint32_t virq)
{
    std::lock_guard g(m_lock);
    return raise_virq_locked(vcpu, virq);
}

bool XenDomain::raise_virq_locked(uint32_t vcpu, uint32_t virq)
{
    if (virq >= kNrVirqs || vcpu >= m_vcpus.size())
        return false;
    uint32_t owner = virq_is_per_vcpu(virq) ? vcpu : 0;
    uint32_t port = m_vcpus[owner].virq_port[virq];
    if (!port)
        return false;
    set_pending_locked(port);
    return true;
}

void XenDomain::raise_port(uint32_t port)
{
    std::lock_guard g(m_lock);
    if (port && port < m_ports.size())
        set_pending_locked(port);
}

EvtchnPort XenDomain::port_info(uint32_t port) const
{
    std::lock_guard g(m_lock);
    return port < m_ports.size() ? m_ports[port] : EvtchnPort{};
}

int64_t XenDomain::do_event_channel_op(const HypercallRequest& req)
{
    uint64_t cmd = req.args[0];
    uint64_t arg = req.args[1];
    auto valid = [this](uint32_t port) { return port != 0 && port < m_ports.size(); };
    switch (cmd) {
    case kEvtchnopAllocUnbound: {
        EvtchnAllocUnbound a{};
        if (int64_t rc = guest(req).from(arg, &a))
            return rc;
        if (!is_own_domid(a.dom))
            return -kESRCH;
        // Only loopback: there is no other domain to accept a binding from.
        if (!is_own_domid(a.remote_dom))
            return -kEPERM;
        std::lock_guard g(m_lock);
        int64_t port = bind_new_port_locked(req, arg, a, &EvtchnAllocUnbound::port, {kEvtchnstatUnbound, 0, 0});
        return port < 0 ? port : 0;
    }
    case kEvtchnopBindInterdomain: {
        EvtchnBindInterdomain b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        if (!is_own_domid(b.remote_dom))
            return -kESRCH;
        std::lock_guard g(m_lock);
        if (!valid(b.remote_port) || m_ports[b.remote_port].status != kEvtchnstatUnbound)
            return -kEINVAL;
        int64_t port = bind_new_port_locked(req, arg, b, &EvtchnBindInterdomain::local_port,
                                            {kEvtchnstatInterdomain, 0, b.remote_port});
        if (port < 0)
            return port;
        m_ports[b.remote_port].status = kEvtchnstatInterdomain;
        m_ports[b.remote_port].target = static_cast<uint32_t>(port);
        // As Xen: the new local port starts pending so no event sent to the
        // unbound end before the bind is lost.
        set_pending_locked(static_cast<uint32_t>(port));
        return 0;
    }
    case kEvtchnopBindVirq: {
        EvtchnBindVirq b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        if (b.virq >= kNrVirqs)
            return -kEINVAL;
        if (b.vcpu >= m_vcpus.size())
            return -kENOENT;
        // Global VIRQs are bound on vCPU 0 (and moved with bind_vcpu).
        if (!virq_is_per_vcpu(b.virq) && b.vcpu != 0)
            return -kEINVAL;
        std::lock_guard g(m_lock);
        if (m_vcpus[b.vcpu].virq_port[b.virq])
            return -kEEXIST;
        int64_t port = bind_new_port_locked(req, arg, b, &EvtchnBindVirq::port, {kEvtchnstatVirq, b.vcpu, b.virq});
        if (port < 0)
            return port;
        m_vcpus[b.vcpu].virq_port[b.virq] = b.port;
        return 0;
    }
    case kEvtchnopBindIpi: {
        EvtchnBindIpi b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        if (b.vcpu >= m_vcpus.size())
            return -kENOENT;
        std::lock_guard g(m_lock);
        int64_t port = bind_new_port_locked(req, arg, b, &EvtchnBindIpi::port, {kEvtchnstatIpi, b.vcpu, 0});
        return port < 0 ? port : 0;
    }
    case kEvtchnopSend: {
        uint32_t port = 0;
        if (int64_t rc = guest(req).from(arg, &port))
            return rc;
        std::lock_guard g(m_lock);
        if (!valid(port))
            return -kEINVAL;
        const EvtchnPort& p = m_ports[port];
        switch (p.status) {
        case kEvtchnstatInterdomain:
            set_pending_locked(p.target);
            return 0;
        case kEvtchnstatIpi:
            set_pending_locked(port);
            return 0;
        case kEvtchnstatUnbound:
            return 0;  // Silently dropped, as Xen does.
        default:
            return -kEINVAL;
        }
    }
    case kEvtchnopClose: {
        uint32_t port = 0;
        if (int64_t rc = guest(req).from(arg, &port))
            return rc;
        std::lock_guard g(m_lock);
        // Closing a closed port is -EINVAL (Xen; QEMU says -ENOENT).
        if (!valid(port) || m_ports[port].status == kEvtchnstatClosed)
            return -kEINVAL;
        close_port_locked(port);
        return 0;
    }
    case kEvtchnopStatus: {
        EvtchnStatus st{};
        if (int64_t rc = guest(req).from(arg, &st))
            return rc;
        if (!is_own_domid(st.dom))
            return -kESRCH;
        std::lock_guard g(m_lock);
        if (!valid(st.port))
            return -kEINVAL;
        const EvtchnPort& p = m_ports[st.port];
        st.status = p.status;
        st.vcpu = p.vcpu;
        std::memset(&st.u, 0, sizeof(st.u));
        switch (p.status) {
        case kEvtchnstatUnbound:
            st.u.unbound.dom = kDomidSelf;
            break;
        case kEvtchnstatInterdomain:
            st.u.interdomain.dom = kDomidSelf;
            st.u.interdomain.port = p.target;
            break;
        case kEvtchnstatVirq:
            st.u.virq = p.target;
            break;
        default:
            break;
        }
        if (int64_t rc = guest(req).to(arg, &st))
            return rc;
        return 0;
    }
    case kEvtchnopUnmask: {
        uint32_t port = 0;
        if (int64_t rc = guest(req).from(arg, &port))
            return rc;
        std::lock_guard g(m_lock);
        if (!valid(port) || m_ports[port].status == kEvtchnstatClosed)
            return -kEINVAL;
        SharedInfo* s = shinfo();
        uint32_t w = port / 64;
        uint64_t b = 1ull << (port % 64);
        // Xen's evtchn_2l_unmask(): clear the mask, and if the port is
        // pending, redo the selector/upcall steps the masked send skipped.
        __atomic_fetch_and(&s->evtchn_mask[w], ~b, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & b)
            mark_upcall_locked(m_ports[port].vcpu, w);
        return 0;
    }
    case kEvtchnopBindVcpu: {
        EvtchnBindVcpu b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        std::lock_guard g(m_lock);
        if (!valid(b.port))
            return -kEINVAL;
        if (b.vcpu >= m_vcpus.size())
            return -kENOENT;
        EvtchnPort& p = m_ports[b.port];
        switch (p.status) {
        case kEvtchnstatUnbound:
        case kEvtchnstatInterdomain:
            break;
        case kEvtchnstatVirq:
            if (virq_is_per_vcpu(p.target))
                return -kEINVAL;
            break;
        default:  // IPI ports notify the vCPU that bound them, for good.
            return -kEINVAL;
        }
        p.vcpu = b.vcpu;
        // QEMU's "pseudo-unmask": a pending, unmasked port is raised again
        // on its new vCPU.
        SharedInfo* s = shinfo();
        uint32_t w = b.port / 64;
        uint64_t bit = 1ull << (b.port % 64);
        if ((__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit) &&
            !(__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit))
            mark_upcall_locked(b.vcpu, w);
        return 0;
    }
    case kEvtchnopReset: {
        uint16_t dom = 0;
        if (int64_t rc = guest(req).from(arg, &dom))
            return rc;
        if (!is_own_domid(dom))
            return -kESRCH;
        std::lock_guard g(m_lock);
        for (uint32_t p = 1; p < m_ports.size(); ++p)
            if (m_ports[p].status != kEvtchnstatClosed)
                close_port_locked(p);
        return 0;
    }
    case kEvtchnopBindPirq:       // No physical IRQs in this VM.
    case kEvtchnopInitControl:    // FIFO ABI: not offered, the guest stays on 2-level.
    case kEvtchnopExpandArray:
    case kEvtchnopSetPriority:
    default:
        return -kENOSYS;
    }
}

}  // namespace xenvmm::xen
