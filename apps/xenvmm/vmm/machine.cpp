#include "vmm/machine.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include <cstring>
#include <ctime>

#include "vmm/x86/boot.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/layout.h"

namespace xenvmm {

namespace {

constexpr uint32_t kMsrIa32Tsc = 0x10;
constexpr uint64_t kEferLma = 1ull << 10;
constexpr int kKickSignal = SIGUSR1;

// Guest TSC = host TSC + the offset KVM applied at vCPU creation (no TSC
// scaling is configured), so "now" costs no ioctl.
class KvmTscSource final : public xen::GuestTscSource {
public:
    explicit KvmTscSource(int64_t offset) : m_offset(offset) {}
    uint64_t guest_tsc() const override { return __rdtsc() + static_cast<uint64_t>(m_offset); }

private:
    int64_t m_offset;
};

void kick_handler(int) {}

// The vCPU this thread runs (-1 elsewhere): a notification for the
// thread's own vCPU needs no kick, the loop re-checks before KVM_RUN.
thread_local int t_current_vcpu = -1;


void install_kick_handler()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_handler = kick_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // No SA_RESTART: KVM_RUN must return -EINTR.
        sigaction(kKickSignal, &sa, nullptr);
    });
}

uint64_t realtime_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

std::string hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

const char* to_string(StopKind kind)
{
    switch (kind) {
    case StopKind::none:
        return "none";
    case StopKind::shutdown:
        return "shutdown";
    case StopKind::test_pass:
        return "pass";
    case StopKind::test_fail:
        return "fail";
    case StopKind::test_skip:
        return "skip";
    case StopKind::watchdog:
        return "watchdog";
    case StopKind::guest_error:
        return "guest-error";
    case StopKind::vmm_error:
        return "vmm-error";
    }
    return "?";
}

const char* to_string(IrqMode mode)
{
    switch (mode) {
    case IrqMode::callback:
        return "callback";
    case IrqMode::lapic_callback:
        return "lapic-callback";
    case IrqMode::lapic_percpu:
        return "lapic-percpu";
    }
    return "?";
}

std::optional<IrqMode> parse_irq_mode(const std::string& name)
{
    for (IrqMode m : kAllIrqModes)
        if (name == to_string(m))
            return m;
    return std::nullopt;
}

std::vector<IrqMode> irq_modes_named(const std::string& name)
{
    if (name == "all")
        return {std::begin(kAllIrqModes), std::end(kAllIrqModes)};
    return {parse_irq_mode(name).value_or(IrqMode::callback)};
}

std::optional<std::string> host_unsupported_reason(IrqMode mode)
{
    std::string path = kvm_device_path();
    auto kvm = Kvm::open(path);
    if (!kvm)
        return kvm.error().message;
    struct Need {
        long cap;
        const char* name;
    };
    for (auto need : {Need{KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR"},
                      Need{KVM_CAP_X86_MSR_FILTER, "KVM_CAP_X86_MSR_FILTER"},
                      Need{KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS"},
                      Need{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"}}) {
        if (!kvm->check_extension(need.cap))
            return path + " lacks " + need.name;
    }
    int sync = kvm->check_extension(KVM_CAP_SYNC_REGS);
    if ((sync & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) != (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS))
        return path + ": KVM_CAP_SYNC_REGS lacks regs/sregs";
    if (has_lapic(mode)) {
        if (!kvm->check_extension(KVM_CAP_SPLIT_IRQCHIP))
            return path + " lacks KVM_CAP_SPLIT_IRQCHIP, needed by --irq " + to_string(mode);
        if (!kvm->check_extension(KVM_CAP_SIGNAL_MSI))
            return path + " lacks KVM_CAP_SIGNAL_MSI, needed by --irq " + to_string(mode);
    }
    return std::nullopt;
}

Result<std::unique_ptr<Machine>> Machine::create(MachineConfig config)
{
    if (config.nr_vcpus == 0 || config.nr_vcpus > x86::kMaxVcpus)
        return Error{"--vcpus must be between 1 and " + std::to_string(x86::kMaxVcpus)};
    if (config.image.empty() || config.image.size() > x86::kImageMax)
        return Error{"guest image must be 1 to " + std::to_string(x86::kImageMax) + " bytes"};
    std::unique_ptr<Machine> m(new Machine());
    m->m_config = config;
    m->m_kvm.emplace(TRY(Kvm::open(kvm_device_path())));
    m->m_vm = TRY(Vm::create(*m->m_kvm));
    m->m_mem = TRY(GuestMemory::create(x86::kRamSize));
    Machine* self = m.get();
    m->m_mem->set_slot_applier(
        [self](const std::vector<MemSlot>&, const std::vector<MemSlot>& layout) { return self->apply_slots(layout); });
    TRY(m->apply_slots(m->m_mem->layout()));

    if (config.xen_kernel == XenKernel::automatic &&
        (m->m_kvm->check_extension(KVM_CAP_XEN_HVM) & kXenKernelHcallFlags) == kXenKernelHcallFlags) {
        // The kernel writes its own hypercall page (vmcall/vmmcall stubs)
        // on the MSR write and exits with KVM_EXIT_XEN per hypercall.
        kvm_xen_hvm_config xc{};
        xc.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL;
        xc.msr = xen::kHypercallMsr;
        if (::ioctl(m->m_vm->fd(), KVM_XEN_HVM_CONFIG, &xc) < 0)
            return Error::from_errno("KVM_XEN_HVM_CONFIG");
        m->m_kernel_hcall = true;
    } else {
        // The hypercall-page MSR must reach userspace. KVM's Hyper-V code
        // would swallow a write to 0x40000000 before an "unknown MSR" exit
        // (pitfall P1), so a filter deny is the only reliable trigger.
        TRY(m->m_vm->enable_cap(KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_FILTER));
        TRY(m->m_vm->set_msr_filter_deny(xen::kHypercallMsr));
    }
    // Split irqchip: LAPICs in the kernel, no PIC/IOAPIC (24 would be the
    // IOAPIC routes reserved for userspace; none are used). Must precede
    // the vCPUs.
    if (has_lapic(config.irq_mode))
        TRY(m->m_vm->enable_cap(KVM_CAP_SPLIT_IRQCHIP, 24));

    x86::write_boot_tables(*m->m_mem);
    std::memcpy(m->m_mem->ram() + x86::kImageGpa, config.image.data(), config.image.size());

    for (uint32_t i = 0; i < config.nr_vcpus; ++i) {
        m->m_vcpus.push_back(TRY(Vcpu::create(*m->m_kvm, *m->m_vm, i)));
        if (has_lapic(config.irq_mode)) {
            TRY(m->m_vcpus.back()->setup_lapic_for_xen());
            // With an in-kernel LAPIC KVM holds APs in wait-for-SIPI; every
            // vCPU starts in long mode at its entry point here instead.
            TRY(m->m_vcpus.back()->set_mp_state(KVM_MP_STATE_RUNNABLE));
        }
    }

    Vcpu& boot = *m->m_vcpus[0];
    uint64_t tsc_khz = TRY(boot.tsc_khz());
    uint64_t host_tsc = __rdtsc();
    uint64_t guest_tsc = TRY(boot.get_msr(kMsrIa32Tsc));
    uint64_t kvmclock = TRY(m->m_vm->get_clock()).clock;
    uint64_t now_real = realtime_ns();
    m->m_tsc = std::make_unique<KvmTscSource>(static_cast<int64_t>(guest_tsc - host_tsc));
    xen::XenClock clock(m->m_tsc.get(), tsc_khz, guest_tsc, kvmclock, now_real - kvmclock);
    xen::DomainConfig dc;
    dc.nr_vcpus = config.nr_vcpus;
    dc.enable_abi_probe = config.enable_abi_probe;
    dc.percpu_upcall_vector = has_lapic(config.irq_mode);
    m->m_xen = std::make_unique<xen::XenDomain>(*m->m_mem, clock, dc);
    m->m_xen->set_console_echo(config.console_echo);
    m->m_xen->set_notifier([self](uint32_t v, xen::XenDomain::Notify how) {
        self->wake(v);
        if (how == xen::XenDomain::Notify::kick && static_cast<int>(v) != t_current_vcpu)
            self->kick(v);
    });
    m->m_xen->set_vector_notifier([self](uint32_t v, uint8_t vector) {
        if (v >= self->m_vcpus.size())
            return;
        // APIC id == vCPU id (KVM's default, and CPUID leaf 1 says so).
        if (auto r = self->m_vm->signal_msi(v, vector); !r) {
            self->stop(StopKind::vmm_error, "vCPU " + std::to_string(v) + ": " + r.error().message);
            return;
        }
        self->m_msi_signals[v].fetch_add(1, std::memory_order_acq_rel);
    });
    m->m_xen->set_timer_notifier([self] {
        std::lock_guard g(self->m_timer_lock);
        ++self->m_timer_seq;
        self->m_timer_cv.notify_all();
    });

    auto supported = TRY(m->m_kvm->supported_cpuid());
    for (auto& vcpu : m->m_vcpus) {
        uint32_t id = vcpu->id();
        TRY(vcpu->set_cpuid(x86::guest_cpuid(supported, id, tsc_khz, clock.scale(), has_lapic(config.irq_mode))));
        x86::BootInfo bi{};
        bi.magic = x86::kBootMagic;
        bi.vcpu_id = id;
        bi.nr_vcpus = config.nr_vcpus;
        bi.arg = config.arg;
        bi.tss_gva = x86::kTssGpa;
        bi.ram_size = x86::kRamSize;
        uint64_t bi_gpa = x86::kBootInfoGpa + id * sizeof(x86::BootInfo);
        bi.self = bi_gpa;
        bi.irq_mode = static_cast<uint32_t>(config.irq_mode);
        std::memcpy(m->m_mem->ram() + bi_gpa, &bi, sizeof(bi));
        TRY(x86::setup_long_mode(*vcpu, x86::kImageGpa, x86::stack_top(id), bi_gpa));
    }
    return m;
}

Machine::~Machine()
{
    if (m_timer_thread.joinable()) {
        m_stop.store(true, std::memory_order_release);
        {
            std::lock_guard g(m_timer_lock);
            ++m_timer_seq;
            m_timer_cv.notify_all();
        }
        m_timer_thread.join();
    }
    for (auto& t : m_threads)
        if (t.joinable())
            t.join();
}

void Machine::kick(uint32_t id)
{
    // immediate_exit closes the window between the caller's decision to
    // enter and KVM_RUN itself; the signal ends a KVM_RUN in progress.
    __atomic_store_n(&m_vcpus[id]->run()->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (pthread_t tid = m_tids[id].load(std::memory_order_acquire))
        pthread_kill(tid, kKickSignal);
}

void Machine::wake(uint32_t id)
{
    if (id >= m_vcpus.size())
        return;
    std::lock_guard g(m_ctl[id].m);
    ++m_ctl[id].seq;
    m_ctl[id].cv.notify_all();
}

bool Machine::park(uint32_t id, const std::function<bool()>& done, uint64_t deadline)
{
    VcpuCtl& c = m_ctl[id];
    for (;;) {
        uint64_t seq;
        {
            std::lock_guard g(c.m);
            seq = c.seq;
        }
        if (m_stop.load(std::memory_order_acquire))
            return false;
        // Evaluated without c.m: done() takes the domain lock, and the
        // notifier takes c.m with the domain lock held.
        if (done())
            return true;
        std::unique_lock lk(c.m);
        auto woken = [&] { return c.seq != seq || m_stop.load(std::memory_order_acquire); };
        if (deadline) {
            uint64_t now = m_xen->clock().now_ns();
            if (now >= deadline)
                return true;
            c.cv.wait_for(lk, std::chrono::nanoseconds(deadline - now), woken);
        } else {
            c.cv.wait(lk, woken);
        }
    }
}

void Machine::inject_upcall(uint32_t id, kvm_run* run)
{
    // Global callback vector (HVM_PARAM_CALLBACK_IRQ type 2): level-like,
    // injected whenever upcall_pending is set and the guest can take an
    // interrupt, no EOI (KVM's in-kernel version uses ExtINT the same way).
    // A vCPU with a per-vCPU vector gets its upcalls through the LAPIC
    // (KVM_SIGNAL_MSI from the domain), never this way.
    uint8_t vec = m_xen->callback_vector();
    if (!vec || m_xen->upcall_vector(id) || !m_xen->upcall_pending(id)) {
        run->request_interrupt_window = 0;
        return;
    }
    if (run->ready_for_interrupt_injection && run->if_flag) {
        kvm_interrupt irq{};
        irq.irq = vec;
        // -EEXIST: one is already queued, which is as good.
        if (::ioctl(m_vcpus[id]->fd(), KVM_INTERRUPT, &irq) == 0)
            m_vector_injections[id].fetch_add(1, std::memory_order_acq_rel);
        run->request_interrupt_window = 0;
    } else {
        // KVM exits with KVM_EXIT_IRQ_WINDOW_OPEN once IF=1 and no
        // interrupt shadow; the loop injects then.
        run->request_interrupt_window = 1;
    }
}

bool Machine::park_down(uint32_t id)
{
    if (m_xen->vcpu_up(id))
        return true;
    m_xen->set_runstate(id, xen::kRunstateOffline);
    bool ok = park(id, [this, id] { return m_xen->vcpu_up(id); }, 0);
    m_xen->set_runstate(id, xen::kRunstateRunning);
    return ok;
}

void Machine::timer_loop()
{
    // Timer slack off: the default 50 us would dominate the lateness.
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
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

void Machine::pause_vcpus()
{
    std::unique_lock lk(m_gate_lock);
    ++m_pause_req;
    for (uint32_t i = 0; i < m_vcpus.size(); ++i)
        kick(i);
    // Every vCPU in KVM_RUN has been kicked and none can enter any more, so
    // this wait is bounded by one exit per vCPU.
    m_gate_cv.wait(lk, [this] { return m_in_run == 0; });
}

void Machine::resume_vcpus()
{
    std::lock_guard g(m_gate_lock);
    --m_pause_req;
    m_gate_cv.notify_all();
}

bool Machine::enter_gate()
{
    std::unique_lock lk(m_gate_lock);
    m_gate_cv.wait(lk, [this] { return m_pause_req == 0 || m_stop.load(std::memory_order_acquire); });
    if (m_stop.load(std::memory_order_acquire))
        return false;
    ++m_in_run;
    return true;
}

void Machine::leave_gate()
{
    std::lock_guard g(m_gate_lock);
    if (--m_in_run == 0)
        m_gate_cv.notify_all();
}

Result<void> Machine::apply_slots(const std::vector<MemSlot>& layout)
{
    // KVM cannot move or resize a slot: delete every live one, then create
    // the new layout (pitfall P8), with every vCPU held out of KVM_RUN so
    // none sees the transient hole.
    pause_vcpus();
    struct Resume {
        Machine* m;
        ~Resume() { m->resume_vcpus(); }
    } resume{this};
    for (uint32_t id : m_live_slots)
        TRY(m_vm->set_memory_region(id, 0, 0, nullptr));
    m_live_slots.clear();
    for (const auto& s : layout) {
        TRY(m_vm->set_memory_region(s.id, s.gpa, s.size, s.hva));
        m_live_slots.push_back(s.id);
    }
    return {};
}

std::vector<Machine::ExitSample> Machine::take_exit_samples(uint32_t vcpu)
{
    std::vector<ExitSample> out;
    out.swap(m_exit_samples.at(vcpu));
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

x86::PagingState Machine::paging_of(uint32_t id) const
{
    const auto& s = m_vcpus.at(id)->run()->s.regs.sregs;
    return {s.cr0, s.cr3, s.cr4, s.efer};
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
    // between the m_stop check and the next KVM_RUN.
    for (uint32_t i = 0; i < m_vcpus.size(); ++i) {
        kick(i);
        wake(i);
    }
    {
        std::lock_guard g(m_gate_lock);
        m_gate_cv.notify_all();
    }
    {
        std::lock_guard g(m_timer_lock);
        ++m_timer_seq;
        m_timer_cv.notify_all();
    }
}

void Machine::handle_test_port(uint32_t id, kvm_run* run, uint32_t cmd)
{
    auto& regs = run->s.regs.regs;
    switch (static_cast<TestCommand>(cmd)) {
    case TestCommand::pass:
        stop(StopKind::test_pass, "");
        return;
    case TestCommand::fail: {
        auto file = read_guest_string(id, regs.rdi, 128).value_or("?");
        auto msg = read_guest_string(id, regs.rdx, 256).value_or("?");
        stop(StopKind::test_fail, "guest assert " + file + ":" + std::to_string(regs.rsi) + ": " + msg +
                                      " (values " + hex(regs.r10) + ", " + hex(regs.r8) + ")");
        return;
    }
    case TestCommand::skip:
        stop(StopKind::test_skip, read_guest_string(id, regs.rdi, 256).value_or("guest skipped"));
        return;
    case TestCommand::print: {
        std::lock_guard g(m_outcome_lock);
        m_outcome.log += read_guest_string(id, regs.rdi, 256).value_or("?") + "\n";
        return;
    }
    case TestCommand::sync: {
        // VMM invariants at every sync point, before any test-specific check.
        for (uint32_t v = 0; v < m_xen->nr_vcpus(); ++v) {
            std::string why;
            if (!m_xen->runstate_invariant_holds(v, &why)) {
                stop(StopKind::test_fail, "vCPU " + std::to_string(v) + ": " + why);
                return;
            }
        }
        SyncEvent ev{id, regs.rdi, {regs.rsi, regs.rdx, regs.r10, regs.r8}};
        uint64_t ret = 0;
        if (m_config.on_sync) {
            std::string failure;
            ret = m_config.on_sync(*this, ev, &failure);
            if (!failure.empty()) {
                stop(StopKind::test_fail, "host check at stage " + std::to_string(ev.stage) + ": " + failure);
                return;
            }
        }
        regs.rax = ret;
        run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
        return;
    }
    }
    stop(StopKind::guest_error, "unknown test-port command " + std::to_string(cmd));
}

xen::HypercallRequest request_from_xen_exit(uint32_t vcpu, const kvm_xen_exit& exit, const x86::PagingState& paging)
{
    // KVM has already read the registers of the guest's mode (rdi, rsi,
    // rdx, r10, r8, r9 or ebx, ecx, edx, esi, edi, ebp) and its CPL.
    xen::HypercallRequest req;
    req.vcpu = vcpu;
    req.long_mode = exit.u.hcall.longmode != 0;
    req.cpl = static_cast<int>(exit.u.hcall.cpl);
    req.paging = paging;
    req.nr = req.long_mode ? exit.u.hcall.input : static_cast<uint32_t>(exit.u.hcall.input);
    for (size_t i = 0; i < req.args.size(); ++i)
        req.args[i] = req.long_mode ? exit.u.hcall.params[i] : static_cast<uint32_t>(exit.u.hcall.params[i]);
    return req;
}

bool Machine::run_hypercall(uint32_t id, const xen::HypercallRequest& req, int64_t* ret)
{
    *ret = m_xen->dispatch(req);
    if (auto kind = m_xen->take_wait(id); kind != xen::WaitKind::none) {
        m_xen->set_runstate(id, xen::kRunstateBlocked);
        uint64_t deadline = kind == xen::WaitKind::poll ? m_xen->poll_deadline(id) : 0;
        park(id, [this, id, kind] { return m_xen->wait_done(id, kind); }, deadline);
        m_xen->set_runstate(id, xen::kRunstateRunning);
    }
    if (auto reason = m_xen->shutdown_reason()) {
        {
            std::lock_guard g(m_outcome_lock);
            m_outcome.shutdown_reason = *reason;
        }
        stop(StopKind::shutdown, "SCHEDOP_shutdown reason " + std::to_string(*reason));
        return false;
    }
    return true;
}

bool Machine::handle_io(uint32_t id, kvm_run* run)
{
    auto& io = run->io;
    if (io.direction != KVM_EXIT_IO_OUT || io.size != 4 || io.count != 1) {
        stop(StopKind::guest_error, "unexpected port I/O: port " + hex(io.port) + " size " + std::to_string(io.size) +
                                        " count " + std::to_string(io.count));
        return false;
    }
    uint32_t data;
    std::memcpy(&data, reinterpret_cast<uint8_t*>(run) + io.data_offset, 4);
    if (io.port == xen::kHypercallPort) {
        auto& regs = run->s.regs.regs;
        const auto& sregs = run->s.regs.sregs;
        xen::HypercallRequest req;
        req.vcpu = id;
        req.long_mode = (sregs.efer & kEferLma) && sregs.cs.l;
        // VMX defines CPL as SS.DPL.
        req.cpl = sregs.ss.dpl;
        req.paging = {sregs.cr0, sregs.cr3, sregs.cr4, sregs.efer};
        if (req.long_mode) {
            req.nr = regs.rax;
            req.args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
        } else {
            req.nr = static_cast<uint32_t>(regs.rax);
            req.args = {static_cast<uint32_t>(regs.rbx), static_cast<uint32_t>(regs.rcx),
                        static_cast<uint32_t>(regs.rdx), static_cast<uint32_t>(regs.rsi),
                        static_cast<uint32_t>(regs.rdi), static_cast<uint32_t>(regs.rbp)};
        }
        int64_t ret = 0;
        bool running = run_hypercall(id, req, &ret);
        // The result goes back through sync regs (one exit, no SET_REGS).
        // RIP stays untouched: KVM skips the OUT on re-entry.
        regs.rax = static_cast<uint64_t>(ret);
        run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
        return running;
    }
    if (io.port == x86::kBenchPort)
        return true;
    if (io.port == x86::kTestPort) {
        handle_test_port(id, run, data);
        return !m_stop.load(std::memory_order_acquire);
    }
    stop(StopKind::guest_error, "unexpected port I/O: port " + hex(io.port));
    return false;
}

void Machine::vcpu_loop(uint32_t id)
{
    Vcpu& vcpu = *m_vcpus[id];
    kvm_run* run = vcpu.run();
    m_tids[id].store(pthread_self(), std::memory_order_release);
    t_current_vcpu = static_cast<int>(id);
    run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    m_xen->update_time(id);
    m_xen->set_runstate(id, xen::kRunstateRunning);
    // Profiling: the port and TSC of the last I/O exit, closed right
    // before the next KVM_RUN so injection work counts as the VMM's.
    int profiled_port = -1;
    uint64_t exit_tsc = 0;
    while (!m_stop.load(std::memory_order_acquire)) {
        if (!park_down(id))
            break;
        inject_upcall(id, run);
        if (!enter_gate())
            break;
        if (profiled_port >= 0) {
            if (m_exit_samples[id].size() < kMaxProfileSamples)
                m_exit_samples[id].push_back({static_cast<uint16_t>(profiled_port), __rdtsc() - exit_tsc});
            profiled_port = -1;
        }
        int r = ::ioctl(vcpu.fd(), KVM_RUN, 0);
        int err = errno;
        if (m_config.profile && r == 0 && run->exit_reason == KVM_EXIT_IO) {
            exit_tsc = __rdtsc();
            profiled_port = run->io.port;
        }
        m_run_returns[id].fetch_add(1, std::memory_order_acq_rel);
        leave_gate();
        if (r < 0) {
            if (err == EINTR || err == EAGAIN) {
                __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
                continue;
            }
            errno = err;
            stop(StopKind::vmm_error, std::string("KVM_RUN: ") + std::strerror(errno));
            break;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            handle_io(id, run);
            break;
        case KVM_EXIT_XEN:
            // Only with XenKernel::automatic on a kernel that has it: the
            // same dispatcher, the result through kvm_run (KVM sets rax and
            // skips the vmcall on re-entry).
            if (run->xen.type == KVM_EXIT_XEN_HCALL) {
                int64_t ret = 0;
                run_hypercall(id, request_from_xen_exit(id, run->xen, paging_of(id)), &ret);
                run->xen.u.hcall.result = static_cast<uint64_t>(ret);
            } else {
                stop(StopKind::vmm_error, "unknown KVM_EXIT_XEN type " + std::to_string(run->xen.type));
            }
            break;
        case KVM_EXIT_X86_WRMSR: {
            bool lm = run->s.regs.sregs.efer & kEferLma;
            run->msr.error = m_xen->handle_wrmsr(id, run->msr.index, run->msr.data, lm) ? 0 : 1;
            break;
        }
        case KVM_EXIT_X86_RDMSR: {
            uint64_t value = 0;
            run->msr.error = m_xen->handle_rdmsr(id, run->msr.index, &value) ? 0 : 1;
            run->msr.data = value;
            break;
        }
        case KVM_EXIT_HLT:
            // HLT with interrupts on and a callback vector: idle until an
            // upcall is pending (RIP is already past the HLT). Anything else
            // can never wake, so it ends the run as before.
            if (run->if_flag && m_xen->callback_vector()) {
                m_xen->set_runstate(id, xen::kRunstateBlocked);
                park(id, [this, id] { return m_xen->upcall_pending(id) || !m_xen->vcpu_up(id); }, 0);
                m_xen->set_runstate(id, xen::kRunstateRunning);
            } else {
                stop(StopKind::guest_error, "guest halted at rip " + hex(run->s.regs.regs.rip) + " without a result");
            }
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
        case KVM_EXIT_IOAPIC_EOI:  // Split irqchip; no IOAPIC routes exist.
            break;
        case KVM_EXIT_SHUTDOWN:
            stop(StopKind::guest_error, "guest triple fault (KVM_EXIT_SHUTDOWN) near rip " + hex(run->s.regs.regs.rip));
            break;
        case KVM_EXIT_MMIO:
            stop(StopKind::guest_error, "guest accessed unbacked GPA " + hex(run->mmio.phys_addr) + " at rip " +
                                            hex(run->s.regs.regs.rip));
            break;
        case KVM_EXIT_FAIL_ENTRY:
            stop(StopKind::vmm_error,
                 "VM entry failed, reason " + hex(run->fail_entry.hardware_entry_failure_reason));
            break;
        case KVM_EXIT_INTERNAL_ERROR:
            stop(StopKind::vmm_error, "KVM internal error, suberror " + std::to_string(run->internal.suberror));
            break;
        default:
            stop(StopKind::guest_error, "unexpected exit reason " + std::to_string(run->exit_reason));
            break;
        }
    }
    m_xen->set_runstate(id, xen::kRunstateOffline);
    std::lock_guard g(m_outcome_lock);
    --m_running;
    m_done_cv.notify_all();
}

RunOutcome Machine::run()
{
    install_kick_handler();
    {
        std::lock_guard g(m_outcome_lock);
        m_running = static_cast<uint32_t>(m_vcpus.size());
    }
    m_timer_thread = std::thread([this] { timer_loop(); });
    for (uint32_t i = 0; i < m_vcpus.size(); ++i)
        m_threads.emplace_back([this, i] { vcpu_loop(i); });
    {
        std::unique_lock lk(m_outcome_lock);
        bool done = m_done_cv.wait_for(lk, m_config.watchdog, [this] { return m_running == 0; });
        if (!done) {
            lk.unlock();
            if (getenv("XENVMM_DEBUG_WATCHDOG")) {
                auto* sh = reinterpret_cast<xen::SharedInfo*>(m_mem->overlay());
                for (uint32_t i = 0; i < m_vcpus.size(); ++i) {
                    auto* vi = m_xen->current_vcpu_info(i);
                    auto* r = m_vcpus[i]->run();
                    std::fprintf(stderr, "vcpu %u: upcall %u sel %llx rip %llx if %u ready %u win %u exit %u\n", i,
                                 vi->evtchn_upcall_pending, (unsigned long long)vi->evtchn_pending_sel,
                                 (unsigned long long)r->s.regs.regs.rip, r->if_flag, r->ready_for_interrupt_injection,
                                 r->request_interrupt_window, r->exit_reason);
                }
                std::fprintf(stderr, "pending0 %llx mask0 %llx next timer %llu now %llu\n",
                             (unsigned long long)sh->evtchn_pending[0], (unsigned long long)sh->evtchn_mask[0],
                             (unsigned long long)m_xen->next_timer_deadline(), (unsigned long long)m_xen->clock().now_ns());
            }
            stop(StopKind::watchdog,
                 "no result within " + std::to_string(m_config.watchdog.count()) + " ms");
            lk.lock();
            m_done_cv.wait(lk, [this] { return m_running == 0; });
        }
    }
    for (auto& t : m_threads)
        t.join();
    m_threads.clear();
    if (m_timer_thread.joinable())
        m_timer_thread.join();
    std::lock_guard g(m_outcome_lock);
    RunOutcome out = m_outcome;
    out.console = m_xen->console();
    return out;
}

}  // namespace xenvmm
