// shared_info and vcpu_info: where each vCPU's vcpu_info lives (default
// slot, registered copy or dummy), the pvclock and wallclock copies, the
// registered time and runstate areas, and shared_info placement.
#include "vmm/xen/domain.h"

#include <algorithm>
#include <cstring>

namespace xenvmm::xen {

namespace {

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

bool XenDomain::upcall_pending(uint32_t vcpu)
{
    std::lock_guard g(m_lock);
    VcpuInfo* vi = current_vcpu_info(vcpu);
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
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

Result<void> XenDomain::check_runstate(uint32_t id, RunstateCheck what) const
{
    std::lock_guard g(m_lock);
    if (id >= m_vcpus.size())
        return {};
    const auto& v = m_vcpus[id];
    auto check = [](const RunstateInfo& r, const char* copy) -> Result<void> {
        uint64_t sum = r.time[0] + r.time[1] + r.time[2] + r.time[3];
        uint64_t entry = r.state_entry_time & ~kRunstateUpdate;
        if (sum != entry)
            return make_error(std::string(copy) + ": state_entry_time " + std::to_string(entry) +
                              " != sum of times " + std::to_string(sum));
        return {};
    };
    TRY_VOID(check(v.runstate, "VMM runstate"));
    if (what == RunstateCheck::vmm_state_and_guest_area && v.runstate_area.valid()) {
        RunstateInfo guest{};
        if (area_read(m_mem, v.runstate_area, 0, &guest, sizeof(guest)))
            TRY_VOID(check(guest, "guest runstate area"));
    }
    return {};
}

}  // namespace xenvmm::xen
