// Per-VM Xen state for the userspace emulation and the hypercall
// dispatcher. Nothing here touches KVM: the VMM hands in guest memory, the
// clock and the paging state of the calling vCPU, which is also what lets
// the fuzz harness drive dispatch() without /dev/kvm.
//
// vmm/xen/ owns the Xen ABI emulation. May use: vmm/memory.h,
// vmm/x86/paging.h, vmm/errors.h, abi/; never vmm/kvm.h or vmm/machine.h.
//
// XenDomain is one class implemented by concern: domain.cpp (creation,
// dispatch(), the small hypercalls, soft reset), shared_info.cpp
// (shared_info, vcpu_info, time and runstate areas), vcpu_op.cpp,
// sched.cpp, timers.cpp, evtchn.cpp and hvm.cpp. Handlers reach guest
// arguments only through guest() (vmm/xen/guest_copy.h).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vmm/errors.h"
#include "vmm/memory.h"
#include "vmm/x86/paging.h"
#include "vmm/xen/abi.h"
#include "vmm/xen/guest_copy.h"
#include "vmm/xen/time.h"

namespace xenvmm::xen {

struct HypercallRequest {
    uint32_t vcpu = 0;
    uint64_t nr = 0;
    std::array<uint64_t, 6> args{};
    int cpl = 0;
    bool long_mode = true;
    x86::PagingState paging;
};

// A guest area registered by GVA, translated once at registration (as KVM
// and QEMU do) into at most two physical pieces because it may cross a page.
struct GuestArea {
    struct Piece {
        uint64_t gpa = 0;
        uint32_t len = 0;
    };
    std::array<Piece, 2> pieces{};
    uint32_t nr_pieces = 0;
    bool valid() const { return nr_pieces != 0; }
};

// The domain id this VM answers to besides DOMID_SELF.
inline constexpr uint16_t kOwnDomid = 1;
inline bool is_own_domid(uint16_t domid) { return domid == kDomidSelf || domid == kOwnDomid; }

// Everything the domain keeps per vCPU. Created once with the domain and
// never moved (the atomics are read without the domain lock).
struct XenVcpu {
    uint32_t id = 0;
    std::optional<uint64_t> vcpu_info_gpa;
    // Stand-in vcpu_info while none is reachable by the guest (no shared_info
    // yet, or vCPU >= 32), like Xen's dummy_vcpu_info.
    VcpuInfo dummy_vcpu_info{};
    GuestArea time_area;
    GuestArea runstate_area;
    RunstateInfo runstate{};
    // Port bound to each VIRQ on this vCPU (0 = none); global VIRQs live in
    // vCPU 0's table.
    std::array<uint32_t, kNrVirqs> virq_port{};
    // Timers, in Xen system time (ns); 0 = not armed.
    uint64_t singleshot_deadline = 0;
    uint64_t periodic_period = 0;
    uint64_t periodic_next = 0;
    // Set by SCHEDOP_block/poll for the vCPU loop, which parks the vCPU
    // outside the dispatcher (the dispatcher itself never waits).
    uint32_t wait = 0;  // WaitKind
    std::vector<uint32_t> poll_ports;
    uint64_t poll_deadline = 0;  // absolute Xen system time, 0 = none
    uint64_t poll_kicks = 0;     // upcall_raises when the poll started
    uint64_t upcall_raises = 0;  // 0 -> 1 transitions of upcall_pending
    uint64_t timer_fires = 0;    // VIRQ_TIMER expiries (delivered or not)
    bool up = true;
    // HVMOP_set_evtchn_upcall_vector (0 = none); read by the vCPU loop
    // without the domain lock.
    std::atomic<uint8_t> upcall_vector{0};
};

enum class WaitKind : uint32_t { none = 0, block = 1, poll = 2 };

// One 2-level event channel (QEMU's port_info, Xen's struct evtchn).
struct EvtchnPort {
    uint32_t status = kEvtchnstatClosed;  // EVTCHNSTAT_*
    uint32_t vcpu = 0;                    // vCPU notified
    uint32_t target = 0;                  // VIRQ number or interdomain peer port
};

struct DomainConfig {
    uint32_t nr_vcpus = 1;
    // Answer the arch_7 register-ABI probe (test hcall_abi only).
    bool enable_abi_probe = false;
    // An in-kernel LAPIC exists, so HVMOP_set_evtchn_upcall_vector (the
    // per-vCPU upcall vector) is offered; without one it is -ENOSYS.
    bool percpu_upcall_vector = false;
    size_t console_limit = 1u << 20;
};

enum class ShutdownState : uint32_t { running = 0, requested = 1 };

class XenDomain {
public:
    XenDomain(GuestMemory& mem, XenClock clock, DomainConfig config);

    // Hypercall dispatcher: every argument is guest controlled. Returns the
    // value for rax.
    int64_t dispatch(const HypercallRequest& req);

    // MSR exits for the hypercall-page MSR. false means inject #GP.
    bool handle_wrmsr(uint32_t vcpu, uint32_t index, uint64_t data, bool long_mode);
    bool handle_rdmsr(uint32_t vcpu, uint32_t index, uint64_t* data);

    // Runstate transitions done by the vCPU loop.
    void set_runstate(uint32_t vcpu, uint32_t state);
    // Refresh every time copy of a vCPU (vcpu_info and the secondary area).
    void update_time(uint32_t vcpu);

    // Called (with the domain lock held, so it must only post and kick)
    // whenever a vCPU may have something new to act on: an upcall became
    // pending, a port it polls was raised, it was brought up or down.
    // Notify::wake is enough for a vCPU parked outside KVM_RUN (a poll, or
    // an upcall already delivered by the per-vCPU vector); Notify::kick
    // means the vCPU loop must also act before the next KVM_RUN (inject the
    // global callback vector, park a downed vCPU).
    enum class Notify { wake, kick };
    void set_notifier(std::function<void(uint32_t vcpu, Notify how)> fn) { m_notify = std::move(fn); }
    // Called (domain lock held) on every 0 -> 1 transition of a vCPU's
    // upcall_pending while the vCPU has a per-vCPU upcall vector: the VMM
    // raises that vector on the vCPU's LAPIC (KVM_SIGNAL_MSI, any thread).
    void set_vector_notifier(std::function<void(uint32_t vcpu, uint8_t vector)> fn)
    {
        m_vector_notify = std::move(fn);
    }
    // HVMOP_set_evtchn_upcall_vector of a vCPU (0 = none: the global
    // callback vector, if any, is used).
    uint8_t upcall_vector(uint32_t vcpu) const
    {
        return vcpu < m_vcpus.size() ? m_vcpus[vcpu].upcall_vector.load(std::memory_order_acquire) : 0;
    }
    // Raise a VIRQ bound on vcpu (global VIRQs: any vcpu). false if unbound.
    bool raise_virq(uint32_t vcpu, uint32_t virq);
    // Raise a port as EVTCHNOP_send's target would be (host-side tests).
    void raise_port(uint32_t port);
    EvtchnPort port_info(uint32_t port) const;
    // HVM_PARAM_CALLBACK_IRQ vector (0 = no global callback vector).
    uint8_t callback_vector() const { return m_callback_vector.load(std::memory_order_acquire); }
    // evtchn_upcall_pending of the vCPU's current vcpu_info.
    bool upcall_pending(uint32_t vcpu);

    // Blocking: after a hypercall, the vCPU loop takes the wait the guest
    // asked for and parks until wait_done() holds (or the VM stops).
    WaitKind take_wait(uint32_t vcpu);
    bool wait_done(uint32_t vcpu, WaitKind kind);
    // Absolute Xen time a parked poll should give up at (0 = never).
    uint64_t poll_deadline(uint32_t vcpu) const;
    bool vcpu_up(uint32_t vcpu) const;

    // Timers: the earliest armed deadline (0 = none) and expiry of every
    // timer due at `now`. set_timer_notifier()'s hook runs (domain lock
    // held) whenever a deadline changes.
    uint64_t next_timer_deadline() const;
    void run_timers(uint64_t now);
    void set_timer_notifier(std::function<void()> fn) { m_timer_notify = std::move(fn); }
    uint64_t timer_fires(uint32_t vcpu) const;

    // Host-side helpers for the conformance checks and for event delivery.
    VcpuInfo* current_vcpu_info(uint32_t vcpu);
    // Mark an event selector bit pending on the vCPU's current vcpu_info.
    void raise_pending_sel(uint32_t vcpu, unsigned bit);
    // The guest may overwrite its own area at will (or have other hypercall
    // output land on it), so only well-behaved test guests get the guest
    // copy checked; the VMM's own copy must hold for any guest.
    enum class RunstateCheck { vmm_state, vmm_state_and_guest_area };
    // The runstate sum invariant (state_entry_time == sum of time[]); the
    // error names the copy that breaks it.
    Result<void> check_runstate(uint32_t vcpu, RunstateCheck what = RunstateCheck::vmm_state_and_guest_area) const;

    std::optional<uint32_t> shutdown_reason() const;
    void clear_shutdown();
    std::string console() const;
    uint64_t hypercall_count() const { return m_hypercalls.load(std::memory_order_relaxed); }
    uint64_t wrmsr_exits() const { return m_wrmsr_exits.load(std::memory_order_relaxed); }
    std::optional<uint64_t> hypercall_page_gpa() const;
    bool long_mode_latched() const { return m_long_mode; }
    std::array<uint64_t, 6> last_probe_args() const;
    GuestMemory& memory() { return m_mem; }
    const XenClock& clock() const { return m_clock; }
    XenVcpu& vcpu(uint32_t id) { return m_vcpus.at(id); }
    uint32_t nr_vcpus() const { return static_cast<uint32_t>(m_vcpus.size()); }
    bool runstate_update_flag() const { return m_vm_assist & (1ull << kVmasstTypeRunstateUpdateFlag); }
    void set_console_echo(bool echo) { m_console_echo = echo; }

private:
    int64_t do_xen_version(const HypercallRequest& req);
    int64_t do_console_io(const HypercallRequest& req);
    int64_t do_memory_op(const HypercallRequest& req);
    int64_t do_vm_assist(const HypercallRequest& req);
    int64_t do_vcpu_op(const HypercallRequest& req);
    int64_t do_sched_op(const HypercallRequest& req);
    int64_t do_abi_probe(const HypercallRequest& req);
    int64_t do_event_channel_op(const HypercallRequest& req);
    int64_t do_hvm_op(const HypercallRequest& req);

    // Guest arguments of this call, by GVA through the caller's paging.
    GuestCopy guest(const HypercallRequest& req) const { return {m_mem, req.paging}; }

    // Event channel core; m_lock held.
    SharedInfo* shinfo() const { return reinterpret_cast<SharedInfo*>(m_mem.overlay()); }
    int64_t alloc_port();
    // Allocate the lowest free port, hand it to the guest in `arg.*field`
    // at `gva`, and only then bind it as `entry`. Returns the port, or
    // -ENOSPC / -EFAULT with nothing bound.
    template <typename Arg>
    int64_t bind_new_port_locked(const HypercallRequest& req, uint64_t gva, Arg& arg, uint32_t Arg::*field,
                                 EvtchnPort entry);
    void set_pending_locked(uint32_t port);
    void mark_upcall_locked(uint32_t vcpu, uint32_t word);
    void close_port_locked(uint32_t port);
    bool raise_virq_locked(uint32_t vcpu, uint32_t virq);
    void fire_singleshot_locked(XenVcpu& v);
    int64_t set_singleshot_locked(XenVcpu& v, uint64_t deadline);
    void timers_changed()
    {
        if (m_timer_notify)
            m_timer_notify();
    }
    int64_t do_set_timer_op(const HypercallRequest& req);
    int64_t do_sched_poll(const HypercallRequest& req);
    void notify(uint32_t vcpu, Notify how = Notify::kick)
    {
        if (m_notify)
            m_notify(vcpu, how);
    }
    // upcall_pending of vcpu just went 0 -> 1 (or was forced to 1): deliver
    // through its per-vCPU vector, else leave it to the vCPU loop.
    void assert_upcall_locked(uint32_t vcpu);

    int64_t map_shared_info(uint64_t gfn);
    void write_wallclock();
    void write_time_info(void* dst, const VcpuTimeInfo& t);
    void write_runstate_area(XenVcpu& v);
    bool resolve_area(const HypercallRequest& req, uint64_t gva, uint32_t len, GuestArea* out);
    // VCPUOP_register_{runstate,vcpu_time}_memory_area: the GVA at args[2]
    // translated once into *field of vCPU id (0 unregisters).
    int64_t register_area(const HypercallRequest& req, uint32_t id, GuestArea XenVcpu::*field, uint32_t len);
    void soft_reset();

    GuestMemory& m_mem;
    XenClock m_clock;
    DomainConfig m_config;
    std::vector<XenVcpu> m_vcpus;
    mutable std::mutex m_lock;

    std::optional<uint64_t> m_hypercall_page_gpa;
    bool m_long_mode = false;
    uint64_t m_vm_assist = 0;
    std::string m_console;
    bool m_console_echo = false;
    std::array<uint64_t, 6> m_probe_args{};
    std::atomic<uint64_t> m_hypercalls{0};
    std::atomic<uint64_t> m_wrmsr_exits{0};
    std::atomic<uint32_t> m_shutdown{0};  // 0 running, else reason + 1
    std::vector<EvtchnPort> m_ports;
    std::atomic<uint8_t> m_callback_vector{0};
    uint64_t m_callback_param = 0;
    std::function<void(uint32_t, Notify)> m_notify;
    std::function<void(uint32_t, uint8_t)> m_vector_notify;
    std::function<void()> m_timer_notify;
};

// Bytes of one hypercall-page slot: mov $nr,%eax; out %eax,$port; ret; int3 padding.
void write_hypercall_page(uint8_t* page, uint8_t port);
inline constexpr uint8_t kHypercallPort = XENVMM_HCALL_PORT;

}  // namespace xenvmm::xen
