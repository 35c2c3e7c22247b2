// One VM running one guest image: KVM objects, guest memory, the Xen state,
// a thread per vCPU and a watchdog, plus the harness test port.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "vmm/kvm.h"
#include "vmm/memory.h"
#include "vmm/result.h"
#include "vmm/xen/domain.h"

namespace xenvmm {

// Test-port commands (guests/runtime/guest.h mirrors them).
enum class TestCommand : uint32_t { pass = 1, fail = 2, skip = 3, sync = 4, print = 5 };

struct SyncEvent {
    uint32_t vcpu = 0;
    uint64_t stage = 0;
    std::array<uint64_t, 4> args{};
};

class Machine;
// Host-side check at a guest sync point. Returns the value handed back to
// the guest in rax; a non-empty *failure fails the run.
using SyncHandler = std::function<uint64_t(Machine&, const SyncEvent&, std::string* failure)>;

// How upcalls reach the guest (the "interrupt modes" of the suite).
//  callback:        no in-kernel irqchip; the global callback vector
//                   (HVM_PARAM_CALLBACK_IRQ) injected with KVM_INTERRUPT,
//                   HLT exits to the VMM. HVMOP_set_evtchn_upcall_vector
//                   is -ENOSYS.
//  lapic_callback:  split irqchip (in-kernel LAPIC); the global vector is
//                   still injected with KVM_INTERRUPT, as an ExtINT through
//                   LINT0; the per-vCPU vector is available.
//  lapic_percpu:    split irqchip, and the guest runtime's upcall_setup()
//                   registers a per-vCPU vector on every vCPU
//                   (HVMOP_set_evtchn_upcall_vector): each upcall is a
//                   KVM_SIGNAL_MSI to the vCPU's LAPIC and needs an EOI.
enum class IrqMode : uint32_t { callback = 0, lapic_callback = 1, lapic_percpu = 2 };
const char* to_string(IrqMode mode);
std::optional<IrqMode> parse_irq_mode(const std::string& name);
inline constexpr IrqMode kAllIrqModes[] = {IrqMode::callback, IrqMode::lapic_callback, IrqMode::lapic_percpu};
inline bool has_lapic(IrqMode mode) { return mode != IrqMode::callback; }
// The modes a CLI value names: one mode, or every mode for "all".
std::vector<IrqMode> irq_modes_named(const std::string& name);

// Which Xen features go to the kernel's own Xen support (KVM_CAP_XEN_HVM).
//  none: everything in userspace (the only mode this project's machines
//        can run: their kernels lack CONFIG_KVM_XEN).
//  auto: whatever the kernel offers that xenvmm routes today, which is the
//        hypercall intercept: KVM writes the hypercall page on the MSR
//        write (HYPERCALL_MSR) and turns each hypercall into a
//        KVM_EXIT_XEN (INTERCEPT_HCALL) for the same dispatcher. Everything
//        else stays in userspace.
enum class XenKernel : uint32_t { none = 0, automatic = 1 };
// KVM_CAP_XEN_HVM flags needed for the hypercall intercept.
inline constexpr int kXenKernelHcallFlags = KVM_XEN_HVM_CONFIG_HYPERCALL_MSR | KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL;
// A KVM_EXIT_XEN hypercall as the dispatcher's request.
xen::HypercallRequest request_from_xen_exit(uint32_t vcpu, const kvm_xen_exit& exit, const x86::PagingState& paging);

struct MachineConfig {
    std::span<const uint8_t> image;
    uint32_t nr_vcpus = 1;
    uint64_t arg = 0;
    bool enable_abi_probe = false;
    bool console_echo = false;
    IrqMode irq_mode = IrqMode::callback;
    XenKernel xen_kernel = XenKernel::none;
    std::chrono::milliseconds watchdog{10000};
    SyncHandler on_sync;
    // Benchmarks: record the VMM's own time per port I/O exit (KVM_RUN
    // return to the next KVM_RUN, TSC cycles) and the timer thread's
    // lateness in firing each deadline.
    bool profile = false;
};

enum class StopKind { none, shutdown, test_pass, test_fail, test_skip, watchdog, guest_error, vmm_error };
const char* to_string(StopKind kind);

struct RunOutcome {
    StopKind kind = StopKind::none;
    std::optional<uint32_t> shutdown_reason;
    std::string message;
    std::string console;
    std::string log;
};

// Why the host cannot run guests in this interrupt mode (missing device or
// capability), or nullopt.
std::optional<std::string> host_unsupported_reason(IrqMode mode = IrqMode::callback);

class Machine {
public:
    static Result<std::unique_ptr<Machine>> create(MachineConfig config);
    ~Machine();

    RunOutcome run();

    struct ExitSample {
        uint16_t port;
        uint64_t cycles;
    };
    // Profiled exits of one vCPU since the last call. Only from that
    // vCPU's own thread (its sync handler): the samples are not locked.
    std::vector<ExitSample> take_exit_samples(uint32_t vcpu);
    // Timer thread lateness (ns of Xen time past each deadline it fired)
    // since the last call.
    std::vector<uint64_t> take_timer_lateness();

    xen::XenDomain& xen() { return *m_xen; }
    GuestMemory& memory() { return *m_mem; }
    Vm& vm() { return *m_vm; }
    uint64_t kvm_clock_ns() const;
    std::optional<std::string> read_guest_string(uint32_t vcpu, uint64_t gva, size_t max) const;
    bool read_guest(uint32_t vcpu, uint64_t gva, void* dst, size_t len) const;
    IrqMode irq_mode() const { return m_config.irq_mode; }
    // True when hypercalls arrive as KVM_EXIT_XEN (XenKernel::automatic on
    // a kernel with kXenKernelHcallFlags).
    bool kernel_hypercalls() const { return m_kernel_hcall; }
    // Returns from KVM_RUN of a vCPU (exits and kicks alike), and per-vCPU
    // upcall vectors raised with KVM_SIGNAL_MSI: host checks use them to
    // see which path an event took.
    uint64_t run_returns(uint32_t vcpu) const { return m_run_returns.at(vcpu).load(std::memory_order_acquire); }
    uint64_t msi_signals(uint32_t vcpu) const { return m_msi_signals.at(vcpu).load(std::memory_order_acquire); }
    // Global callback vector injections with KVM_INTERRUPT.
    uint64_t vector_injections(uint32_t vcpu) const
    {
        return m_vector_injections.at(vcpu).load(std::memory_order_acquire);
    }

private:
    Machine() = default;
    Result<void> apply_slots(const std::vector<MemSlot>& layout);
    void vcpu_loop(uint32_t id);
    void stop(StopKind kind, std::string message);
    bool handle_io(uint32_t id, kvm_run* run);
    // Dispatch, then the wait or shutdown the call asked for. false when
    // the VM stopped.
    bool run_hypercall(uint32_t id, const xen::HypercallRequest& req, int64_t* ret);
    bool m_kernel_hcall = false;
    void handle_test_port(uint32_t id, kvm_run* run, uint32_t cmd);
    x86::PagingState paging_of(uint32_t id) const;

    MachineConfig m_config;
    std::optional<Kvm> m_kvm;
    std::unique_ptr<Vm> m_vm;
    std::unique_ptr<GuestMemory> m_mem;
    std::vector<std::unique_ptr<Vcpu>> m_vcpus;
    std::unique_ptr<xen::GuestTscSource> m_tsc;
    std::unique_ptr<xen::XenDomain> m_xen;
    std::vector<uint32_t> m_live_slots;

    std::vector<std::thread> m_threads;
    // Thread ids for kicks, published by each vCPU thread itself so stop()
    // never reads m_threads while run() is still filling it.
    std::array<std::atomic<pthread_t>, 32> m_tids{};
    std::array<std::atomic<uint64_t>, 32> m_run_returns{};
    std::array<std::atomic<uint64_t>, 32> m_msi_signals{};
    std::array<std::atomic<uint64_t>, 32> m_vector_injections{};
    static constexpr size_t kMaxProfileSamples = 1u << 20;
    std::array<std::vector<ExitSample>, 32> m_exit_samples;
    std::mutex m_profile_lock;
    std::vector<uint64_t> m_timer_lateness;
    // Parking: a vCPU waiting in SCHEDOP_block/poll, HLT or VCPUOP_down
    // sleeps on its VcpuCtl; the domain's notifier bumps seq under the
    // mutex, so a wake between the check and the wait is never lost.
    struct VcpuCtl {
        std::mutex m;
        std::condition_variable cv;
        uint64_t seq = 0;
    };
    std::array<VcpuCtl, 32> m_ctl;
    void wake(uint32_t id);
    // Park until done() holds, the VM stops, or the absolute Xen time
    // deadline (0 = none) passes. false when the VM stopped.
    bool park(uint32_t id, const std::function<bool()>& done, uint64_t deadline);
    void inject_upcall(uint32_t id, kvm_run* run);
    bool park_down(uint32_t id);
    // Timer thread: fires Xen timers (VIRQ_TIMER) at their deadlines.
    std::thread m_timer_thread;
    std::mutex m_timer_lock;
    std::condition_variable m_timer_cv;
    uint64_t m_timer_seq = 0;
    void timer_loop();
    std::atomic<bool> m_stop{false};
    // Run gate: memslot changes need every vCPU out of KVM_RUN (pitfall
    // P8). A vCPU enters only while no pause is requested and counts itself
    // in m_in_run; pause_vcpus() raises the request, kicks and waits for
    // the count to drop to zero.
    std::mutex m_gate_lock;
    std::condition_variable m_gate_cv;
    uint32_t m_in_run = 0;
    uint32_t m_pause_req = 0;
    void pause_vcpus();
    void resume_vcpus();
    void kick(uint32_t id);
    bool enter_gate();
    void leave_gate();

    std::mutex m_outcome_lock;
    std::condition_variable m_done_cv;
    uint32_t m_running = 0;
    RunOutcome m_outcome;
};

}  // namespace xenvmm
