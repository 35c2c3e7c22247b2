// The Xen part of the machine: the domain and its notifiers (wake, kick,
// per-vCPU vector MSIs, timer changes), the hypercall port and
// KVM_EXIT_XEN feeding the one dispatcher, the hypercall-page MSR exits,
// and injection of the global callback vector.
#include "vmm/machine.h"

#include <sys/ioctl.h>

namespace xenvmm {

namespace {

constexpr uint64_t kEferLma = 1ull << 10;

}  // namespace

Result<void> Machine::setup_xen(const xen::XenClock& clock)
{
    xen::DomainConfig dc;
    dc.nr_vcpus = m_config.nr_vcpus;
    dc.enable_abi_probe = m_config.enable_abi_probe;
    dc.percpu_upcall_vector = has_lapic(m_config.irq_mode);
    m_xen = std::make_unique<xen::XenDomain>(*m_mem, clock, dc);
    m_xen->set_console_echo(m_config.console_echo);
    m_xen->set_notifier([this](uint32_t v, xen::XenDomain::Notify how) {
        wake(v);
        if (how != xen::XenDomain::Notify::kick || on_vcpu_thread(v))
            return;
        if (auto r = kick(v); !r)
            stop(StopKind::vmm_error, r.error().message);
    });
    m_xen->set_vector_notifier([this](uint32_t v, uint8_t vector) {
        if (v >= m_cpus.size())
            return;
        // APIC id == vCPU id (KVM's default, and CPUID leaf 1 says so).
        if (auto r = m_vm->signal_msi(v, vector); !r) {
            stop(StopKind::vmm_error, "vCPU " + std::to_string(v) + ": " + r.error().message);
            return;
        }
        cpu(v).msi_signals.fetch_add(1, std::memory_order_acq_rel);
    });
    m_xen->set_timer_notifier([this] { wake_timer_thread(); });
    return m_ports.add(xen::kHypercallPort, "xen hypercalls",
                       [this](const PortIo& io) { return hypercall_port(io); });
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
        bool woken = park(id, [this, id, kind] { return m_xen->wait_done(id, kind); }, deadline);
        m_xen->set_runstate(id, xen::kRunstateRunning);
        if (!woken)
            return false;
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

Result<void> Machine::hypercall_port(const PortIo& io)
{
    kvm_run* run = io.run;
    auto& regs = run->s.regs.regs;
    const auto& sregs = run->s.regs.sregs;
    xen::HypercallRequest req;
    req.vcpu = io.vcpu;
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
    // false: the VM stopped (shutdown, or while parked); the loop sees it.
    (void)run_hypercall(io.vcpu, req, &ret);
    // The result goes back through sync regs (one exit, no SET_REGS).
    // RIP stays untouched: KVM skips the OUT on re-entry.
    regs.rax = static_cast<uint64_t>(ret);
    run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    return {};
}

void Machine::handle_xen_exit(uint32_t id, kvm_run* run)
{
    // Only with XenKernel::automatic on a kernel that has it: the same
    // dispatcher, the result through kvm_run (KVM sets rax and skips the
    // vmcall on re-entry).
    if (run->xen.type != KVM_EXIT_XEN_HCALL) {
        stop(StopKind::vmm_error, "unknown KVM_EXIT_XEN type " + std::to_string(run->xen.type));
        return;
    }
    int64_t ret = 0;
    (void)run_hypercall(id, request_from_xen_exit(id, run->xen, paging_of(id)), &ret);
    run->xen.u.hcall.result = static_cast<uint64_t>(ret);
}

void Machine::handle_msr_exit(uint32_t id, kvm_run* run)
{
    if (run->exit_reason == KVM_EXIT_X86_WRMSR) {
        bool lm = run->s.regs.sregs.efer & kEferLma;
        run->msr.error = m_xen->handle_wrmsr(id, run->msr.index, run->msr.data, lm) ? 0 : 1;
        return;
    }
    uint64_t value = 0;
    run->msr.error = m_xen->handle_rdmsr(id, run->msr.index, &value) ? 0 : 1;
    run->msr.data = value;
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
        if (::ioctl(cpu(id).kvm->fd(), KVM_INTERRUPT, &irq) == 0)
            cpu(id).vector_injections.fetch_add(1, std::memory_order_acq_rel);
        run->request_interrupt_window = 0;
    } else {
        // KVM exits with KVM_EXIT_IRQ_WINDOW_OPEN once IF=1 and no
        // interrupt shadow; the loop injects then.
        run->request_interrupt_window = 1;
    }
}

}  // namespace xenvmm
