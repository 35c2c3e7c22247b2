// The VM (kvmtool's kvm.c): creation of the KVM objects, guest memory and
// the Xen domain, the memslot layout, the run with its watchdog, the timer
// thread and the outcome.
#include "vmm/machine.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <x86intrin.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "vmm/x86/boot.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/layout.h"

namespace xenvmm {

namespace {

constexpr uint32_t kMsrIa32Tsc = 0x10;

// Guest TSC = host TSC + the offset KVM applied at vCPU creation (no TSC
// scaling is configured), so "now" costs no ioctl.
class KvmTscSource final : public xen::GuestTscSource {
public:
    explicit KvmTscSource(int64_t offset) : m_offset(offset) {}
    uint64_t guest_tsc() const override { return __rdtsc() + static_cast<uint64_t>(m_offset); }

private:
    int64_t m_offset;
};

// The VMM's idea of the guest TSC must never run ahead of the guest's own,
// or a timer fires before the deadline the guest reads on its pvclock.
// KVM reports the offset exactly where it can; otherwise bracket an MSR
// read and take the host TSC after it, which errs on the late side (by the
// ioctl's latency, smallest of a few tries).
Result<int64_t> guest_tsc_offset(const Vcpu& vcpu)
{
    if (auto exact = vcpu.tsc_offset())
        return *exact;
    int64_t best = 0;
    uint64_t best_span = UINT64_MAX;
    for (int i = 0; i < 5; ++i) {
        uint64_t before = __rdtsc();
        uint64_t guest = TRY(vcpu.get_msr(kMsrIa32Tsc));
        uint64_t after = __rdtsc();
        if (after - before < best_span) {
            best_span = after - before;
            best = static_cast<int64_t>(guest - after);
        }
    }
    return best;
}

uint64_t realtime_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

Result<std::unique_ptr<Machine>> Machine::create(MachineConfig config)
{
    if (config.nr_vcpus == 0 || config.nr_vcpus > x86::kMaxVcpus)
        return make_error("--vcpus must be between 1 and " + std::to_string(x86::kMaxVcpus));
    if (config.image.empty() || config.image.size() > x86::kImageMax)
        return make_error("guest image must be 1 to " + std::to_string(x86::kImageMax) + " bytes");
    std::unique_ptr<Machine> m(new Machine());
    m->m_config = config;
    m->m_kvm.emplace(TRY(Kvm::open(kvm_device_path())));
    m->m_vm = TRY(Vm::create(*m->m_kvm));
    m->m_mem = TRY(GuestMemory::create(x86::kRamSize));
    Machine* self = m.get();
    m->m_mem->set_slot_applier(
        [self](const std::vector<MemSlot>&, const std::vector<MemSlot>& layout) { return self->apply_slots(layout); });
    TRY_VOID(m->apply_slots(m->m_mem->layout()));

    if (config.xen_kernel == XenKernel::automatic &&
        (m->m_kvm->check_extension(KVM_CAP_XEN_HVM) & kXenKernelHcallFlags) == kXenKernelHcallFlags) {
        // The kernel writes its own hypercall page (vmcall/vmmcall stubs)
        // on the MSR write and exits with KVM_EXIT_XEN per hypercall.
        kvm_xen_hvm_config xc{};
        xc.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL;
        xc.msr = xen::kHypercallMsr;
        if (::ioctl(m->m_vm->fd(), KVM_XEN_HVM_CONFIG, &xc) < 0)
            return errno_error("KVM_XEN_HVM_CONFIG");
        m->m_kernel_hcall = true;
    } else {
        // The hypercall-page MSR must reach userspace. KVM's Hyper-V code
        // would swallow a write to 0x40000000 before an "unknown MSR" exit
        // (pitfall P1), so a filter deny is the only reliable trigger.
        TRY_VOID(m->m_vm->enable_cap(KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_FILTER));
        TRY_VOID(m->m_vm->set_msr_filter_deny(xen::kHypercallMsr));
    }
    // Split irqchip: LAPICs in the kernel, no PIC/IOAPIC (24 would be the
    // IOAPIC routes reserved for userspace; none are used). Must precede
    // the vCPUs.
    if (has_lapic(config.irq_mode))
        TRY_VOID(m->m_vm->enable_cap(KVM_CAP_SPLIT_IRQCHIP, 24));

    x86::write_boot_tables(*m->m_mem);
    std::memcpy(m->m_mem->ram() + x86::kImageGpa, config.image.data(), config.image.size());

    for (uint32_t i = 0; i < config.nr_vcpus; ++i) {
        auto cpu = std::make_unique<MachineVcpu>();
        cpu->kvm = TRY(Vcpu::create(*m->m_kvm, *m->m_vm, i));
        if (has_lapic(config.irq_mode)) {
            TRY_VOID(cpu->kvm->setup_lapic_for_xen());
            // With an in-kernel LAPIC KVM holds APs in wait-for-SIPI; every
            // vCPU starts in long mode at its entry point here instead.
            TRY_VOID(cpu->kvm->set_mp_state(KVM_MP_STATE_RUNNABLE));
        }
        m->m_cpus.push_back(std::move(cpu));
    }

    Vcpu& boot = *m->m_cpus[0]->kvm;
    uint64_t tsc_khz = TRY(boot.tsc_khz());
    int64_t offset = TRY(guest_tsc_offset(boot));
    // The anchor: one guest TSC value and the KVM clock at that instant.
    // KVM_GET_CLOCK gives the host TSC it sampled the clock at (Linux
    // 5.16+); else the host TSC just before the call stands in.
    uint64_t host_tsc = __rdtsc();
    kvm_clock_data clk = TRY(m->m_vm->get_clock());
    if (clk.flags & KVM_CLOCK_HOST_TSC)
        host_tsc = clk.host_tsc;
    uint64_t guest_tsc = host_tsc + static_cast<uint64_t>(offset);
    uint64_t kvmclock = clk.clock;
    uint64_t now_real = realtime_ns();
    m->m_tsc = std::make_unique<KvmTscSource>(offset);
    xen::XenClock clock(m->m_tsc.get(), tsc_khz, guest_tsc, kvmclock, now_real - kvmclock);
    TRY_VOID(m->setup_xen(clock));
    TRY_VOID(register_test_port(*m));
    // The benchmark's floor: an exit that does nothing.
    TRY_VOID(m->m_ports.add(x86::kBenchPort, "bench", [](const PortIo&) -> Result<void> { return {}; }));
    TRY_VOID(m->setup_vcpus(tsc_khz, clock));
    return m;
}

Result<void> Machine::setup_vcpus(uint64_t tsc_khz, const xen::XenClock& clock)
{
    auto supported = TRY(m_kvm->supported_cpuid());
    for (auto& cpu : m_cpus) {
        Vcpu& vcpu = *cpu->kvm;
        uint32_t id = vcpu.id();
        TRY_VOID(vcpu.set_cpuid(x86::guest_cpuid(supported, id, tsc_khz, clock.scale(), has_lapic(m_config.irq_mode))));
        x86::BootInfo bi{};
        bi.magic = x86::kBootMagic;
        bi.vcpu_id = id;
        bi.nr_vcpus = m_config.nr_vcpus;
        bi.arg = m_config.arg;
        bi.tss_gva = x86::kTssGpa;
        bi.ram_size = x86::kRamSize;
        uint64_t bi_gpa = x86::kBootInfoGpa + id * sizeof(x86::BootInfo);
        bi.self = bi_gpa;
        bi.irq_mode = static_cast<uint32_t>(m_config.irq_mode);
        std::memcpy(m_mem->ram() + bi_gpa, &bi, sizeof(bi));
        TRY_VOID(x86::setup_long_mode(vcpu, x86::kImageGpa, x86::stack_top(id), bi_gpa));
    }
    return {};
}

Machine::~Machine()
{
    if (m_timer_thread.joinable()) {
        m_stop.store(true, std::memory_order_release);
        wake_timer_thread();
        m_timer_thread.join();
    }
    for (auto& cpu : m_cpus)
        if (cpu->thread.joinable())
            cpu->thread.join();
}

Result<void> Machine::apply_slots(const std::vector<MemSlot>& layout)
{
    // KVM cannot move or resize a slot: delete every live one, then create
    // the new layout (pitfall P8), with every vCPU held out of KVM_RUN so
    // none sees the transient hole.
    TRY_VOID(pause_vcpus());
    struct Resume {
        Machine* m;
        ~Resume() { m->resume_vcpus(); }
    } resume{this};
    for (uint32_t id : m_live_slots)
        TRY_VOID(m_vm->set_memory_region(id, 0, 0, nullptr));
    m_live_slots.clear();
    for (const auto& s : layout) {
        TRY_VOID(m_vm->set_memory_region(s.id, s.gpa, s.size, s.hva));
        m_live_slots.push_back(s.id);
    }
    return {};
}

std::vector<ExitSample> Machine::take_exit_samples(uint32_t vcpu)
{
    std::vector<ExitSample> out;
    out.swap(cpu(vcpu).exit_samples);
    return out;
}

std::vector<uint64_t> Machine::take_timer_lateness()
{
    std::lock_guard g(m_profile_lock);
    std::vector<uint64_t> out;
    out.swap(m_timer_lateness);
    return out;
}

uint64_t Machine::kvm_clock_ns() const
{
    auto c = m_vm->get_clock();
    return c ? c->clock : 0;
}

bool Machine::read_guest(uint32_t vcpu, uint64_t gva, void* dst, size_t len) const
{
    return x86::copy_from_guest(*m_mem, paging_of(vcpu), gva, dst, len);
}

std::optional<std::string> Machine::read_guest_string(uint32_t vcpu, uint64_t gva, size_t max) const
{
    std::string s;
    for (size_t i = 0; i < max; ++i) {
        char c;
        if (!read_guest(vcpu, gva + i, &c, 1))
            return std::nullopt;
        if (!c)
            return s;
        s.push_back(c);
    }
    return s;
}

void Machine::append_log(const std::string& line)
{
    std::lock_guard g(m_outcome_lock);
    m_outcome.log += line + "\n";
}

void Machine::stop(StopKind kind, std::string message)
{
    {
        std::lock_guard g(m_outcome_lock);
        if (m_outcome.kind == StopKind::none) {
            m_outcome.kind = kind;
            m_outcome.message = std::move(message);
        }
    }
    m_stop.store(true, std::memory_order_release);
    // Kick every vCPU still in KVM_RUN; immediate_exit closes the window
    // between the m_stop check and the next KVM_RUN. A failed kick is not
    // reported again: the run is ending and the outcome is set.
    for (uint32_t i = 0; i < m_cpus.size(); ++i) {
        (void)kick(i);
        wake(i);
    }
    {
        std::lock_guard g(m_gate_lock);
        m_gate_cv.notify_all();
    }
    wake_timer_thread();
}

void Machine::wake_timer_thread()
{
    std::lock_guard g(m_timer_lock);
    ++m_timer_seq;
    m_timer_cv.notify_all();
}

void Machine::timer_loop()
{
    // Timer slack off: the default 50 us would dominate the lateness. A
    // kernel that refuses only makes the timers later; the log says so.
    if (prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) != 0)
        append_log(std::string("timer thread: prctl(PR_SET_TIMERSLACK): ") + std::strerror(errno));
    std::unique_lock lk(m_timer_lock);
    while (!m_stop.load(std::memory_order_acquire)) {
        uint64_t seq = m_timer_seq;
        lk.unlock();
        uint64_t deadline = m_xen->next_timer_deadline();
        uint64_t now = m_xen->clock().now_ns();
        if (deadline && deadline <= now) {
            if (m_config.profile) {
                std::lock_guard g(m_profile_lock);
                if (m_timer_lateness.size() < kMaxProfileSamples)
                    m_timer_lateness.push_back(now - deadline);
            }
            m_xen->run_timers(now);
            lk.lock();
            continue;
        }
        lk.lock();
        auto changed = [&] { return m_timer_seq != seq || m_stop.load(std::memory_order_acquire); };
        if (deadline)
            m_timer_cv.wait_for(lk, std::chrono::nanoseconds(deadline - now), changed);
        else
            m_timer_cv.wait(lk, changed);
    }
}

void Machine::dump_vcpu_state() const
{
    auto* sh = reinterpret_cast<xen::SharedInfo*>(m_mem->overlay());
    for (uint32_t i = 0; i < m_cpus.size(); ++i) {
        auto* vi = m_xen->current_vcpu_info(i);
        auto* r = m_cpus[i]->kvm->run();
        std::fprintf(stderr, "vcpu %u: upcall %u sel %llx rip %llx if %u ready %u win %u exit %u\n", i,
                     vi->evtchn_upcall_pending, (unsigned long long)vi->evtchn_pending_sel,
                     (unsigned long long)r->s.regs.regs.rip, r->if_flag, r->ready_for_interrupt_injection,
                     r->request_interrupt_window, r->exit_reason);
    }
    std::fprintf(stderr, "pending0 %llx mask0 %llx next timer %llu now %llu\n",
                 (unsigned long long)sh->evtchn_pending[0], (unsigned long long)sh->evtchn_mask[0],
                 (unsigned long long)m_xen->next_timer_deadline(), (unsigned long long)m_xen->clock().now_ns());
}

RunOutcome Machine::run()
{
    if (auto r = install_kick_handler(); !r) {
        RunOutcome out;
        out.kind = StopKind::vmm_error;
        out.message = r.error().message;
        return out;
    }
    {
        std::lock_guard g(m_outcome_lock);
        m_running = static_cast<uint32_t>(m_cpus.size());
    }
    m_timer_thread = std::thread([this] { timer_loop(); });
    for (uint32_t i = 0; i < m_cpus.size(); ++i)
        m_cpus[i]->thread = std::thread([this, i] { vcpu_loop(i); });
    {
        std::unique_lock lk(m_outcome_lock);
        bool done = m_done_cv.wait_for(lk, m_config.watchdog, [this] { return m_running == 0; });
        if (!done) {
            lk.unlock();
            if (getenv("XENVMM_DEBUG_WATCHDOG"))
                dump_vcpu_state();
            stop(StopKind::watchdog, "no result within " + std::to_string(m_config.watchdog.count()) + " ms");
            lk.lock();
            m_done_cv.wait(lk, [this] { return m_running == 0; });
        }
    }
    for (auto& cpu : m_cpus)
        cpu->thread.join();
    if (m_timer_thread.joinable())
        m_timer_thread.join();
    std::lock_guard g(m_outcome_lock);
    RunOutcome out = m_outcome;
    out.console = m_xen->console();
    return out;
}

}  // namespace xenvmm
