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
