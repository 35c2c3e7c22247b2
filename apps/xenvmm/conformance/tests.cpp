// The conformance tests of docs/xenvmm/conformance.md: the host half of each
// test (the guest half is guests/<guest>.c).
#include <ctime>

#include "conformance/suite.h"
#include "vmm/xen/abi.h"

namespace xenvmm {

namespace {

using xen::SharedInfo;

std::string hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

uint64_t realtime_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

SharedInfo* shinfo(Machine& m) { return reinterpret_cast<SharedInfo*>(m.memory().overlay()); }

// A shutdown test run must end with the reason it asked for.
OutcomeCheck expect_shutdown()
{
    return [](Machine&, const RunOutcome& out, uint64_t arg) -> std::string {
        uint32_t want = arg == xen::kShutdownSoftReset ? xen::kShutdownPoweroff : static_cast<uint32_t>(arg);
        if (out.kind != StopKind::shutdown)
            return std::string("expected SCHEDOP_shutdown, got ") + to_string(out.kind) + ": " + out.message;
        if (out.shutdown_reason != want)
            return "shutdown reason " + std::to_string(out.shutdown_reason.value_or(99)) + ", expected " +
                   std::to_string(want);
        return "";
    };
}

std::string expect_port(Machine& m, uint64_t port, uint32_t status, uint32_t vcpu, uint32_t target)
{
    auto p = m.xen().port_info(static_cast<uint32_t>(port));
    if (p.status != status || p.vcpu != vcpu || p.target != target)
        return "port " + std::to_string(port) + ": VMM has status " + std::to_string(p.status) + " vcpu " +
               std::to_string(p.vcpu) + " target " + std::to_string(p.target) + ", expected " +
               std::to_string(status) + "/" + std::to_string(vcpu) + "/" + std::to_string(target);
    return "";
}

bool overlay_pending(Machine& m, uint64_t port)
{
    return (__atomic_load_n(&shinfo(m)->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >> (port % 64)) & 1;
}

// Tests 13-20: the event channel core, checked through shared_info bits
// (no upcall delivery needed).
void add_event_channel_tests(std::vector<ConformanceTest>& t)
{
    using xen::kEvtchnstatClosed;
    using xen::kEvtchnstatInterdomain;
    using xen::kEvtchnstatIpi;
    using xen::kEvtchnstatVirq;

    t.push_back({13, "alloc_bind_loopback", "alloc_bind_loopback",
                 "alloc_unbound + bind_interdomain loopback, send both ways", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     uint64_t a = ev.args[0], b = ev.args[1];
                     *f = expect_port(m, a, kEvtchnstatInterdomain, 0, static_cast<uint32_t>(b));
                     if (f->empty())
                         *f = expect_port(m, b, kEvtchnstatInterdomain, 0, static_cast<uint32_t>(a));
                     if (f->empty() && (!overlay_pending(m, a) || !overlay_pending(m, b)))
                         *f = "both ends should be pending in the overlay page";
                     return 0;
                 },
                 nullptr});

    t.push_back({14, "bind_ipi", "bind_ipi", "IPI port bound to vCPU 1 notifies vCPU 1 only", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     *f = expect_port(m, ev.args[0], kEvtchnstatIpi, 1, 0);
                     if (f->empty() && !shinfo(m)->vcpu_info[1].evtchn_upcall_pending)
                         *f = "vcpu_info[1] has no upcall pending";
                     return 0;
                 },
                 nullptr, 2});

    t.push_back({15, "bind_virq", "bind_virq", "Per-vCPU and global VIRQs; host-raised VIRQs land on their port",
                 {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     uint64_t t0 = ev.args[0], t1 = ev.args[1], c = ev.args[2];
                     *f = expect_port(m, t0, kEvtchnstatVirq, 0, xen::kVirqTimer);
                     if (f->empty())
                         *f = expect_port(m, t1, kEvtchnstatVirq, 1, xen::kVirqTimer);
                     if (f->empty())
                         *f = expect_port(m, c, kEvtchnstatVirq, 0, 2);
                     if (!f->empty())
                         return 0;
                     if (!m.xen().raise_virq(1, xen::kVirqTimer) || !m.xen().raise_virq(1, 2))
                         *f = "raise_virq() found no binding";
                     else if (m.xen().raise_virq(0, xen::kVirqDebug))
                         *f = "raise_virq() of an unbound VIRQ claimed delivery";
                     else if (!overlay_pending(m, t1) || overlay_pending(m, t0) || !overlay_pending(m, c))
                         *f = "VIRQ_TIMER(vCPU 1) / VIRQ_CONSOLE not pending on their own ports";
                     else if (!shinfo(m)->vcpu_info[1].evtchn_upcall_pending)
                         *f = "vCPU 1 did not get the upcall for its VIRQ_TIMER";
                     return 0;
                 },
                 nullptr, 2});

    t.push_back({16, "mask_unmask", "mask_unmask", "Masked ports: pending without upcall; unmask delivers", {0},
                 false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (!overlay_pending(m, ev.args[0]))
                         *f = "masked port not pending in the overlay";
                     else if (shinfo(m)->vcpu_info[0].evtchn_upcall_pending)
                         *f = "upcall raised for a masked port";
                     return 0;
                 },
                 nullptr});

    t.push_back({17, "pending_sel_bits", "pending_sel_bits", "Selector bits for ports 63, 64, 4095; exhaustion",
                 {0}, false, nullptr, nullptr});

    t.push_back({18, "close_status", "close_status", "close of a loopback end, status of each kind", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     *f = expect_port(m, ev.args[2], kEvtchnstatClosed, 0, 0);
                     if (f->empty())
                         *f = expect_port(m, ev.args[0], kEvtchnstatInterdomain, 0, static_cast<uint32_t>(ev.args[1]));
                     return 0;
                 },
                 nullptr});

    t.push_back({19, "bind_vcpu", "bind_vcpu", "bind_vcpu retargets interdomain and global VIRQ ports", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (m.xen().port_info(static_cast<uint32_t>(ev.args[0])).vcpu != 0)
                         *f = "interdomain port not back on vCPU 0";
                     else if (m.xen().port_info(static_cast<uint32_t>(ev.args[1])).vcpu != 1)
                         *f = "global VIRQ port not moved to vCPU 1";
                     return 0;
                 },
                 nullptr, 2});

    t.push_back({20, "reset_fifo", "reset_fifo", "EVTCHNOP_reset closes all; FIFO ops -ENOSYS", {0}, false,
                 [](Machine& m, const SyncEvent&, std::string* f) -> uint64_t {
                     for (uint32_t p = 1; p < xen::kEvtchn2lNrChannels; ++p)
                         if (m.xen().port_info(p).status != kEvtchnstatClosed) {
                             *f = "port " + std::to_string(p) + " still open after reset";
                             break;
                         }
                     for (uint32_t v = 0; v < m.xen().nr_vcpus(); ++v)
                         for (uint32_t port : m.xen().vcpu(v).virq_port)
                             if (port)
                                 *f = "VIRQ binding survived reset";
                     return 0;
                 },
                 nullptr});
}

// Tests 21-28: upcall delivery through the callback vector, timers and
// blocking.
void add_upcall_timer_tests(std::vector<ConformanceTest>& t)
{
    t.push_back({21, "callback_vector", "callback_vector",
                 "Global callback vector: level-like re-injection, no EOI, off switch", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (m.xen().callback_vector() != ev.args[0])
                         *f = "VMM callback vector " + std::to_string(m.xen().callback_vector());
                     return 0;
                 },
                 nullptr});
    t.push_back({22, "percpu_vector", "percpu_vector",
                 "Per-vCPU upcall vector: LAPIC MSI, IRR while IF=0, EOI needed, precedence, HLT wake", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     // vCPU 1's KVM_RUN returns and MSIs at its mark point.
                     static uint64_t mark_returns, mark_msis, mark_injections;
                     switch (ev.stage) {
                     case 1:
                         if (m.xen().upcall_vector(0) || m.xen().upcall_vector(1))
                             *f = "a refused HVMOP_set_evtchn_upcall_vector left a vector set";
                         break;
                     case 2:
                         if (m.xen().upcall_vector(0) != ev.args[0])
                             *f = "VMM vector of vCPU 0 is " + std::to_string(m.xen().upcall_vector(0));
                         else if (m.msi_signals(0) == 0)
                             *f = "the upcall was not raised with KVM_SIGNAL_MSI";
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
                             *f = "vCPU 1 got " + std::to_string(msis) + " MSIs, expected 1";
                         else if (returns != 1)
                             *f = "vCPU 1 returned to the VMM " + std::to_string(returns) +
                                  " times between mark and check, expected 1 (the check itself)";
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
                             *f = "expected 1 MSI to vCPU 0, saw " + std::to_string(m.msi_signals(0) - mark_msis);
                         else if (m.vector_injections(0) != mark_injections)
                             *f = "the global callback vector was injected although vCPU 0 has its own";
                         break;
                     default:
                         *f = "unknown stage " + std::to_string(ev.stage);
                     }
                     return 0;
                 },
                 nullptr, 2});
    t.push_back({23, "irq_window", "irq_window", "No upcall while IF=0, one after sti; HLT woken by another vCPU",
                 {0}, false, nullptr, nullptr, 2});
    t.push_back({24, "set_timer_op", "set_timer_op",
                 "set_timer_op: fire, cancel, past, negative and far deadlines, no VIRQ bound", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string*) -> uint64_t {
                     return m.xen().timer_fires(ev.vcpu);
                 },
                 nullptr});
    t.push_back({25, "singleshot", "singleshot", "VCPUOP singleshot timer: once, re-arm, stop, -ETIME", {0}, false,
                 nullptr, nullptr, 2});
    t.push_back({26, "periodic", "periodic", "VCPUOP periodic timer: 2 ms over 100 ms, stop, limits", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string*) -> uint64_t {
                     (void)m;
                     (void)ev;
                     return 0;
                 },
                 nullptr});
    t.push_back({27, "sched_poll", "sched_poll", "SCHEDOP_poll: ready, absolute timeout, masked and unmasked wake",
                 {0}, false, nullptr, nullptr});
    t.push_back({28, "sched_block_yield", "sched_block_yield",
                 "SCHEDOP_block: immediate with upcall pending, sleeps until a timer, blocked runstate", {0}, false,
                 nullptr, nullptr});
}

void add_smp_tests(std::vector<ConformanceTest>& t)
{
    t.push_back({30, "smp_ipi_pingpong", "smp_ipi_pingpong",
                 "IPI token ring over 4 vCPUs, 50 laps; VCPUOP_down/up/is_up", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (ev.stage == 1)
                         return 0;  // args: vCPU count, median lap in TSC cycles
                     auto last = static_cast<uint32_t>(ev.args[0]);
                     if (m.xen().vcpu_up(last))
                         *f = "vCPU " + std::to_string(last) + " still up after VCPUOP_down";
                     return 0;
                 },
                 nullptr, 4});
    t.push_back({31, "races", "races",
                 "send vs mask/unmask, vcpu_info re-registration, shared_info moves and timers, 3 vCPUs", {0},
                 false,
                 [](Machine& m, const SyncEvent&, std::string* f) -> uint64_t {
                     if (!m.xen().vcpu(1).vcpu_info_gpa)
                         *f = "vCPU 1's vcpu_info registration not seen by the VMM";
                     return 0;
                 },
                 nullptr, 3});
}

std::vector<ConformanceTest> make_tests()
{
    std::vector<ConformanceTest> t;

    t.push_back({1, "cpuid_leaves", "cpuid_leaves", "Xen CPUID leaves on two vCPUs; no KVM signature", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (ev.args[0] != xen::kXenVersion)
                         *f = "leaf 1 version " + hex(ev.args[0]) + " != " + hex(xen::kXenVersion);
                     else if (ev.args[2] != 2 || m.xen().nr_vcpus() != 2)
                         *f = "expected the test to run on 2 vCPUs";
                     else if (ev.args[1] != m.xen().clock().tsc_khz())
                         *f = "leaf 3 kHz " + std::to_string(ev.args[1]) + " != VMM's " +
                              std::to_string(m.xen().clock().tsc_khz());
                     return 0;
                 },
                 nullptr, 2});

    t.push_back({2, "hcall_page_msr", "hcall_page_msr", "Hypercall-page MSR via the MSR filter exit", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     auto page = m.xen().hypercall_page_gpa();
                     if (!page || *page != ev.args[0])
                         *f = "hypercall page GPA " + hex(page.value_or(0)) + " != " + hex(ev.args[0]);
                     else if (m.xen().wrmsr_exits() != ev.args[1])
                         *f = "WRMSR exits " + std::to_string(m.xen().wrmsr_exits()) + " != " +
                              std::to_string(ev.args[1]);
                     else if (!m.xen().long_mode_latched())
                         *f = "long mode not latched by the MSR write";
                     return 0;
                 },
                 nullptr});

    t.push_back({3, "hcall_abi", "hcall_abi", "Register ABI, -ENOSYS, -EPERM at CPL 3, sign extension", {0}, true,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     auto args = m.xen().last_probe_args();
                     for (int i = 0; i < 6; ++i)
                         if (args[i] != ev.args[0] + i + 1)
                             *f = "probe arg " + std::to_string(i + 1) + " = " + hex(args[i]);
                     return 0;
                 },
                 nullptr});

    t.push_back({4, "xen_version", "xen_version", "version, get_features, pagesize, extraversion", {0}, false,
                 nullptr, nullptr});

    t.push_back({5, "console_io", "console_io", "CONSOLEIO_write capture, bad pointers, caps", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     std::string c = m.xen().console();
                     if (c.size() != ev.args[0])
                         *f = "console holds " + std::to_string(c.size()) + " bytes, expected " +
                              std::to_string(ev.args[0]);
                     else if (c.compare(0, 5, "hello") != 0)
                         *f = "console does not start with \"hello\"";
                     else if (c.size() >= 8 && c.compare(5, 3, "abc") != 0)
                         *f = "console bytes 5..7 are not \"abc\"";
                     else if (c.size() > 8 && c.find_first_not_of('x', 8) != std::string::npos)
                         *f = "over-long write captured unexpected bytes";
                     return 0;
                 },
                 nullptr});

    t.push_back({6, "shinfo_map", "shinfo_map", "add_to_physmap(shared_info): overlay, wallclock, errors", {0},
                 false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     auto gfn = m.memory().overlay_gfn();
                     if (ev.stage == 1) {
                         if (gfn)
                             *f = "shared_info mapped after failed calls";
                         return 0;
                     }
                     if (gfn != ev.args[0]) {
                         *f = "overlay GFN " + hex(gfn.value_or(0)) + " != " + hex(ev.args[0]);
                         return 0;
                     }
                     SharedInfo* s = shinfo(m);
                     if (s->evtchn_mask[0] != 0x0123456789abcdefull || s->evtchn_mask[63] != 0xfedcba9876543210ull) {
                         *f = "guest write to evtchn_mask not visible at the overlay HVA";
                         return 0;
                     }
                     uint64_t wall = ev.args[1] * 1000000000ull + ev.args[2] + ev.args[3];
                     uint64_t host = realtime_ns();
                     uint64_t diff = wall > host ? wall - host : host - wall;
                     if (diff > 1000000000ull)
                         *f = "wallclock + system time is " + std::to_string(diff) + " ns off real time";
                     return 0;
                 },
                 nullptr});

    t.push_back({7, "shinfo_remap", "shinfo_remap", "Moving shared_info keeps content and host address", {0},
                 false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     auto hva = reinterpret_cast<uint64_t>(m.memory().overlay());
                     auto gfn = m.memory().overlay_gfn();
                     if (gfn != ev.args[0])
                         *f = "overlay GFN " + hex(gfn.value_or(0)) + " != " + hex(ev.args[0]);
                     if (ev.stage == 1) {
                         m.xen().raise_pending_sel(ev.vcpu, 11);
                         return hva;
                     }
                     if (ev.args[1] != hva)
                         *f = "shared_info host address changed across the remap";
                     // The RAM hidden under the overlay keeps the pattern the
                     // guest wrote there before mapping (0xa1 / 0xb2).
                     const uint8_t* ram = m.memory().ram() + ev.args[0] * xen::kPageSize;
                     uint8_t want = ram[0];
                     bool intact = want == 0xa1 || want == 0xb2;
                     for (uint64_t i = 0; intact && i < xen::kPageSize; ++i)
                         intact = ram[i] == want;
                     if (!intact)
                         *f = "RAM under the overlay was modified";
                     return 0;
                 },
                 nullptr});

    t.push_back({8, "time_info", "time_info", "vcpu_time_info: versions, monotonic, agrees with KVM clock", {0},
                 false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     uint64_t kvm = m.kvm_clock_ns();
                     uint64_t guest = ev.args[0];
                     // The guest sampled before exiting; allow 5 ms of clock
                     // skew ahead and 2 s behind (a scale error is far bigger).
                     if (guest > kvm + 5000000ull)
                         *f = "guest time " + std::to_string(guest) + " ahead of KVM clock " + std::to_string(kvm);
                     else if (kvm - guest > 2000000000ull)
                         *f = "guest time " + std::to_string(guest) + " far behind KVM clock " + std::to_string(kvm);
                     if (ev.stage == 1)
                         m.xen().update_time(ev.vcpu);
                     return 0;
                 },
                 nullptr});

    t.push_back({9, "default_vcpu_info", "default_vcpu_info", "Default vcpu_info slot in shared_info", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (ev.stage == 1) {
                         m.xen().raise_pending_sel(ev.vcpu, static_cast<unsigned>(ev.args[0]));
                         return 0;
                     }
                     const auto& vi = shinfo(m)->vcpu_info[ev.vcpu];
                     if (vi.evtchn_pending_sel != (1ull << ev.args[0]))
                         *f = "overlay vcpu_info pending_sel " + hex(vi.evtchn_pending_sel);
                     return 0;
                 },
                 nullptr});

    t.push_back({10, "register_vcpu_info", "register_vcpu_info", "VCPUOP_register_vcpu_info copy and errors", {0},
                 false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (ev.stage == 1) {
                         m.xen().raise_pending_sel(ev.vcpu, static_cast<unsigned>(ev.args[0]));
                         return 0;
                     }
                     auto gpa = m.xen().vcpu(ev.vcpu).vcpu_info_gpa;
                     if (gpa != ev.args[0])
                         *f = "registered vcpu_info GPA " + hex(gpa.value_or(0)) + " != " + hex(ev.args[0]);
                     else if (m.xen().current_vcpu_info(ev.vcpu) !=
                              reinterpret_cast<xen::VcpuInfo*>(m.memory().ram() + ev.args[0]))
                         *f = "VMM does not use the registered vcpu_info";
                     return 0;
                 },
                 nullptr});

    t.push_back({11, "register_time_area", "register_time_area", "Secondary vcpu_time_info area", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (!m.xen().vcpu(ev.vcpu).time_area.valid())
                         *f = "time area not registered";
                     else if (m.xen().vcpu(ev.vcpu).time_area.nr_pieces != 2)
                         *f = "page-crossing time area not split in two pieces";
                     m.xen().update_time(ev.vcpu);
                     return 0;
                 },
                 nullptr});

    t.push_back({12, "runstate", "runstate", "Runstate area across a page, invariant, update flag", {0}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     // The sum invariant is checked by the VMM at every sync
                     // point; here the guest's copy must equal the VMM's.
                     xen::RunstateInfo guest{};
                     if (!m.read_guest(ev.vcpu, ev.args[0], &guest, sizeof(guest))) {
                         *f = "cannot read the runstate area";
                         return 0;
                     }
                     const auto& mine = m.xen().vcpu(ev.vcpu).runstate;
                     if (guest.state != mine.state || guest.state_entry_time != mine.state_entry_time)
                         *f = "guest runstate area differs from the VMM's state";
                     for (int i = 0; i < 4; ++i)
                         if (guest.time[i] != mine.time[i])
                             *f = "guest runstate time[" + std::to_string(i) + "] differs";
                     return 0;
                 },
                 nullptr});

    t.push_back({29, "shutdown", "shutdown", "SCHEDOP_shutdown reasons, soft_reset, errors",
                 {xen::kShutdownPoweroff, xen::kShutdownReboot, xen::kShutdownCrash, xen::kShutdownSoftReset},
                 false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     auto& v = m.xen().vcpu(ev.vcpu);
                     if (m.memory().overlay_gfn())
                         *f = "shared_info still mapped after soft_reset";
                     else if (v.runstate_area.valid() || v.vcpu_info_gpa)
                         *f = "vCPU areas survived soft_reset";
                     else if (m.xen().runstate_update_flag())
                         *f = "vm_assist survived soft_reset";
                     return 0;
                 },
                 expect_shutdown()});

    add_event_channel_tests(t);
    add_upcall_timer_tests(t);
    add_smp_tests(t);

    // Not in the numbered list: the guest-side half of the hostile-guest
    // requirement (the host-side half is the libFuzzer harness).
    t.push_back({100, "hostile_random", "random_hypercalls", "Random hypercalls with hostile arguments",
                 {1, 2}, false,
                 [](Machine& m, const SyncEvent& ev, std::string* f) -> uint64_t {
                     if (m.xen().hypercall_count() < ev.args[0])
                         *f = "only " + std::to_string(m.xen().hypercall_count()) + " hypercalls reached the VMM";
                     return 0;
                 },
                 nullptr});
    return t;
}

}  // namespace

const std::vector<ConformanceTest>& conformance_tests()
{
    static const std::vector<ConformanceTest> tests = make_tests();
    return tests;
}

}  // namespace xenvmm
