#include "vmm/xen/domain.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace xenvmm::xen {

namespace {

constexpr uint16_t kOwnDomid = 1;
// CONSOLEIO_write consumes at most this much per call; the rest of an
// over-long count is dropped rather than read, so a guest cannot make the
// VMM copy unbounded memory in one exit.
constexpr uint32_t kConsoleWriteMax = 16 * 1024;

bool area_write(const GuestMemory& mem, const GuestArea& area, uint32_t off, const void* src, uint32_t len)
{
    auto* in = static_cast<const uint8_t*>(src);
    uint32_t base = 0;
    for (uint32_t i = 0; i < area.nr_pieces && len; ++i) {
        const auto& p = area.pieces[i];
        if (off < base + p.len) {
            uint32_t in_piece = off - base;
            uint32_t n = std::min(len, p.len - in_piece);
            uint8_t* dst = mem.host_ptr(p.gpa + in_piece, n);
            if (!dst)
                return false;
            std::memcpy(dst, in, n);
            in += n;
            off += n;
            len -= n;
        }
        base += p.len;
    }
    return len == 0;
}

bool area_read(const GuestMemory& mem, const GuestArea& area, uint32_t off, void* dst, uint32_t len)
{
    auto* out = static_cast<uint8_t*>(dst);
    uint32_t base = 0;
    for (uint32_t i = 0; i < area.nr_pieces && len; ++i) {
        const auto& p = area.pieces[i];
        if (off < base + p.len) {
            uint32_t in_piece = off - base;
            uint32_t n = std::min(len, p.len - in_piece);
            const uint8_t* src = mem.host_ptr(p.gpa + in_piece, n);
            if (!src)
                return false;
            std::memcpy(out, src, n);
            out += n;
            off += n;
            len -= n;
        }
        base += p.len;
    }
    return len == 0;
}

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
    : m_mem(mem), m_clock(clock), m_config(config)
{
    m_vcpus.resize(std::max<uint32_t>(1, config.nr_vcpus));
    m_ports.resize(kEvtchn2lNrChannels);
    m_nr_upcall_vectors = static_cast<uint32_t>(m_vcpus.size());
    m_upcall_vectors = std::make_unique<std::atomic<uint8_t>[]>(m_nr_upcall_vectors);
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

VcpuInfo* XenDomain::current_vcpu_info(uint32_t id)
{
    if (id >= m_vcpus.size())
        return nullptr;
    auto& v = m_vcpus[id];
    if (v.vcpu_info_gpa) {
        uint8_t* p = m_mem.host_ptr(*v.vcpu_info_gpa, sizeof(VcpuInfo));
        if (p)
            return reinterpret_cast<VcpuInfo*>(p);
        return &v.dummy_vcpu_info;
    }
    // The shared_info page exists from VM creation whether or not the guest
    // has mapped it, so the default slot is always live for vCPUs below 32.
    if (id < kLegacyMaxVcpus)
        return &reinterpret_cast<SharedInfo*>(m_mem.overlay())->vcpu_info[id];
    return &v.dummy_vcpu_info;
}

void XenDomain::raise_pending_sel(uint32_t id, unsigned bit)
{
    std::lock_guard g(m_lock);
    VcpuInfo* vi = current_vcpu_info(id);
    if (!vi)
        return;
    __atomic_fetch_or(&vi->evtchn_pending_sel, 1ull << (bit & 63), __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

void XenDomain::write_time_info(void* dst, const VcpuTimeInfo& t)
{
    auto* ti = static_cast<VcpuTimeInfo*>(dst);
    uint32_t version = __atomic_load_n(&ti->version, __ATOMIC_RELAXED);
    version = (version | 1) + 1;  // Next even value, then odd while writing.
    __atomic_store_n(&ti->version, version - 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    ti->tsc_timestamp = t.tsc_timestamp;
    ti->system_time = t.system_time;
    ti->tsc_to_system_mul = t.tsc_to_system_mul;
    ti->tsc_shift = t.tsc_shift;
    ti->flags = t.flags;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&ti->version, version, __ATOMIC_RELEASE);
}

void XenDomain::update_time(uint32_t id)
{
    std::lock_guard g(m_lock);
    if (id >= m_vcpus.size())
        return;
    auto& v = m_vcpus[id];
    VcpuTimeInfo t = m_clock.time_info_now();
    if (VcpuInfo* vi = current_vcpu_info(id))
        write_time_info(&vi->time, t);
    if (v.time_area.valid()) {
        // The secondary area may be unaligned or cross a page: byte copies
        // with the same odd/even version protocol.
        VcpuTimeInfo cur{};
        area_read(m_mem, v.time_area, 0, &cur, sizeof(cur));
        uint32_t version = (cur.version | 1) + 1;
        uint32_t odd = version - 1;
        area_write(m_mem, v.time_area, 0, &odd, 4);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        VcpuTimeInfo body = t;
        body.version = odd;
        area_write(m_mem, v.time_area, 8, reinterpret_cast<uint8_t*>(&body) + 8, sizeof(body) - 8);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        area_write(m_mem, v.time_area, 0, &version, 4);
    }
}

void XenDomain::write_wallclock()
{
    auto* s = reinterpret_cast<SharedInfo*>(m_mem.overlay());
    uint64_t epoch = m_clock.wallclock_epoch_ns();
    uint64_t sec = epoch / 1000000000ull;
    uint32_t version = (__atomic_load_n(&s->wc_version, __ATOMIC_RELAXED) | 1) + 1;
    __atomic_store_n(&s->wc_version, version - 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s->wc_sec = static_cast<uint32_t>(sec);
    s->wc_nsec = static_cast<uint32_t>(epoch % 1000000000ull);
    s->wc_sec_hi = static_cast<uint32_t>(sec >> 32);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&s->wc_version, version, __ATOMIC_RELEASE);
}

void XenDomain::write_runstate_area(XenVcpu& v)
{
    if (!v.runstate_area.valid())
        return;
    bool flag = runstate_update_flag();
    constexpr uint32_t kEntryOff = offsetof(RunstateInfo, state_entry_time);
    if (flag) {
        // Only the top byte of state_entry_time: the area may be unaligned,
        // so no wider store is atomic for the guest (KVM does the same).
        uint8_t top = static_cast<uint8_t>((v.runstate.state_entry_time | kRunstateUpdate) >> 56);
        area_write(m_mem, v.runstate_area, kEntryOff + 7, &top, 1);
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
    RunstateInfo copy = v.runstate;
    if (flag)
        copy.state_entry_time |= kRunstateUpdate;
    area_write(m_mem, v.runstate_area, 0, &copy, sizeof(copy));
    if (flag) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        uint8_t top = static_cast<uint8_t>(v.runstate.state_entry_time >> 56);
        area_write(m_mem, v.runstate_area, kEntryOff + 7, &top, 1);
    }
}

void XenDomain::set_runstate(uint32_t id, uint32_t state)
{
    std::lock_guard g(m_lock);
    if (id >= m_vcpus.size() || state > kRunstateOffline)
        return;
    auto& v = m_vcpus[id];
    uint64_t now = m_clock.now_ns();
    if (now < v.runstate.state_entry_time)
        now = v.runstate.state_entry_time;
    v.runstate.time[v.runstate.state & 3] += now - v.runstate.state_entry_time;
    v.runstate.state_entry_time = now;
    v.runstate.state = static_cast<int32_t>(state);
    write_runstate_area(v);
}

bool XenDomain::runstate_invariant_holds(uint32_t id, std::string* why, RunstateCheck what) const
{
    std::lock_guard g(m_lock);
    if (id >= m_vcpus.size())
        return true;
    const auto& v = m_vcpus[id];
    auto check = [&](const RunstateInfo& r, const char* what) {
        uint64_t sum = r.time[0] + r.time[1] + r.time[2] + r.time[3];
        uint64_t entry = r.state_entry_time & ~kRunstateUpdate;
        if (sum != entry) {
            if (why)
                *why = std::string(what) + ": state_entry_time " + std::to_string(entry) + " != sum of times " +
                       std::to_string(sum);
            return false;
        }
        return true;
    };
    if (!check(v.runstate, "VMM runstate"))
        return false;
    if (what == RunstateCheck::vmm_state_and_guest_area && v.runstate_area.valid()) {
        RunstateInfo guest{};
        if (area_read(m_mem, v.runstate_area, 0, &guest, sizeof(guest)) && !check(guest, "guest runstate area"))
            return false;
    }
    return true;
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
    switch (req.nr) {
    case kHypercallXenVersion:
        return do_xen_version(req);
    case kHypercallConsoleIo:
        return do_console_io(req);
    case kHypercallMemoryOp:
        return do_memory_op(req);
    case kHypercallVmAssist:
        return do_vm_assist(req);
    case kHypercallVcpuOp:
        return do_vcpu_op(req);
    case kHypercallSchedOp:
        return do_sched_op(req);
    case kHypercallArch7:
        return do_abi_probe(req);
    case kHypercallEventChannelOp:
        return do_event_channel_op(req);
    case kHypercallHvmOp:
        return do_hvm_op(req);
    case kHypercallSetTimerOp:
        return do_set_timer_op(req);
    default:
        return -kENOSYS;
    }
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
    if (xatp.domid != kDomidSelf && xatp.domid != kOwnDomid)
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

int64_t XenDomain::map_shared_info(uint64_t gfn)
{
    std::lock_guard g(m_lock);
    // Policy: shared_info may only overlay a RAM page; a hole has no memslot
    // to restore and no guest need for it.
    if (!m_mem.is_ram_gfn(gfn))
        return -kEINVAL;
    if (m_hypercall_page_gpa && *m_hypercall_page_gpa / kPageSize == gfn)
        return -kEINVAL;
    if (m_mem.overlay_gfn() != gfn) {
        if (!m_mem.place_overlay(gfn))
            return -kEINVAL;
    }
    write_wallclock();
    return 0;
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

bool XenDomain::resolve_area(const HypercallRequest& req, uint64_t gva, uint32_t len, GuestArea* out)
{
    GuestArea area;
    uint64_t first_len = std::min<uint64_t>(len, kPageSize - (gva & (kPageSize - 1)));
    auto gpa0 = x86::translate(m_mem, req.paging, gva);
    if (!gpa0 || !m_mem.host_ptr(*gpa0, first_len))
        return false;
    area.pieces[0] = {*gpa0, static_cast<uint32_t>(first_len)};
    area.nr_pieces = 1;
    if (first_len < len) {
        auto gpa1 = x86::translate(m_mem, req.paging, gva + first_len);
        uint32_t rest = len - static_cast<uint32_t>(first_len);
        if (!gpa1 || !m_mem.host_ptr(*gpa1, rest))
            return false;
        area.pieces[1] = {*gpa1, rest};
        area.nr_pieces = 2;
    }
    *out = area;
    return true;
}

int64_t XenDomain::do_vcpu_op(const HypercallRequest& req)
{
    uint64_t cmd = req.args[0];
    uint64_t target = req.args[1];
    if (target >= m_vcpus.size())
        return -kENOENT;
    auto id = static_cast<uint32_t>(target);
    switch (cmd) {
    case kVcpuopRegisterVcpuInfo: {
        RegisterVcpuInfo info{};
        if (int64_t rc = guest(req).from(req.args[2], &info))
            return rc;
        {
            std::lock_guard g(m_lock);
            auto& v = m_vcpus[id];
            // Natural alignment keeps the 64-bit atomics on pending_sel valid.
            if (info.offset > kPageSize - sizeof(VcpuInfo) || (info.offset & 7))
                return -kEINVAL;
            if (info.mfn > (UINT64_MAX >> 12) || !m_mem.is_ram_gfn(info.mfn) || m_mem.overlay_gfn() == info.mfn)
                return -kEINVAL;
            // Newer Xen refuses a second registration with -EBUSY.
            if (v.vcpu_info_gpa)
                return -kEBUSY;
            uint64_t gpa = info.mfn * kPageSize + info.offset;
            auto* dst = reinterpret_cast<VcpuInfo*>(m_mem.host_ptr(gpa, sizeof(VcpuInfo)));
            if (!dst)
                return -kEINVAL;
            VcpuInfo* old = current_vcpu_info(id);
            VcpuInfo copy = *old;
            *dst = copy;
            // As Xen's map_vcpu_info(): mark everything pending so nothing
            // raised during the switch is lost; the guest sees one spurious
            // upcall.
            __atomic_store_n(&dst->evtchn_pending_sel, ~0ull, __ATOMIC_SEQ_CST);
            __atomic_store_n(&dst->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
            v.vcpu_info_gpa = gpa;
            assert_upcall_locked(id);
        }
        update_time(id);
        return 0;
    }
    case kVcpuopRegisterRunstateMemoryArea: {
        uint64_t addr = 0;
        if (int64_t rc = guest(req).from(req.args[2], &addr))
            return rc;
        std::lock_guard g(m_lock);
        auto& v = m_vcpus[id];
        if (addr == 0) {
            v.runstate_area = {};
            return 0;
        }
        GuestArea area;
        if (!resolve_area(req, addr, sizeof(RunstateInfo), &area))
            return -kEFAULT;
        v.runstate_area = area;
        write_runstate_area(v);
        return 0;
    }
    case kVcpuopSetSingleshotTimer: {
        // Only on the calling vCPU (Xen: -EINVAL for another one).
        if (id != req.vcpu)
            return -kEINVAL;
        VcpuSetSingleshotTimer st{};
        if (int64_t rc = guest(req).from(req.args[2], &st))
            return rc;
        std::lock_guard g(m_lock);
        if ((st.flags & kVcpuSsTmrFuture) && st.timeout_abs_ns < m_clock.now_ns())
            return -kETIME;
        return set_singleshot_locked(m_vcpus[id], st.timeout_abs_ns);
    }
    case kVcpuopStopSingleshotTimer: {
        if (id != req.vcpu)
            return -kEINVAL;
        std::lock_guard g(m_lock);
        m_vcpus[id].singleshot_deadline = 0;
        timers_changed();
        return 0;
    }
    case kVcpuopSetPeriodicTimer: {
        uint64_t period = 0;
        if (int64_t rc = guest(req).from(req.args[2], &period))
            return rc;
        // Xen: at least 1 ms, at most STIME_DELTA_MAX (2^62 - 1).
        if (period < 1000000ull || period > (~0ull >> 2))
            return -kEINVAL;
        std::lock_guard g(m_lock);
        m_vcpus[id].periodic_period = period;
        m_vcpus[id].periodic_next = m_clock.now_ns() + period;
        timers_changed();
        return 0;
    }
    case kVcpuopStopPeriodicTimer: {
        std::lock_guard g(m_lock);
        m_vcpus[id].periodic_period = 0;
        m_vcpus[id].periodic_next = 0;
        timers_changed();
        return 0;
    }
    case kVcpuopIsUp: {
        std::lock_guard g(m_lock);
        return m_vcpus[id].up ? 1 : 0;
    }
    case kVcpuopUp:
    case kVcpuopDown: {
        std::lock_guard g(m_lock);
        bool was = m_vcpus[id].up;
        m_vcpus[id].up = cmd == kVcpuopUp;
        // The vCPU loop parks a down vCPU (runstate offline) at its next
        // exit and lets it run again once it is up.
        if (was != m_vcpus[id].up)
            notify(id);
        return 0;
    }
    case kVcpuopRegisterVcpuTimeMemoryArea: {
        uint64_t addr = 0;
        if (int64_t rc = guest(req).from(req.args[2], &addr))
            return rc;
        {
            std::lock_guard g(m_lock);
            auto& v = m_vcpus[id];
            if (addr == 0) {
                v.time_area = {};
                return 0;
            }
            GuestArea area;
            if (!resolve_area(req, addr, sizeof(VcpuTimeInfo), &area))
                return -kEFAULT;
            v.time_area = area;
        }
        update_time(id);
        return 0;
    }
    default:
        return -kENOSYS;
    }
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
    for (uint32_t i = 0; i < m_nr_upcall_vectors; ++i)
        m_upcall_vectors[i].store(0, std::memory_order_release);
    for (auto& v : m_vcpus) {
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

int64_t XenDomain::do_sched_op(const HypercallRequest& req)
{
    switch (req.args[0]) {
    case kSchedopYield:
        set_runstate(req.vcpu, kRunstateRunnable);
        sched_yield();
        set_runstate(req.vcpu, kRunstateRunning);
        return 0;
    case kSchedopBlock: {
        // Return at once when an upcall is already pending; otherwise the
        // vCPU loop parks the vCPU until one is.
        std::lock_guard g(m_lock);
        auto& v = m_vcpus.at(req.vcpu);
        VcpuInfo* vi = current_vcpu_info(req.vcpu);
        if (vi) {
            __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
                return 0;
        }
        v.wait = static_cast<uint32_t>(WaitKind::block);
        return 0;
    }
    case kSchedopPoll:
        return do_sched_poll(req);
    case kSchedopShutdown: {
        uint32_t reason = 0;
        if (int64_t rc = guest(req).from(req.args[1], &reason))
            return rc;
        if (reason > kShutdownSoftReset)
            return -kEINVAL;
        if (reason == kShutdownSoftReset) {
            {
                std::lock_guard g(m_lock);
                soft_reset();
            }
            for (uint32_t i = 0; i < m_vcpus.size(); ++i)
                update_time(i);
            return 0;
        }
        m_shutdown.store(reason + 1, std::memory_order_release);
        return 0;
    }
    default:
        return -kENOSYS;
    }
}

// --- Event channels ---------------------------------------------------------
// The 2-level ABI on the shared_info page (which exists, mapped or not, for
// the VM's life), with the guest's own atomics racing the VMM's: every
// read-modify-write of pending, mask and pending_sel is an __atomic RMW.

int64_t XenDomain::alloc_port()
{
    // Lowest free port first (port 0 is never valid), as QEMU and Xen do.
    for (uint32_t p = 1; p < m_ports.size(); ++p)
        if (m_ports[p].status == kEvtchnstatClosed)
            return p;
    return -kENOSPC;
}

template <typename Arg>
int64_t XenDomain::bind_new_port_locked(const HypercallRequest& req, uint64_t gva, Arg& arg, uint32_t Arg::*field,
                                        EvtchnPort entry)
{
    int64_t port = alloc_port();
    if (port < 0)
        return port;
    arg.*field = static_cast<uint32_t>(port);
    if (int64_t rc = guest(req).to(gva, &arg))
        return rc;
    m_ports[port] = entry;
    return port;
}

void XenDomain::mark_upcall_locked(uint32_t vcpu, uint32_t word)
{
    VcpuInfo* vi = current_vcpu_info(vcpu);
    if (!vi)
        return;
    uint64_t bit = 1ull << word;
    if (__atomic_fetch_or(&vi->evtchn_pending_sel, bit, __ATOMIC_SEQ_CST) & bit)
        return;
    if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    if (vcpu < m_vcpus.size())
        ++m_vcpus[vcpu].upcall_raises;
    assert_upcall_locked(vcpu);
}

void XenDomain::assert_upcall_locked(uint32_t vcpu)
{
    // Xen's hvm_assert_evtchn_irq(): the per-vCPU vector is an edge on the
    // LAPIC, raised without the vCPU leaving KVM_RUN (KVM wakes it); the
    // global vector is level-like and injected by the vCPU loop.
    if (uint8_t vec = upcall_vector(vcpu); vec && m_vector_notify) {
        m_vector_notify(vcpu, vec);
        notify(vcpu, Notify::wake);
        return;
    }
    notify(vcpu, Notify::kick);
}

void XenDomain::set_pending_locked(uint32_t port)
{
    SharedInfo* s = shinfo();
    uint32_t w = port / 64;
    uint64_t b = 1ull << (port % 64);
    if (__atomic_fetch_or(&s->evtchn_pending[w], b, __ATOMIC_SEQ_CST) & b)
        return;  // Already pending: coalesced.
    uint32_t vcpu = m_ports[port].vcpu;
    // Pollers wake on a pending port even when it is masked (Xen's
    // evtchn_check_pollers()); a poller is parked outside KVM_RUN.
    notify(vcpu, Notify::wake);
    if (__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & b)
        return;  // Masked: the edge is delivered by EVTCHNOP_unmask.
    mark_upcall_locked(vcpu, w);
}

void XenDomain::close_port_locked(uint32_t port)
{
    EvtchnPort& p = m_ports[port];
    switch (p.status) {
    case kEvtchnstatInterdomain:
        // Loopback: the peer goes back to unbound (remote = self).
        if (p.target && p.target < m_ports.size() && m_ports[p.target].status == kEvtchnstatInterdomain &&
            m_ports[p.target].target == port) {
            m_ports[p.target].status = kEvtchnstatUnbound;
            m_ports[p.target].target = 0;
        }
        break;
    case kEvtchnstatVirq: {
        uint32_t owner = virq_is_per_vcpu(p.target) ? p.vcpu : 0;
        if (p.target < kNrVirqs && owner < m_vcpus.size() && m_vcpus[owner].virq_port[p.target] == port)
            m_vcpus[owner].virq_port[p.target] = 0;
        break;
    }
    default:
        break;
    }
    p = {};
    // A freed port must not come back pending (Xen clears it on close).
    __atomic_fetch_and(&shinfo()->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

bool XenDomain::raise_virq(uint32_t vcpu, uint32_t virq)
{
    std::lock_guard g(m_lock);
    return raise_virq_locked(vcpu, virq);
}

bool XenDomain::raise_virq_locked(uint32_t vcpu, uint32_t virq)
{
    if (virq >= kNrVirqs || vcpu >= m_vcpus.size())
        return false;
    uint32_t owner = virq_is_per_vcpu(virq) ? vcpu : 0;
    uint32_t port = m_vcpus[owner].virq_port[virq];
    if (!port)
        return false;
    set_pending_locked(port);
    return true;
}

void XenDomain::raise_port(uint32_t port)
{
    std::lock_guard g(m_lock);
    if (port && port < m_ports.size())
        set_pending_locked(port);
}

EvtchnPort XenDomain::port_info(uint32_t port) const
{
    std::lock_guard g(m_lock);
    return port < m_ports.size() ? m_ports[port] : EvtchnPort{};
}

bool XenDomain::upcall_pending(uint32_t vcpu)
{
    std::lock_guard g(m_lock);
    VcpuInfo* vi = current_vcpu_info(vcpu);
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

WaitKind XenDomain::take_wait(uint32_t vcpu)
{
    std::lock_guard g(m_lock);
    if (vcpu >= m_vcpus.size())
        return WaitKind::none;
    auto k = static_cast<WaitKind>(m_vcpus[vcpu].wait);
    m_vcpus[vcpu].wait = 0;
    return k;
}

bool XenDomain::wait_done(uint32_t vcpu, WaitKind kind)
{
    std::lock_guard g(m_lock);
    if (vcpu >= m_vcpus.size())
        return true;
    auto& v = m_vcpus[vcpu];
    VcpuInfo* vi = current_vcpu_info(vcpu);
    bool upcall = vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
    switch (kind) {
    case WaitKind::block:
        return upcall || !v.up;
    case WaitKind::poll: {
        if (v.upcall_raises != v.poll_kicks || !v.up)
            return true;
        if (v.poll_deadline && m_clock.now_ns() >= v.poll_deadline)
            return true;
        SharedInfo* s = shinfo();
        for (uint32_t p : v.poll_ports)
            if (__atomic_load_n(&s->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) & (1ull << (p % 64)))
                return true;
        return false;
    }
    default:
        return true;
    }
}

uint64_t XenDomain::poll_deadline(uint32_t vcpu) const
{
    std::lock_guard g(m_lock);
    return vcpu < m_vcpus.size() ? m_vcpus[vcpu].poll_deadline : 0;
}

bool XenDomain::vcpu_up(uint32_t vcpu) const
{
    std::lock_guard g(m_lock);
    return vcpu < m_vcpus.size() && m_vcpus[vcpu].up;
}

uint64_t XenDomain::timer_fires(uint32_t vcpu) const
{
    std::lock_guard g(m_lock);
    return vcpu < m_vcpus.size() ? m_vcpus[vcpu].timer_fires : 0;
}

uint64_t XenDomain::next_timer_deadline() const
{
    std::lock_guard g(m_lock);
    uint64_t best = 0;
    for (const auto& v : m_vcpus) {
        for (uint64_t d : {v.singleshot_deadline, v.periodic_period ? v.periodic_next : 0})
            if (d && (!best || d < best))
                best = d;
    }
    return best;
}

void XenDomain::fire_singleshot_locked(XenVcpu& v)
{
    v.singleshot_deadline = 0;
    ++v.timer_fires;
    raise_virq_locked(v.id, kVirqTimer);
}

void XenDomain::run_timers(uint64_t now)
{
    std::lock_guard g(m_lock);
    for (auto& v : m_vcpus) {
        if (v.singleshot_deadline && v.singleshot_deadline <= now)
            fire_singleshot_locked(v);
        if (v.periodic_period && v.periodic_next <= now) {
            ++v.timer_fires;
            raise_virq_locked(v.id, kVirqTimer);
            // No burst of catch-up events after a stall, as in Xen.
            v.periodic_next += v.periodic_period;
            if (v.periodic_next <= now)
                v.periodic_next = now + v.periodic_period;
        }
    }
}

int64_t XenDomain::set_singleshot_locked(XenVcpu& v, uint64_t deadline)
{
    // A deadline in the past fires at once, before the hypercall returns.
    if (deadline <= m_clock.now_ns()) {
        fire_singleshot_locked(v);
    } else {
        v.singleshot_deadline = deadline;
    }
    timers_changed();
    return 0;
}

int64_t XenDomain::do_set_timer_op(const HypercallRequest& req)
{
    auto timeout = static_cast<int64_t>(req.args[0]);
    std::lock_guard g(m_lock);
    auto& v = m_vcpus.at(req.vcpu);
    if (timeout == 0) {
        v.singleshot_deadline = 0;
        timers_changed();
        return 0;
    }
    uint64_t now = m_clock.now_ns();
    // Xen's "Linux workaround": a negative deadline or one 2^50 ns (about
    // 13 days) or more ahead becomes now + 100 ms.
    if (timeout < 0 || static_cast<uint64_t>(timeout) >= now + (1ull << 50))
        return set_singleshot_locked(v, now + 100000000ull);
    return set_singleshot_locked(v, static_cast<uint64_t>(timeout));
}

int64_t XenDomain::do_sched_poll(const HypercallRequest& req)
{
    struct SchedPoll {
        uint64_t ports;
        uint32_t nr_ports;
        uint32_t pad;
        uint64_t timeout;
    } sp{};
    static_assert(sizeof(SchedPoll) == 24);
    if (int64_t rc = guest(req).from(req.args[1], &sp))
        return rc;
    // Xen's limit on the number of ports one poll may name.
    if (sp.nr_ports > 128)
        return -kEINVAL;
    std::vector<uint32_t> ports(sp.nr_ports);
    if (int64_t rc = sp.nr_ports ? guest(req).from(sp.ports, ports.data(), ports.size() * sizeof(uint32_t)) : 0)
        return rc;
    std::lock_guard g(m_lock);
    SharedInfo* s = shinfo();
    bool ready = false;
    for (uint32_t p : ports) {
        if (p >= kEvtchn2lNrChannels)
            return -kEINVAL;
        if (__atomic_load_n(&s->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) & (1ull << (p % 64)))
            ready = true;  // Pending counts whether masked or not.
    }
    // Timeout: absolute Xen system time, as Xen's do_poll() (KVM's in-kernel
    // poll treats it as relative); 0 = none; in the past = return at once.
    if (ready || (sp.timeout && sp.timeout <= m_clock.now_ns()))
        return 0;
    auto& v = m_vcpus.at(req.vcpu);
    v.poll_ports = std::move(ports);
    v.poll_deadline = sp.timeout;
    v.poll_kicks = v.upcall_raises;
    v.wait = static_cast<uint32_t>(WaitKind::poll);
    return 0;
}

int64_t XenDomain::do_event_channel_op(const HypercallRequest& req)
{
    uint64_t cmd = req.args[0];
    uint64_t arg = req.args[1];
    auto self = [](uint16_t dom) { return dom == kDomidSelf || dom == kOwnDomid; };
    auto valid = [this](uint32_t port) { return port != 0 && port < m_ports.size(); };
    switch (cmd) {
    case kEvtchnopAllocUnbound: {
        EvtchnAllocUnbound a{};
        if (int64_t rc = guest(req).from(arg, &a))
            return rc;
        if (!self(a.dom))
            return -kESRCH;
        // Only loopback: there is no other domain to accept a binding from.
        if (!self(a.remote_dom))
            return -kEPERM;
        std::lock_guard g(m_lock);
        int64_t port = bind_new_port_locked(req, arg, a, &EvtchnAllocUnbound::port, {kEvtchnstatUnbound, 0, 0});
        return port < 0 ? port : 0;
    }
    case kEvtchnopBindInterdomain: {
        EvtchnBindInterdomain b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        if (!self(b.remote_dom))
            return -kESRCH;
        std::lock_guard g(m_lock);
        if (!valid(b.remote_port) || m_ports[b.remote_port].status != kEvtchnstatUnbound)
            return -kEINVAL;
        int64_t port = bind_new_port_locked(req, arg, b, &EvtchnBindInterdomain::local_port,
                                            {kEvtchnstatInterdomain, 0, b.remote_port});
        if (port < 0)
            return port;
        m_ports[b.remote_port].status = kEvtchnstatInterdomain;
        m_ports[b.remote_port].target = static_cast<uint32_t>(port);
        // As Xen: the new local port starts pending so no event sent to the
        // unbound end before the bind is lost.
        set_pending_locked(static_cast<uint32_t>(port));
        return 0;
    }
    case kEvtchnopBindVirq: {
        EvtchnBindVirq b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        if (b.virq >= kNrVirqs)
            return -kEINVAL;
        if (b.vcpu >= m_vcpus.size())
            return -kENOENT;
        // Global VIRQs are bound on vCPU 0 (and moved with bind_vcpu).
        if (!virq_is_per_vcpu(b.virq) && b.vcpu != 0)
            return -kEINVAL;
        std::lock_guard g(m_lock);
        if (m_vcpus[b.vcpu].virq_port[b.virq])
            return -kEEXIST;
        int64_t port = bind_new_port_locked(req, arg, b, &EvtchnBindVirq::port, {kEvtchnstatVirq, b.vcpu, b.virq});
        if (port < 0)
            return port;
        m_vcpus[b.vcpu].virq_port[b.virq] = b.port;
        return 0;
    }
    case kEvtchnopBindIpi: {
        EvtchnBindIpi b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        if (b.vcpu >= m_vcpus.size())
            return -kENOENT;
        std::lock_guard g(m_lock);
        int64_t port = bind_new_port_locked(req, arg, b, &EvtchnBindIpi::port, {kEvtchnstatIpi, b.vcpu, 0});
        return port < 0 ? port : 0;
    }
    case kEvtchnopSend: {
        uint32_t port = 0;
        if (int64_t rc = guest(req).from(arg, &port))
            return rc;
        std::lock_guard g(m_lock);
        if (!valid(port))
            return -kEINVAL;
        const EvtchnPort& p = m_ports[port];
        switch (p.status) {
        case kEvtchnstatInterdomain:
            set_pending_locked(p.target);
            return 0;
        case kEvtchnstatIpi:
            set_pending_locked(port);
            return 0;
        case kEvtchnstatUnbound:
            return 0;  // Silently dropped, as Xen does.
        default:
            return -kEINVAL;
        }
    }
    case kEvtchnopClose: {
        uint32_t port = 0;
        if (int64_t rc = guest(req).from(arg, &port))
            return rc;
        std::lock_guard g(m_lock);
        // Closing a closed port is -EINVAL (Xen; QEMU says -ENOENT).
        if (!valid(port) || m_ports[port].status == kEvtchnstatClosed)
            return -kEINVAL;
        close_port_locked(port);
        return 0;
    }
    case kEvtchnopStatus: {
        EvtchnStatus st{};
        if (int64_t rc = guest(req).from(arg, &st))
            return rc;
        if (!self(st.dom))
            return -kESRCH;
        std::lock_guard g(m_lock);
        if (!valid(st.port))
            return -kEINVAL;
        const EvtchnPort& p = m_ports[st.port];
        st.status = p.status;
        st.vcpu = p.vcpu;
        std::memset(&st.u, 0, sizeof(st.u));
        switch (p.status) {
        case kEvtchnstatUnbound:
            st.u.unbound.dom = kDomidSelf;
            break;
        case kEvtchnstatInterdomain:
            st.u.interdomain.dom = kDomidSelf;
            st.u.interdomain.port = p.target;
            break;
        case kEvtchnstatVirq:
            st.u.virq = p.target;
            break;
        default:
            break;
        }
        if (int64_t rc = guest(req).to(arg, &st))
            return rc;
        return 0;
    }
    case kEvtchnopUnmask: {
        uint32_t port = 0;
        if (int64_t rc = guest(req).from(arg, &port))
            return rc;
        std::lock_guard g(m_lock);
        if (!valid(port) || m_ports[port].status == kEvtchnstatClosed)
            return -kEINVAL;
        SharedInfo* s = shinfo();
        uint32_t w = port / 64;
        uint64_t b = 1ull << (port % 64);
        // Xen's evtchn_2l_unmask(): clear the mask, and if the port is
        // pending, redo the selector/upcall steps the masked send skipped.
        __atomic_fetch_and(&s->evtchn_mask[w], ~b, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & b)
            mark_upcall_locked(m_ports[port].vcpu, w);
        return 0;
    }
    case kEvtchnopBindVcpu: {
        EvtchnBindVcpu b{};
        if (int64_t rc = guest(req).from(arg, &b))
            return rc;
        std::lock_guard g(m_lock);
        if (!valid(b.port))
            return -kEINVAL;
        if (b.vcpu >= m_vcpus.size())
            return -kENOENT;
        EvtchnPort& p = m_ports[b.port];
        switch (p.status) {
        case kEvtchnstatUnbound:
        case kEvtchnstatInterdomain:
            break;
        case kEvtchnstatVirq:
            if (virq_is_per_vcpu(p.target))
                return -kEINVAL;
            break;
        default:  // IPI ports notify the vCPU that bound them, for good.
            return -kEINVAL;
        }
        p.vcpu = b.vcpu;
        // QEMU's "pseudo-unmask": a pending, unmasked port is raised again
        // on its new vCPU.
        SharedInfo* s = shinfo();
        uint32_t w = b.port / 64;
        uint64_t bit = 1ull << (b.port % 64);
        if ((__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit) &&
            !(__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit))
            mark_upcall_locked(b.vcpu, w);
        return 0;
    }
    case kEvtchnopReset: {
        uint16_t dom = 0;
        if (int64_t rc = guest(req).from(arg, &dom))
            return rc;
        if (!self(dom))
            return -kESRCH;
        std::lock_guard g(m_lock);
        for (uint32_t p = 1; p < m_ports.size(); ++p)
            if (m_ports[p].status != kEvtchnstatClosed)
                close_port_locked(p);
        return 0;
    }
    case kEvtchnopBindPirq:       // No physical IRQs in this VM.
    case kEvtchnopInitControl:    // FIFO ABI: not offered, the guest stays on 2-level.
    case kEvtchnopExpandArray:
    case kEvtchnopSetPriority:
    default:
        return -kENOSYS;
    }
}

int64_t XenDomain::do_hvm_op(const HypercallRequest& req)
{
    uint64_t op = req.args[0];
    switch (op) {
    case kHvmopSetParam:
    case kHvmopGetParam: {
        XenHvmParam hp{};
        if (int64_t rc = guest(req).from(req.args[1], &hp))
            return rc;
        if (hp.domid != kDomidSelf && hp.domid != kOwnDomid)
            return -kESRCH;
        if (hp.index >= kHvmNrParams)
            return -kEINVAL;
        if (hp.index != kHvmParamCallbackIrq)
            return -kENOSYS;  // No other parameter is emulated.
        std::lock_guard g(m_lock);
        if (op == kHvmopGetParam) {
            hp.value = m_callback_param;
            return guest(req).to(req.args[1], &hp);
        }
        uint64_t type = hp.value >> 56;
        uint8_t vector = 0;
        if (hp.value != 0) {
            // Only the vector type: no GSI or PCI INTx routing in this VM.
            if (type != kHvmParamCallbackTypeVector)
                return -kENOSYS;
            if ((hp.value & 0x00ffffffffffff00ull) || (hp.value & 0xff) < 0x10)
                return -kEINVAL;
            vector = static_cast<uint8_t>(hp.value & 0xff);
        }
        m_callback_param = hp.value;
        m_callback_vector.store(vector, std::memory_order_release);
        // An upcall already pending is delivered as soon as the vector exists.
        for (uint32_t v = 0; v < m_vcpus.size(); ++v)
            notify(v);
        return 0;
    }
    case kHvmopSetEvtchnUpcallVector: {
        // Xen's hvmop_set_evtchn_upcall_vector(): any vCPU may set any
        // vCPU's vector; there is no way back to "none".
        if (!m_config.percpu_upcall_vector)
            return -kENOSYS;  // No in-kernel LAPIC to deliver it to.
        XenHvmEvtchnUpcallVector uv{};
        if (int64_t rc = guest(req).from(req.args[1], &uv))
            return rc;
        if (uv.vector < 0x10)
            return -kEINVAL;
        if (uv.vcpu >= m_vcpus.size())
            return -kENOENT;
        std::lock_guard g(m_lock);
        m_upcall_vectors[uv.vcpu].store(uv.vector, std::memory_order_release);
        VcpuInfo* vi = current_vcpu_info(uv.vcpu);
        if (vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
            assert_upcall_locked(uv.vcpu);
        return 0;
    }
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

}  // namespace xenvmm::xen
