// Host halves of tests 13-20: the event channel core, checked through
// shared_info bits and the VMM's port table (no upcall delivery needed).
#include "conformance/checks.h"

namespace xenvmm {

namespace {

// The VMM's view of a port, as the guest says it should be.
Result<void> expect_port(Machine& m, uint64_t port, uint32_t status, uint32_t vcpu, uint32_t target)
{
    auto p = m.xen().port_info(static_cast<uint32_t>(port));
    if (p.status != status || p.vcpu != vcpu || p.target != target)
        return make_error("port " + std::to_string(port) + ": VMM has status " + std::to_string(p.status) +
                          " vcpu " + std::to_string(p.vcpu) + " target " + std::to_string(p.target) +
                          ", expected " + std::to_string(status) + "/" + std::to_string(vcpu) + "/" +
                          std::to_string(target));
    return {};
}

bool overlay_pending(Machine& m, uint64_t port)
{
    return (__atomic_load_n(&shinfo(m)->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >> (port % 64)) & 1;
}

}  // namespace

void add_evtchn_checks(HostCheckTable& t)
{
    using xen::kEvtchnstatClosed;
    using xen::kEvtchnstatInterdomain;
    using xen::kEvtchnstatIpi;
    using xen::kEvtchnstatVirq;

    t["alloc_bind_loopback"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     uint64_t a = ev.args[0], b = ev.args[1];
                     TRY_VOID(expect_port(m, a, kEvtchnstatInterdomain, 0, static_cast<uint32_t>(b)));
                     TRY_VOID(expect_port(m, b, kEvtchnstatInterdomain, 0, static_cast<uint32_t>(a)));
                     if (!overlay_pending(m, a) || !overlay_pending(m, b))
                         return make_error("both ends should be pending in the overlay page");
                     return 0;
                 },
                 nullptr};

    t["bind_ipi"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     TRY_VOID(expect_port(m, ev.args[0], kEvtchnstatIpi, 1, 0));
                     if (!shinfo(m)->vcpu_info[1].evtchn_upcall_pending)
                         return make_error("vcpu_info[1] has no upcall pending");
                     return 0;
                 },
                 nullptr};

    t["bind_virq"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     uint64_t t0 = ev.args[0], t1 = ev.args[1], c = ev.args[2];
                     TRY_VOID(expect_port(m, t0, kEvtchnstatVirq, 0, xen::kVirqTimer));
                     TRY_VOID(expect_port(m, t1, kEvtchnstatVirq, 1, xen::kVirqTimer));
                     TRY_VOID(expect_port(m, c, kEvtchnstatVirq, 0, 2));
                     if (!m.xen().raise_virq(1, xen::kVirqTimer) || !m.xen().raise_virq(1, 2))
                         return make_error("raise_virq() found no binding");
                     else if (m.xen().raise_virq(0, xen::kVirqDebug))
                         return make_error("raise_virq() of an unbound VIRQ claimed delivery");
                     else if (!overlay_pending(m, t1) || overlay_pending(m, t0) || !overlay_pending(m, c))
                         return make_error("VIRQ_TIMER(vCPU 1) / VIRQ_CONSOLE not pending on their own ports");
                     else if (!shinfo(m)->vcpu_info[1].evtchn_upcall_pending)
                         return make_error("vCPU 1 did not get the upcall for its VIRQ_TIMER");
                     return 0;
                 },
                 nullptr};

    t["mask_unmask"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (!overlay_pending(m, ev.args[0]))
                         return make_error("masked port not pending in the overlay");
                     else if (shinfo(m)->vcpu_info[0].evtchn_upcall_pending)
                         return make_error("upcall raised for a masked port");
                     return 0;
                 },
                 nullptr};

    t["close_status"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     TRY_VOID(expect_port(m, ev.args[2], kEvtchnstatClosed, 0, 0));
                     TRY_VOID(expect_port(m, ev.args[0], kEvtchnstatInterdomain, 0, static_cast<uint32_t>(ev.args[1])));
                     return 0;
                 },
                 nullptr};

    t["bind_vcpu"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (m.xen().port_info(static_cast<uint32_t>(ev.args[0])).vcpu != 0)
                         return make_error("interdomain port not back on vCPU 0");
                     else if (m.xen().port_info(static_cast<uint32_t>(ev.args[1])).vcpu != 1)
                         return make_error("global VIRQ port not moved to vCPU 1");
                     return 0;
                 },
                 nullptr};

    t["reset_fifo"] = {{0}, false,
                 [](Machine& m, const SyncEvent&) -> Result<uint64_t> {
                     for (uint32_t p = 1; p < xen::kEvtchn2lNrChannels; ++p)
                         if (m.xen().port_info(p).status != kEvtchnstatClosed) {
                             return make_error("port " + std::to_string(p) + " still open after reset");
                             break;
                         }
                     for (uint32_t v = 0; v < m.xen().nr_vcpus(); ++v)
                         for (uint32_t port : m.xen().vcpu(v).virq_port)
                             if (port)
                                 return make_error("VIRQ binding survived reset");
                     return 0;
                 },
                 nullptr};
}

}  // namespace xenvmm
