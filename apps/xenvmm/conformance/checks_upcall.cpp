// Host halves of tests 21-31: upcall delivery (global and per-vCPU
// vectors), timers, blocking, and the SMP tests.
#include "conformance/checks.h"

namespace xenvmm {

void add_upcall_checks(HostCheckTable& t)
{
    t["callback_vector"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (m.xen().callback_vector() != ev.args[0])
                         return make_error("VMM callback vector " + std::to_string(m.xen().callback_vector()));
                     return 0;
                 },
                 nullptr};
    t["percpu_vector"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     // vCPU 1's KVM_RUN returns and MSIs at its mark point.
                     static uint64_t mark_returns, mark_msis, mark_injections;
                     switch (ev.stage) {
                     case 1:
                         if (m.xen().upcall_vector(0) || m.xen().upcall_vector(1))
                             return make_error("a refused HVMOP_set_evtchn_upcall_vector left a vector set");
                         break;
                     case 2:
                         if (m.xen().upcall_vector(0) != ev.args[0])
                             return make_error("VMM vector of vCPU 0 is " + std::to_string(m.xen().upcall_vector(0)));
                         else if (m.msi_signals(0) == 0)
                             return make_error("the upcall was not raised with KVM_SIGNAL_MSI");
                         break;
                     case 3:
                         mark_returns = m.run_returns(1);
                         mark_msis = m.msi_signals(1);
                         break;
                     case 4: {
                         // The MSI woke vCPU 1 in the kernel: its only return
                         // to the VMM since the mark is this sync's exit.
                         uint64_t returns = m.run_returns(1) - mark_returns;
                         uint64_t msis = m.msi_signals(1) - mark_msis;
                         if (msis != 1)
                             return make_error("vCPU 1 got " + std::to_string(msis) + " MSIs, expected 1");
                         else if (returns != 1)
                             return make_error("vCPU 1 returned to the VMM " + std::to_string(returns) +
                                  " times between mark and check, expected 1 (the check itself)");
                         break;
                     }
                     case 5:
                         mark_msis = m.msi_signals(0);
                         mark_injections = m.vector_injections(0);
                         break;
                     case 6:
                         // Both vectors set: the per-vCPU one wins (as KVM's
                         // own Xen support does).
                         if (m.msi_signals(0) - mark_msis != 1)
                             return make_error("expected 1 MSI to vCPU 0, saw " + std::to_string(m.msi_signals(0) - mark_msis));
                         else if (m.vector_injections(0) != mark_injections)
                             return make_error("the global callback vector was injected although vCPU 0 has its own");
                         break;
                     default:
                         return make_error("unknown stage " + std::to_string(ev.stage));
                     }
                     return 0;
                 },
                 nullptr};
    t["set_timer_op"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     return m.xen().timer_fires(ev.vcpu);
                 },
                 nullptr};
    t["periodic"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     (void)m;
                     (void)ev;
                     return 0;
                 },
                 nullptr};
}

void add_smp_checks(HostCheckTable& t)
{
    t["smp_ipi_pingpong"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (ev.stage == 1)
                         return 0;  // args: vCPU count, median lap in TSC cycles
                     auto last = static_cast<uint32_t>(ev.args[0]);
                     if (m.xen().vcpu_up(last))
                         return make_error("vCPU " + std::to_string(last) + " still up after VCPUOP_down");
                     return 0;
                 },
                 nullptr};
    t["races"] = {{0}, false,
                 [](Machine& m, const SyncEvent&) -> Result<uint64_t> {
                     if (!m.xen().vcpu(1).vcpu_info_gpa)
                         return make_error("vCPU 1's vcpu_info registration not seen by the VMM");
                     return 0;
                 },
                 nullptr};
}

}  // namespace xenvmm
