// HVMOP_*: HVM_PARAM_CALLBACK_IRQ (the global callback vector) and
// HVMOP_set_evtchn_upcall_vector (per-vCPU vectors, LAPIC modes only).
#include "vmm/xen/domain.h"

namespace xenvmm::xen {

int64_t XenDomain::do_hvm_op(const HypercallRequest& req)
{
    uint64_t op = req.args[0];
    switch (op) {
    case kHvmopSetParam:
    case kHvmopGetParam: {
        XenHvmParam hp{};
        if (int64_t rc = guest(req).from(req.args[1], &hp))
            return rc;
        if (!is_own_domid(hp.domid))
            return -kESRCH;
        if (hp.index >= kHvmNrParams)
            return -kEINVAL;
        if (hp.index != kHvmParamCallbackIrq)
            return -kENOSYS;  // No other parameter is emulated.
        std::lock_guard g(m_lock);
        if (op == kHvmopGetParam) {
            hp.value = m_callback_param;
            return guest(req).to(req.args[1], &hp);
        }
        uint64_t type = hp.value >> 56;
        uint8_t vector = 0;
        if (hp.value != 0) {
            // Only the vector type: no GSI or PCI INTx routing in this VM.
            if (type != kHvmParamCallbackTypeVector)
                return -kENOSYS;
            if ((hp.value & 0x00ffffffffffff00ull) || (hp.value & 0xff) < 0x10)
                return -kEINVAL;
            vector = static_cast<uint8_t>(hp.value & 0xff);
        }
        m_callback_param = hp.value;
        m_callback_vector.store(vector, std::memory_order_release);
        // An upcall already pending is delivered as soon as the vector exists.
        for (uint32_t v = 0; v < m_vcpus.size(); ++v)
            notify(v);
        return 0;
    }
    case kHvmopSetEvtchnUpcallVector: {
        // Xen's hvmop_set_evtchn_upcall_vector(): any vCPU may set any
        // vCPU's vector; there is no way back to "none".
        if (!m_config.percpu_upcall_vector)
            return -kENOSYS;  // No in-kernel LAPIC to deliver it to.
        XenHvmEvtchnUpcallVector uv{};
        if (int64_t rc = guest(req).from(req.args[1], &uv))
            return rc;
        if (uv.vector < 0x10)
            return -kEINVAL;
        if (uv.vcpu >= m_vcpus.size())
            return -kENOENT;
        std::lock_guard g(m_lock);
        m_vcpus[uv.vcpu].upcall_vector.store(uv.vector, std::memory_order_release);
        VcpuInfo* vi = current_vcpu_info(uv.vcpu);
        if (vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
            assert_upcall_locked(uv.vcpu);
        return 0;
    }
    default:
        return -kENOSYS;
    }
}

}  // namespace xenvmm::xen
