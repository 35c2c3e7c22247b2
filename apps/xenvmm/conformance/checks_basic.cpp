// Host halves of tests 1-12 and 29 (CPUID, the hypercall page and ABI,
// xen_version, console, shared_info, time, vcpu_info, runstate, shutdown)
// and of hostile_random.
#include <ctime>

#include "conformance/checks.h"

namespace xenvmm {

namespace {

uint64_t realtime_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// A shutdown test run must end with the reason it asked for.
OutcomeCheck expect_shutdown()
{
    return [](Machine&, const RunOutcome& out, uint64_t arg) -> Result<void> {
        uint32_t want = arg == xen::kShutdownSoftReset ? xen::kShutdownPoweroff : static_cast<uint32_t>(arg);
        if (out.kind != StopKind::shutdown)
            return make_error(std::string("expected SCHEDOP_shutdown, got ") + to_string(out.kind) + ": " +
                              out.message);
        if (out.shutdown_reason != want)
            return make_error("shutdown reason " + std::to_string(out.shutdown_reason.value_or(99)) +
                              ", expected " + std::to_string(want));
        return {};
    };
}

}  // namespace

void add_basic_checks(HostCheckTable& t)
{
    t["cpuid_leaves"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (ev.args[0] != xen::kXenVersion)
                         return make_error("leaf 1 version " + hex(ev.args[0]) + " != " + hex(xen::kXenVersion));
                     else if (ev.args[2] != 2 || m.xen().nr_vcpus() != 2)
                         return make_error("expected the test to run on 2 vCPUs");
                     else if (ev.args[1] != m.xen().clock().tsc_khz())
                         return make_error("leaf 3 kHz " + std::to_string(ev.args[1]) + " != VMM's " +
                              std::to_string(m.xen().clock().tsc_khz()));
                     return 0;
                 },
                 nullptr};

    t["hcall_page_msr"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     auto page = m.xen().hypercall_page_gpa();
                     if (!page || *page != ev.args[0])
                         return make_error("hypercall page GPA " + hex(page.value_or(0)) + " != " + hex(ev.args[0]));
                     else if (m.xen().wrmsr_exits() != ev.args[1])
                         return make_error("WRMSR exits " + std::to_string(m.xen().wrmsr_exits()) + " != " +
                              std::to_string(ev.args[1]));
                     else if (!m.xen().long_mode_latched())
                         return make_error("long mode not latched by the MSR write");
                     return 0;
                 },
                 nullptr};

    t["hcall_abi"] = {{0}, true,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     auto args = m.xen().last_probe_args();
                     for (int i = 0; i < 6; ++i)
                         if (args[i] != ev.args[0] + i + 1)
                             return make_error("probe arg " + std::to_string(i + 1) + " = " + hex(args[i]));
                     return 0;
                 },
                 nullptr};

    t["console_io"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     std::string c = m.xen().console();
                     if (c.size() != ev.args[0])
                         return make_error("console holds " + std::to_string(c.size()) + " bytes, expected " +
                              std::to_string(ev.args[0]));
                     else if (c.compare(0, 5, "hello") != 0)
                         return make_error("console does not start with \"hello\"");
                     else if (c.size() >= 8 && c.compare(5, 3, "abc") != 0)
                         return make_error("console bytes 5..7 are not \"abc\"");
                     else if (c.size() > 8 && c.find_first_not_of('x', 8) != std::string::npos)
                         return make_error("over-long write captured unexpected bytes");
                     return 0;
                 },
                 nullptr};

    t["shinfo_map"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     auto gfn = m.memory().overlay_gfn();
                     if (ev.stage == 1) {
                         if (gfn)
                             return make_error("shared_info mapped after failed calls");
                         return 0;
                     }
                     if (gfn != ev.args[0]) {
                         return make_error("overlay GFN " + hex(gfn.value_or(0)) + " != " + hex(ev.args[0]));
                         return 0;
                     }
                     xen::SharedInfo* s = shinfo(m);
                     if (s->evtchn_mask[0] != 0x0123456789abcdefull || s->evtchn_mask[63] != 0xfedcba9876543210ull) {
                         return make_error("guest write to evtchn_mask not visible at the overlay HVA");
                         return 0;
                     }
                     uint64_t wall = ev.args[1] * 1000000000ull + ev.args[2] + ev.args[3];
                     uint64_t host = realtime_ns();
                     uint64_t diff = wall > host ? wall - host : host - wall;
                     if (diff > 1000000000ull)
                         return make_error("wallclock + system time is " + std::to_string(diff) + " ns off real time");
                     return 0;
                 },
                 nullptr};

    t["shinfo_remap"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     auto hva = reinterpret_cast<uint64_t>(m.memory().overlay());
                     auto gfn = m.memory().overlay_gfn();
                     if (gfn != ev.args[0])
                         return make_error("overlay GFN " + hex(gfn.value_or(0)) + " != " + hex(ev.args[0]));
                     if (ev.stage == 1) {
                         m.xen().raise_pending_sel(ev.vcpu, 11);
                         return hva;
                     }
                     if (ev.args[1] != hva)
                         return make_error("shared_info host address changed across the remap");
                     // The RAM hidden under the overlay keeps the pattern the
                     // guest wrote there before mapping (0xa1 / 0xb2).
                     const uint8_t* ram = m.memory().ram() + ev.args[0] * xen::kPageSize;
                     uint8_t want = ram[0];
                     bool intact = want == 0xa1 || want == 0xb2;
                     for (uint64_t i = 0; intact && i < xen::kPageSize; ++i)
                         intact = ram[i] == want;
                     if (!intact)
                         return make_error("RAM under the overlay was modified");
                     return 0;
                 },
                 nullptr};

    t["time_info"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     uint64_t kvm = m.kvm_clock_ns();
                     uint64_t guest = ev.args[0];
                     // The guest sampled before exiting; allow 5 ms of clock
                     // skew ahead and 2 s behind (a scale error is far bigger).
                     if (guest > kvm + 5000000ull)
                         return make_error("guest time " + std::to_string(guest) + " ahead of KVM clock " + std::to_string(kvm));
                     else if (kvm > guest && kvm - guest > 2000000000ull)
                         return make_error("guest time " + std::to_string(guest) + " far behind KVM clock " + std::to_string(kvm));
                     if (ev.stage == 1)
                         m.xen().update_time(ev.vcpu);
                     return 0;
                 },
                 nullptr};

    t["default_vcpu_info"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (ev.stage == 1) {
                         m.xen().raise_pending_sel(ev.vcpu, static_cast<unsigned>(ev.args[0]));
                         return 0;
                     }
                     const auto& vi = shinfo(m)->vcpu_info[ev.vcpu];
                     if (vi.evtchn_pending_sel != (1ull << ev.args[0]))
                         return make_error("overlay vcpu_info pending_sel " + hex(vi.evtchn_pending_sel));
                     return 0;
                 },
                 nullptr};

    t["register_vcpu_info"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (ev.stage == 1) {
                         m.xen().raise_pending_sel(ev.vcpu, static_cast<unsigned>(ev.args[0]));
                         return 0;
                     }
                     auto gpa = m.xen().vcpu(ev.vcpu).vcpu_info_gpa;
                     if (gpa != ev.args[0])
                         return make_error("registered vcpu_info GPA " + hex(gpa.value_or(0)) + " != " + hex(ev.args[0]));
                     else if (m.xen().current_vcpu_info(ev.vcpu) !=
                              reinterpret_cast<xen::VcpuInfo*>(m.memory().ram() + ev.args[0]))
                         return make_error("VMM does not use the registered vcpu_info");
                     return 0;
                 },
                 nullptr};

    t["register_time_area"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (!m.xen().vcpu(ev.vcpu).time_area.valid())
                         return make_error("time area not registered");
                     else if (m.xen().vcpu(ev.vcpu).time_area.nr_pieces != 2)
                         return make_error("page-crossing time area not split in two pieces");
                     m.xen().update_time(ev.vcpu);
                     return 0;
                 },
                 nullptr};

    t["runstate"] = {{0}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     // The sum invariant is checked by the VMM at every sync
                     // point; here the guest's copy must equal the VMM's.
                     xen::RunstateInfo guest{};
                     if (!m.read_guest(ev.vcpu, ev.args[0], &guest, sizeof(guest))) {
                         return make_error("cannot read the runstate area");
                         return 0;
                     }
                     const auto& mine = m.xen().vcpu(ev.vcpu).runstate;
                     if (guest.state != mine.state || guest.state_entry_time != mine.state_entry_time)
                         return make_error("guest runstate area differs from the VMM's state");
                     for (int i = 0; i < 4; ++i)
                         if (guest.time[i] != mine.time[i])
                             return make_error("guest runstate time[" + std::to_string(i) + "] differs");
                     return 0;
                 },
                 nullptr};

    t["shutdown"] = {{xen::kShutdownPoweroff, xen::kShutdownReboot, xen::kShutdownCrash, xen::kShutdownSoftReset}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     auto& v = m.xen().vcpu(ev.vcpu);
                     if (m.memory().overlay_gfn())
                         return make_error("shared_info still mapped after soft_reset");
                     else if (v.runstate_area.valid() || v.vcpu_info_gpa)
                         return make_error("vCPU areas survived soft_reset");
                     else if (m.xen().runstate_update_flag())
                         return make_error("vm_assist survived soft_reset");
                     return 0;
                 },
                 expect_shutdown()};

    // Not in the numbered list: the guest-side half of the hostile-guest
    // requirement (the host-side half is the libFuzzer harness).
    t["hostile_random"] = {{1, 2}, false,
                 [](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
                     if (m.xen().hypercall_count() < ev.args[0])
                         return make_error("only " + std::to_string(m.xen().hypercall_count()) + " hypercalls reached the VMM");
                     return 0;
                 },
                 nullptr};
}

}  // namespace xenvmm
