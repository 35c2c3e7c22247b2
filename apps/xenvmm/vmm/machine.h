// One VM running one guest image, split as kvmtool is: the VM (KVM objects,
// guest memory, the Xen domain, the watchdog: machine.cpp), one thread per
// vCPU running the exit loop (vcpu_loop.cpp, kvmtool's kvm-cpu.c), a table
// of port handlers registered by the parts that own the ports (ioport.h;
// the Xen exits in xen_exits.cpp, the test port in test_port.cpp), and the
// host checks and mode names (host.cpp).
// vmm/ owns everything that runs a guest: the KVM handles (kvm.*), guest
// memory (memory.*), errors (errors.h: libreview's Result), and the
// machine. May use: libreview/core, abi/, its own x86/ and xen/; never
// conformance/ or commands/.
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

#include "vmm/ioport.h"
#include "vmm/kvm.h"
#include "vmm/memory.h"
#include "vmm/errors.h"
#include "vmm/test_port.h"
#include "vmm/xen/domain.h"

namespace xenvmm {

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
// The values are boot_info.irq_mode's (abi/guest_abi.h).
enum class IrqMode : uint32_t {
    callback = IRQ_MODE_CALLBACK,
    lapic_callback = IRQ_MODE_LAPIC_CALLBACK,
    lapic_percpu = IRQ_MODE_LAPIC_PERCPU,
};
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

// Whether the host can run guests in this interrupt mode; the error says
// which device or capability is missing.
Result<void> host_supports(IrqMode mode = IrqMode::callback);

// A profiled port I/O exit: the VMM's own time, KVM_RUN return to the
// next KVM_RUN, in TSC cycles.
struct ExitSample {
    uint16_t port;
    uint64_t cycles;
};

// One vCPU and everything the machine keeps for it (kvmtool's struct
// kvm_cpu). Created with the machine and never moved.
struct MachineVcpu {
    std::unique_ptr<Vcpu> kvm;
    std::thread thread;
    // For kicks, published by the vCPU thread itself (so stop() never reads
    // `thread` while run() is still starting them) and cleared when its
    // loop ends.
    std::atomic<pthread_t> tid{};
    std::atomic<uint64_t> run_returns{0};
    std::atomic<uint64_t> msi_signals{0};
    std::atomic<uint64_t> vector_injections{0};
    // Profiled exits; only the vCPU's own thread touches them.
    std::vector<ExitSample> exit_samples;
    // Parking: a vCPU waiting in SCHEDOP_block/poll, HLT or VCPUOP_down
    // sleeps on park_cv; the domain's notifier bumps park_seq under
    // park_lock, so a wake between the check and the wait is never lost.
    std::mutex park_lock;
    std::condition_variable park_cv;
    uint64_t park_seq = 0;
};

class Machine {
public:
    static Result<std::unique_ptr<Machine>> create(MachineConfig config);
    ~Machine();

    RunOutcome run();
    // End the run with an outcome; the first one wins. Any thread.
    void stop(StopKind kind, std::string message);
    // A line for RunOutcome::log (the guest's prints).
    void append_log(const std::string& line);

    using ExitSample = xenvmm::ExitSample;
    // Profiled exits of one vCPU since the last call. Only from that
    // vCPU's own thread (its sync handler): the samples are not locked.
    std::vector<ExitSample> take_exit_samples(uint32_t vcpu);
    // Timer thread lateness (ns of Xen time past each deadline it fired)
    // since the last call.
    std::vector<uint64_t> take_timer_lateness();

    const MachineConfig& config() const { return m_config; }
    PortTable& ports() { return m_ports; }
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
    uint64_t run_returns(uint32_t vcpu) const { return cpu(vcpu).run_returns.load(std::memory_order_acquire); }
    uint64_t msi_signals(uint32_t vcpu) const { return cpu(vcpu).msi_signals.load(std::memory_order_acquire); }
    // Global callback vector injections with KVM_INTERRUPT.
    uint64_t vector_injections(uint32_t vcpu) const
    {
        return cpu(vcpu).vector_injections.load(std::memory_order_acquire);
    }

private:
    Machine() = default;
    MachineVcpu& cpu(uint32_t id) const { return *m_cpus.at(id); }
    Result<void> apply_slots(const std::vector<MemSlot>& layout);
    // xen_exits.cpp: the domain, its notifiers and the hypercall port.
    Result<void> setup_xen(const xen::XenClock& clock);
    Result<void> setup_vcpus(uint64_t tsc_khz, const xen::XenClock& clock);

    // vcpu_loop.cpp: the run loop, one switch on exit_reason.
    void vcpu_loop(uint32_t id);
    void handle_exit(uint32_t id, kvm_run* run);
    Result<void> handle_io(uint32_t id, kvm_run* run);
    x86::PagingState paging_of(uint32_t id) const;

    // xen_exits.cpp: the hypercall port, KVM_EXIT_XEN and the MSR exits.
    Result<void> hypercall_port(const PortIo& io);
    // Dispatch, then the wait or shutdown the call asked for. false when
    // the VM stopped.
    bool run_hypercall(uint32_t id, const xen::HypercallRequest& req, int64_t* ret);
    void handle_xen_exit(uint32_t id, kvm_run* run);
    void handle_msr_exit(uint32_t id, kvm_run* run);
    void inject_upcall(uint32_t id, kvm_run* run);

    // Kicks, parking and the run gate (vcpu_loop.cpp).
    static Result<void> install_kick_handler();
    // True on the thread that runs vCPU id: a notification for a thread's
    // own vCPU needs no kick, its loop re-checks before KVM_RUN.
    static bool on_vcpu_thread(uint32_t id);
    Result<void> kick(uint32_t id);
    void wake(uint32_t id);
    // Park until done() holds, the VM stops, or the absolute Xen time
    // deadline (0 = none) passes. false when the VM stopped.
    [[nodiscard]] bool park(uint32_t id, const std::function<bool()>& done, uint64_t deadline);
    [[nodiscard]] bool park_down(uint32_t id);
    // Run gate: memslot changes need every vCPU out of KVM_RUN (pitfall
    // P8). A vCPU enters only while no pause is requested and counts itself
    // in m_in_run; pause_vcpus() raises the request, kicks and waits for
    // the count to drop to zero.
    Result<void> pause_vcpus();
    void resume_vcpus();
    bool enter_gate();
    void leave_gate();
    // Timer thread: fires Xen timers (VIRQ_TIMER) at their deadlines.
    void timer_loop();
    void wake_timer_thread();
    // XENVMM_DEBUG_WATCHDOG: each vCPU's event state when the watchdog fires.
    void dump_vcpu_state() const;

    MachineConfig m_config;
    std::optional<Kvm> m_kvm;
    std::unique_ptr<Vm> m_vm;
    std::unique_ptr<GuestMemory> m_mem;
    std::vector<std::unique_ptr<MachineVcpu>> m_cpus;
    std::unique_ptr<xen::GuestTscSource> m_tsc;
    std::unique_ptr<xen::XenDomain> m_xen;
    std::vector<uint32_t> m_live_slots;
    PortTable m_ports;
    bool m_kernel_hcall = false;

    static constexpr size_t kMaxProfileSamples = 1u << 20;
    std::mutex m_profile_lock;
    std::vector<uint64_t> m_timer_lateness;
    std::thread m_timer_thread;
    std::mutex m_timer_lock;
    std::condition_variable m_timer_cv;
    uint64_t m_timer_seq = 0;
    std::atomic<bool> m_stop{false};
    std::mutex m_gate_lock;
    std::condition_variable m_gate_cv;
    uint32_t m_in_run = 0;
    uint32_t m_pause_req = 0;

    std::mutex m_outcome_lock;
    std::condition_variable m_done_cv;
    uint32_t m_running = 0;
    RunOutcome m_outcome;
};

}  // namespace xenvmm
