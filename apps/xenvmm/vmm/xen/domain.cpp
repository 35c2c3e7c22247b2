// The domain itself: creation, the hypercall dispatcher (one switch on the
// hypercall number, each handler in the file of its concern), the
// hypercall-page MSR, the small hypercalls (xen_version, console_io,
// memory_op, vm_assist, the harness probe) and soft reset.
#include "vmm/xen/domain.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace xenvmm::xen {

namespace {

// CONSOLEIO_write consumes at most this much per call; the rest of an
// over-long count is dropped rather than read, so a guest cannot make the
// VMM copy unbounded memory in one exit.
constexpr uint32_t kConsoleWriteMax = 16 * 1024;

}  // namespace

void write_hypercall_page(uint8_t* page, uint8_t port)
{
    std::memset(page, 0xcc, kPageSize);
    for (uint32_t i = 0; i < kHypercallPageSlots; ++i) {
        uint8_t* s = page + i * 32;
        s[0] = 0xb8;  // mov $i, %eax
        std::memcpy(s + 1, &i, 4);
        s[5] = 0xe7;  // out %eax, $port: imm8 form keeps rdx (arg 3) intact
        s[6] = port;
        s[7] = 0xc3;  // ret
    }
}

XenDomain::XenDomain(GuestMemory& mem, XenClock clock, DomainConfig config)
    : m_mem(mem), m_clock(clock), m_config(config), m_vcpus(std::max<uint32_t>(1, config.nr_vcpus))
{
    m_ports.resize(kEvtchn2lNrChannels);
    uint64_t now = m_clock.now_ns();
    for (uint32_t i = 0; i < m_vcpus.size(); ++i) {
        auto& v = m_vcpus[i];
        v.id = i;
        // All time before the first run counts as offline, which makes the
        // invariant entry_time == sum(time[]) hold from the start (as KVM does).
        v.runstate.state = static_cast<int32_t>(kRunstateOffline);
        v.runstate.state_entry_time = now;
        v.runstate.time[kRunstateOffline] = now;
    }
    std::lock_guard g(m_lock);
    write_wallclock();
}

std::optional<uint32_t> XenDomain::shutdown_reason() const
{
    uint32_t s = m_shutdown.load(std::memory_order_acquire);
    if (!s)
        return std::nullopt;
    return s - 1;
}

void XenDomain::clear_shutdown() { m_shutdown.store(0, std::memory_order_release); }

std::string XenDomain::console() const
{
    std::lock_guard g(m_lock);
    return m_console;
}

std::optional<uint64_t> XenDomain::hypercall_page_gpa() const
{
    std::lock_guard g(m_lock);
    return m_hypercall_page_gpa;
}

std::array<uint64_t, 6> XenDomain::last_probe_args() const
{
    std::lock_guard g(m_lock);
    return m_probe_args;
}

bool XenDomain::handle_wrmsr(uint32_t, uint32_t index, uint64_t data, bool long_mode)
{
    m_wrmsr_exits.fetch_add(1, std::memory_order_relaxed);
    if (index != kHypercallMsr)
        return false;
    std::lock_guard g(m_lock);
    // Only one hypercall page exists (CPUID base+2 EAX = 1): index > 0 is #GP.
    if (data & 0xfff)
        return false;
    uint64_t gpa = data & ~0xfffull;
    uint64_t gfn = gpa / kPageSize;
    if (!m_mem.is_ram_gfn(gfn) || m_mem.overlay_gfn() == gfn)
        return false;
    uint8_t* page = m_mem.host_ptr(gpa, kPageSize);
    if (!page)
        return false;
    write_hypercall_page(page, kHypercallPort);
    m_hypercall_page_gpa = gpa;
    m_long_mode = long_mode;
    return true;
}

bool XenDomain::handle_rdmsr(uint32_t, uint32_t index, uint64_t* data)
{
    if (index != kHypercallMsr)
        return false;
    *data = 0;  // Xen reads the hypercall MSR as zero.
    return true;
}

int64_t XenDomain::dispatch(const HypercallRequest& req)
{
    m_hypercalls.fetch_add(1, std::memory_order_relaxed);
    // Hypercalls are a kernel interface: user mode gets -EPERM, as with Xen
    // HVM and QEMU.
    if (req.cpl > 0)
        return -kEPERM;
    // Xen's hypercall table: the handler of each implemented number, each
    // in the file of its concern; any other number is -ENOSYS.
    using Handler = int64_t (XenDomain::*)(const HypercallRequest&);
    static constexpr struct {
        uint64_t nr;
        Handler handler;
    } kHypercalls[] = {
        {kHypercallMemoryOp, &XenDomain::do_memory_op},
        {kHypercallSetTimerOp, &XenDomain::do_set_timer_op},
        {kHypercallXenVersion, &XenDomain::do_xen_version},
        {kHypercallConsoleIo, &XenDomain::do_console_io},
        {kHypercallVmAssist, &XenDomain::do_vm_assist},
        {kHypercallVcpuOp, &XenDomain::do_vcpu_op},
        {kHypercallSchedOp, &XenDomain::do_sched_op},
        {kHypercallEventChannelOp, &XenDomain::do_event_channel_op},
        {kHypercallHvmOp, &XenDomain::do_hvm_op},
        {kHypercallArch7, &XenDomain::do_abi_probe},
    };
    for (const auto& h : kHypercalls)
        if (h.nr == req.nr)
            return (this->*h.handler)(req);
    return -kENOSYS;
}

int64_t XenDomain::do_xen_version(const HypercallRequest& req)
{
    switch (req.args[0]) {
    case kXenverVersion:
        return kXenVersion;
    case kXenverExtraversion:
        return guest(req).to(req.args[1], kXenExtraversion, sizeof(kXenExtraversion));
    case kXenverGetFeatures: {
        FeatureInfo fi{};
        if (int64_t rc = guest(req).from(req.args[1], &fi))
            return rc;
        // XENFEAT_NR_SUBMAPS is 1: Xen rejects any other submap.
        if (fi.submap_idx != 0)
            return -kEINVAL;
        fi.submap = (1u << kXenfeatWritablePageTables) | (1u << kXenfeatWritableDescriptorTables) |
                    (1u << kXenfeatAutoTranslatedPhysmap) | (1u << kXenfeatSupervisorModeKernel) |
                    (1u << kXenfeatHvmCallbackVector) | (1u << kXenfeatHvmSafePvclock);
        if (int64_t rc = guest(req).to(req.args[1], &fi))
            return rc;
        return 0;
    }
    case kXenverPagesize:
        return static_cast<int64_t>(kPageSize);
    default:
        return -kENOSYS;
    }
}

int64_t XenDomain::do_console_io(const HypercallRequest& req)
{
    // cmd and count are unsigned int in the Xen prototype.
    uint32_t cmd = static_cast<uint32_t>(req.args[0]);
    uint32_t count = static_cast<uint32_t>(req.args[1]);
    switch (cmd) {
    case kConsoleioWrite: {
        uint32_t n = std::min(count, kConsoleWriteMax);
        std::string buf(n, '\0');
        if (int64_t rc = n ? guest(req).from(req.args[2], buf.data(), n) : 0)
            return rc;
        std::lock_guard g(m_lock);
        size_t room = m_config.console_limit > m_console.size() ? m_config.console_limit - m_console.size() : 0;
        m_console.append(buf, 0, std::min<size_t>(room, n));
        if (m_console_echo && n) {
            std::fwrite(buf.data(), 1, n, stdout);
            std::fflush(stdout);
        }
        return 0;
    }
    case kConsoleioRead:
        return 0;  // No console input: zero characters read.
    default:
        return -kENOSYS;
    }
}

int64_t XenDomain::do_memory_op(const HypercallRequest& req)
{
    if (req.args[0] != kXenmemAddToPhysmap)
        return -kENOSYS;
    AddToPhysmap xatp{};
    if (int64_t rc = guest(req).from(req.args[1], &xatp))
        return rc;
    if (!is_own_domid(xatp.domid))
        return -kESRCH;
    switch (xatp.space) {
    case kXenmapspaceSharedInfo:
        if (xatp.idx != 0)
            return -kEINVAL;
        return map_shared_info(xatp.gpfn);
    case kXenmapspaceGrantTable:
        return -kENOSYS;  // Grant tables arrive with part 2.
    case kXenmapspaceGmfn:
    case kXenmapspaceGmfnRange:
    case kXenmapspaceGmfnForeign:
    case kXenmapspaceDevMmio:
        return -kEOPNOTSUPP;
    default:
        return -kEINVAL;
    }
}

int64_t XenDomain::do_vm_assist(const HypercallRequest& req)
{
    uint64_t cmd = req.args[0];
    uint64_t type = req.args[1];
    // HVM guests may only use the runstate update flag (VM_ASSIST_VALID).
    if (type >= 64 || type != kVmasstTypeRunstateUpdateFlag)
        return -kEINVAL;
    std::lock_guard g(m_lock);
    switch (cmd) {
    case kVmasstCmdEnable:
        m_vm_assist |= 1ull << type;
        return 0;
    case kVmasstCmdDisable:
        m_vm_assist &= ~(1ull << type);
        return 0;
    default:
        return -kENOSYS;
    }
}

int64_t XenDomain::do_abi_probe(const HypercallRequest& req)
{
    if (!m_config.enable_abi_probe)
        return -kENOSYS;
    std::lock_guard g(m_lock);
    m_probe_args = req.args;
    return static_cast<int64_t>(0xcafef00dfbfbffffull);
}

void XenDomain::soft_reset()
{
    // Back to the state of a fresh domain, keeping RAM and the hypercall
    // page: shared_info unmapped and cleared, vcpu_info and the registered
    // areas back to their defaults, VM assists off.
    if (m_mem.overlay_gfn())
        (void)m_mem.place_overlay(std::nullopt);
    auto* s = reinterpret_cast<SharedInfo*>(m_mem.overlay());
    std::memset(s->vcpu_info, 0, sizeof(s->vcpu_info));
    std::memset(s->evtchn_pending, 0, sizeof(s->evtchn_pending));
    std::memset(s->evtchn_mask, 0, sizeof(s->evtchn_mask));
    m_vm_assist = 0;
    for (uint32_t p = 1; p < m_ports.size(); ++p)
        m_ports[p] = {};
    m_callback_param = 0;
    m_callback_vector.store(0, std::memory_order_release);
    for (auto& v : m_vcpus) {
        v.upcall_vector.store(0, std::memory_order_release);
        v.virq_port = {};
        v.singleshot_deadline = 0;
        v.periodic_period = 0;
        v.periodic_next = 0;
        v.vcpu_info_gpa.reset();
        v.dummy_vcpu_info = {};
        v.time_area = {};
        v.runstate_area = {};
    }
}

}  // namespace xenvmm::xen
