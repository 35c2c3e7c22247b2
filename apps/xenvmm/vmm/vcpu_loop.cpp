// The vCPU run loop (kvmtool's kvm-cpu.c): one thread per vCPU enters
// KVM_RUN and hands each exit to its owner by one switch on exit_reason;
// port I/O goes through the port table. Also kicks (a signal plus
// immediate_exit), parking outside KVM_RUN and the run gate.
#include "vmm/machine.h"

#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace xenvmm {

namespace {

constexpr int kKickSignal = SIGUSR1;

void kick_handler(int) {}

// The vCPU this thread runs (-1 elsewhere).
thread_local int t_current_vcpu = -1;

std::string hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

Result<void> Machine::install_kick_handler()
{
    static std::once_flag once;
    static int error = 0;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_handler = kick_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // No SA_RESTART: KVM_RUN must return -EINTR.
        if (sigaction(kKickSignal, &sa, nullptr) != 0)
            error = errno;
    });
    if (error)
        return make_error(std::string("sigaction(SIGUSR1): ") + std::strerror(error));
    return {};
}

bool Machine::on_vcpu_thread(uint32_t id) { return t_current_vcpu == static_cast<int>(id); }

Result<void> Machine::kick(uint32_t id)
{
    MachineVcpu& c = cpu(id);
    // immediate_exit closes the window between the caller's decision to
    // enter and KVM_RUN itself; the signal ends a KVM_RUN in progress.
    __atomic_store_n(&c.kvm->run()->immediate_exit, 1, __ATOMIC_SEQ_CST);
    pthread_t tid = c.tid.load(std::memory_order_acquire);
    if (!tid)
        return {};
    // ESRCH: the thread has just left its loop, nothing to end.
    if (int e = pthread_kill(tid, kKickSignal); e != 0 && e != ESRCH)
        return make_error("vCPU " + std::to_string(id) + ": pthread_kill: " + std::strerror(e));
    return {};
}

void Machine::wake(uint32_t id)
{
    if (id >= m_cpus.size())
        return;
    MachineVcpu& c = cpu(id);
    std::lock_guard g(c.park_lock);
    ++c.park_seq;
    c.park_cv.notify_all();
}

bool Machine::park(uint32_t id, const std::function<bool()>& done, uint64_t deadline)
{
    MachineVcpu& c = cpu(id);
    for (;;) {
        uint64_t seq;
        {
            std::lock_guard g(c.park_lock);
            seq = c.park_seq;
        }
        if (m_stop.load(std::memory_order_acquire))
            return false;
        // Evaluated without park_lock: done() takes the domain lock, and
        // the notifier takes park_lock with the domain lock held.
        if (done())
            return true;
        std::unique_lock lk(c.park_lock);
        auto woken = [&] { return c.park_seq != seq || m_stop.load(std::memory_order_acquire); };
        if (deadline) {
            uint64_t now = m_xen->clock().now_ns();
            if (now >= deadline)
                return true;
            c.park_cv.wait_for(lk, std::chrono::nanoseconds(deadline - now), woken);
        } else {
            c.park_cv.wait(lk, woken);
        }
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

Result<void> Machine::pause_vcpus()
{
    std::unique_lock lk(m_gate_lock);
    ++m_pause_req;
    for (uint32_t i = 0; i < m_cpus.size(); ++i) {
        if (auto r = kick(i); !r) {
            --m_pause_req;
            m_gate_cv.notify_all();
            return r;
        }
    }
    // Every vCPU in KVM_RUN has been kicked and none can enter any more, so
    // this wait is bounded by one exit per vCPU.
    m_gate_cv.wait(lk, [this] { return m_in_run == 0; });
    return {};
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

x86::PagingState Machine::paging_of(uint32_t id) const
{
    const auto& s = cpu(id).kvm->run()->s.regs.sregs;
    return {s.cr0, s.cr3, s.cr4, s.efer};
}

Result<void> Machine::handle_io(uint32_t id, kvm_run* run)
{
    auto& io = run->io;
    if (io.direction != KVM_EXIT_IO_OUT || io.size != 4 || io.count != 1) {
        stop(StopKind::guest_error, "unexpected port I/O: port " + hex(io.port) + " size " + std::to_string(io.size) +
                                        " count " + std::to_string(io.count));
        return {};
    }
    const PortHandler* handler = m_ports.find(io.port);
    if (!handler) {
        stop(StopKind::guest_error, "unexpected port I/O: port " + hex(io.port));
        return {};
    }
    PortIo out{id, io.port, 0, run};
    std::memcpy(&out.data, reinterpret_cast<uint8_t*>(run) + io.data_offset, 4);
    return (*handler)(out);
}

void Machine::handle_exit(uint32_t id, kvm_run* run)
{
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        if (auto r = handle_io(id, run); !r)
            stop(StopKind::vmm_error, "vCPU " + std::to_string(id) + ": port " + hex(run->io.port) + ": " +
                                          r.error().message);
        break;
    case KVM_EXIT_XEN:
        handle_xen_exit(id, run);
        break;
    case KVM_EXIT_X86_WRMSR:
    case KVM_EXIT_X86_RDMSR:
        handle_msr_exit(id, run);
        break;
    case KVM_EXIT_HLT:
        // HLT with interrupts on and a callback vector: idle until an
        // upcall is pending (RIP is already past the HLT). Anything else
        // can never wake, so it ends the run.
        if (run->if_flag && m_xen->callback_vector()) {
            m_xen->set_runstate(id, xen::kRunstateBlocked);
            // Not woken: the VM stopped while the vCPU slept, and the loop
            // ends at its m_stop check (runstate blocked, then offline).
            if (!park(id, [this, id] { return m_xen->upcall_pending(id) || !m_xen->vcpu_up(id); }, 0))
                break;
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
        stop(StopKind::guest_error,
             "guest accessed unbacked GPA " + hex(run->mmio.phys_addr) + " at rip " + hex(run->s.regs.regs.rip));
        break;
    case KVM_EXIT_FAIL_ENTRY:
        stop(StopKind::vmm_error, "VM entry failed, reason " + hex(run->fail_entry.hardware_entry_failure_reason));
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        stop(StopKind::vmm_error, "KVM internal error, suberror " + std::to_string(run->internal.suberror));
        break;
    default:
        stop(StopKind::guest_error, "unexpected exit reason " + std::to_string(run->exit_reason));
        break;
    }
}

void Machine::vcpu_loop(uint32_t id)
{
    MachineVcpu& c = cpu(id);
    kvm_run* run = c.kvm->run();
    c.tid.store(pthread_self(), std::memory_order_release);
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
            if (c.exit_samples.size() < kMaxProfileSamples)
                c.exit_samples.push_back({static_cast<uint16_t>(profiled_port), __rdtsc() - exit_tsc});
            profiled_port = -1;
        }
        int r = ::ioctl(c.kvm->fd(), KVM_RUN, 0);
        int err = errno;
        if (m_config.profile && r == 0 && run->exit_reason == KVM_EXIT_IO) {
            exit_tsc = __rdtsc();
            profiled_port = run->io.port;
        }
        c.run_returns.fetch_add(1, std::memory_order_acq_rel);
        leave_gate();
        if (r < 0) {
            if (err == EINTR || err == EAGAIN) {
                __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
                continue;
            }
            stop(StopKind::vmm_error, std::string("KVM_RUN: ") + std::strerror(err));
            break;
        }
        handle_exit(id, run);
    }
    m_xen->set_runstate(id, xen::kRunstateOffline);
    c.tid.store(pthread_t{}, std::memory_order_release);
    std::lock_guard g(m_outcome_lock);
    --m_running;
    m_done_cv.notify_all();
}

}  // namespace xenvmm
