// Host-only unit tests of the Xen layer (no /dev/kvm needed): dispatcher
// error paths, the hypercall page, guest memory bounds, page walks, pvclock.
#include <catch2/catch.hpp>
#include <atomic>
#include <cstring>
#include <thread>

#include "vmm/machine.h"
#include "vmm/memory.h"
#include "vmm/x86/paging.h"
#include "vmm/xen/domain.h"

using namespace xenvmm;

namespace {

class StepTsc final : public xen::GuestTscSource {
public:
    uint64_t guest_tsc() const override { return m_tsc += 1000; }

private:
    mutable uint64_t m_tsc = 0;
};

struct Fixture {
    std::unique_ptr<GuestMemory> mem;
    StepTsc tsc;
    std::unique_ptr<xen::XenDomain> dom;
    x86::PagingState paging{1ull << 31, 0x1000, 0x20, 1ull << 10};

    explicit Fixture(xen::DomainConfig config = {})
    {
        mem = std::move(GuestMemory::create(4ull << 20).value());
        auto* pml4 = reinterpret_cast<uint64_t*>(mem->ram() + 0x1000);
        auto* pdpt = reinterpret_cast<uint64_t*>(mem->ram() + 0x2000);
        auto* pd = reinterpret_cast<uint64_t*>(mem->ram() + 0x3000);
        pml4[0] = 0x2000 | 7;
        pdpt[0] = 0x3000 | 7;
        for (uint64_t i = 0; i < 512; ++i)
            pd[i] = (i << 21) | 0x87;
        xen::XenClock clock(&tsc, 1000000, 0, 0, 0);  // 1 GHz: 1 tick = 1 ns
        dom = std::make_unique<xen::XenDomain>(*mem, clock, config);
    }

    int64_t call(uint64_t nr, std::array<uint64_t, 6> args, int cpl = 0)
    {
        xen::HypercallRequest r;
        r.nr = nr;
        r.args = args;
        r.cpl = cpl;
        r.paging = paging;
        return dom->dispatch(r);
    }
};

}  // namespace

TEST_CASE("CPL above 0 gets -EPERM for every hypercall")
{
    Fixture f;
    for (uint64_t nr : {0ull, 17ull, 18ull, 29ull, 127ull, 1000ull})
        CHECK(f.call(nr, {0, 0, 0, 0, 0, 0}, 3) == -xen::kEPERM);
    CHECK(f.call(17, {0, 0, 0, 0, 0, 0}, 0) == xen::kXenVersion);
}

TEST_CASE("Unknown hypercalls and sub-ops get -ENOSYS")
{
    Fixture f;
    CHECK(f.call(60, {}) == -xen::kENOSYS);
    CHECK(f.call(~0ull, {}) == -xen::kENOSYS);
    CHECK(f.call(xen::kHypercallXenVersion, {99}) == -xen::kENOSYS);
    CHECK(f.call(xen::kHypercallVcpuOp, {99, 0, 0x8000}) == -xen::kENOSYS);
    CHECK(f.call(xen::kHypercallArch7, {}) == -xen::kENOSYS);  // probe disabled
}

TEST_CASE("Unreadable guest pointers get -EFAULT")
{
    Fixture f;
    for (uint64_t bad : {0x40000000ull, 0x3ff00000ull, 0x8000000000000000ull, (4ull << 20) - 4})
        CHECK(f.call(xen::kHypercallXenVersion, {xen::kXenverExtraversion, bad}) == -xen::kEFAULT);
    CHECK(f.call(xen::kHypercallMemoryOp, {xen::kXenmemAddToPhysmap, 0x40000000}) == -xen::kEFAULT);
    CHECK(f.call(xen::kHypercallSchedOp, {xen::kSchedopShutdown, 0x40000000}) == -xen::kEFAULT);
}

TEST_CASE("Hypercall page stubs")
{
    uint8_t page[4096];
    xen::write_hypercall_page(page, 0xe5);
    const uint8_t* s = page + 17 * 32;
    CHECK(s[0] == 0xb8);
    CHECK(s[1] == 17);
    CHECK(s[5] == 0xe7);
    CHECK(s[6] == 0xe5);
    CHECK(s[7] == 0xc3);
    CHECK(s[8] == 0xcc);
    CHECK(page[4095] == 0xcc);
}

TEST_CASE("Hypercall MSR rejects page index and non-RAM")
{
    Fixture f;
    CHECK_FALSE(f.dom->handle_wrmsr(0, xen::kHypercallMsr, 0x10000 | 1, true));
    CHECK_FALSE(f.dom->handle_wrmsr(0, xen::kHypercallMsr, 0x30000000, true));
    CHECK(f.dom->handle_wrmsr(0, xen::kHypercallMsr, 0x10000, true));
    CHECK(f.dom->hypercall_page_gpa() == 0x10000u);
}

TEST_CASE("Overlay page bounds")
{
    auto mem = std::move(GuestMemory::create(1ull << 20).value());
    uint8_t* hva = mem->overlay();
    REQUIRE(mem->place_overlay(16));
    CHECK(mem->host_ptr(16 * 4096, 4096) == hva);
    CHECK(mem->host_ptr(16 * 4096 - 8, 16) == nullptr);  // straddles RAM and overlay
    CHECK(mem->host_ptr((1ull << 20) - 8, 16) == nullptr);
    CHECK(mem->host_ptr(~0ull - 4, 16) == nullptr);
    REQUIRE(mem->place_overlay(17));
    CHECK(mem->overlay() == hva);
    CHECK(mem->host_ptr(16 * 4096, 8) == mem->ram() + 16 * 4096);
}

TEST_CASE("Shared_info remap keeps content")
{
    Fixture f;
    struct {
        uint16_t domid;
        uint16_t size;
        uint32_t space;
        uint64_t idx;
        uint64_t gpfn;
    } xatp{xen::kDomidSelf, 0, 0, 0, 100};
    std::memcpy(f.mem->ram() + 0x20000, &xatp, sizeof(xatp));
    CHECK(f.call(xen::kHypercallMemoryOp, {xen::kXenmemAddToPhysmap, 0x20000}) == 0);
    f.mem->overlay()[0x800] = 0x5a;
    xatp.gpfn = 101;
    std::memcpy(f.mem->ram() + 0x20000, &xatp, sizeof(xatp));
    CHECK(f.call(xen::kHypercallMemoryOp, {xen::kXenmemAddToPhysmap, 0x20000}) == 0);
    CHECK(f.mem->overlay_gfn() == 101u);
    CHECK(*f.mem->host_ptr(101 * 4096 + 0x800, 1) == 0x5a);
    xatp.domid = 5;
    std::memcpy(f.mem->ram() + 0x20000, &xatp, sizeof(xatp));
    CHECK(f.call(xen::kHypercallMemoryOp, {xen::kXenmemAddToPhysmap, 0x20000}) == -xen::kESRCH);
}

TEST_CASE("pvclock scale converts ticks to nanoseconds")
{
    auto s = xen::pvclock_scale_for(1000000000ull);
    CHECK(xen::pvclock_scale_delta(1000000000ull, s) >= 999999990ull);
    CHECK(xen::pvclock_scale_delta(1000000000ull, s) <= 1000000000ull);
    auto s2 = xen::pvclock_scale_for(2000000000ull);
    uint64_t ns = xen::pvclock_scale_delta(2000000000ull, s2);
    CHECK(ns >= 999999990ull);
    CHECK(ns <= 1000000000ull);
}

TEST_CASE("Runstate invariant holds across transitions")
{
    Fixture f;
    f.dom->set_runstate(0, xen::kRunstateRunning);
    f.dom->set_runstate(0, xen::kRunstateRunnable);
    f.dom->set_runstate(0, xen::kRunstateRunning);
    CHECK(f.dom->check_runstate(0).has_value());
    CHECK(f.dom->vcpu(0).runstate.time[xen::kRunstateRunnable] > 0);
}

namespace {

int64_t evtchn(Fixture& f, uint64_t cmd, uint64_t gpa) { return f.call(32, {cmd, gpa, 0, 0, 0, 0}); }

template <typename T>
T* at(Fixture& f, uint64_t gpa)
{
    return reinterpret_cast<T*>(f.mem->ram() + gpa);
}

}  // namespace

TEST_CASE("Event channels: loopback pair, masking and the notifier")
{
    Fixture f;
    std::vector<uint32_t> notified;
    f.dom->set_notifier([&](uint32_t v, xen::XenDomain::Notify) { notified.push_back(v); });
    auto* sh = reinterpret_cast<xen::SharedInfo*>(f.mem->overlay());
    auto* a = at<xen::EvtchnAllocUnbound>(f, 0x100000);
    *a = {xen::kDomidSelf, xen::kDomidSelf, 0};
    REQUIRE(evtchn(f, xen::kEvtchnopAllocUnbound, 0x100000) == 0);
    uint32_t pa = a->port;
    CHECK(pa == 1);
    auto* b = at<xen::EvtchnBindInterdomain>(f, 0x100100);
    *b = {xen::kDomidSelf, pa, 0};
    REQUIRE(evtchn(f, xen::kEvtchnopBindInterdomain, 0x100100) == 0);
    uint32_t pb = b->local_port;
    CHECK(pb == 2);
    // Xen sets the new local port pending.
    CHECK(sh->evtchn_pending[0] == (1ull << pb));
    CHECK(sh->vcpu_info[0].evtchn_upcall_pending == 1);
    CHECK(sh->vcpu_info[0].evtchn_pending_sel == 1);
    CHECK(!notified.empty());
    sh->evtchn_pending[0] = 0;
    sh->vcpu_info[0].evtchn_upcall_pending = 0;
    sh->vcpu_info[0].evtchn_pending_sel = 0;

    // Masked: pending without selector or upcall; unmask delivers.
    sh->evtchn_mask[0] = 1ull << pa;
    *at<uint32_t>(f, 0x100200) = pb;
    CHECK(evtchn(f, xen::kEvtchnopSend, 0x100200) == 0);
    CHECK(sh->evtchn_pending[0] == (1ull << pa));
    CHECK(sh->vcpu_info[0].evtchn_upcall_pending == 0);
    *at<uint32_t>(f, 0x100200) = pa;
    CHECK(evtchn(f, xen::kEvtchnopUnmask, 0x100200) == 0);
    CHECK(sh->evtchn_mask[0] == 0);
    CHECK(sh->vcpu_info[0].evtchn_upcall_pending == 1);

    // Close one end: the peer is unbound again and sends are dropped.
    CHECK(evtchn(f, xen::kEvtchnopClose, 0x100200) == 0);
    CHECK(f.dom->port_info(pb).status == xen::kEvtchnstatUnbound);
    CHECK((sh->evtchn_pending[0] & (1ull << pa)) == 0);
    CHECK(evtchn(f, xen::kEvtchnopClose, 0x100200) == -xen::kEINVAL);
    CHECK(evtchn(f, xen::kEvtchnopInitControl, 0x100200) == -xen::kENOSYS);
}

TEST_CASE("Per-vCPU upcall vector: refused without a LAPIC, validated, raised on 0 -> 1 edges")
{
    using Notify = xen::XenDomain::Notify;
    auto set_vector = [](Fixture& f, uint32_t vcpu, uint8_t vector) {
        auto* uv = at<xen::XenHvmEvtchnUpcallVector>(f, 0x100300);
        *uv = {vcpu, vector};
        return f.call(xen::kHypercallHvmOp, {xen::kHvmopSetEvtchnUpcallVector, 0x100300, 0, 0, 0, 0});
    };
    SECTION("without an in-kernel LAPIC the op is -ENOSYS")
    {
        Fixture f;
        CHECK(set_vector(f, 0, 0xf2) == -xen::kENOSYS);
        CHECK(f.dom->upcall_vector(0) == 0);
    }
    SECTION("with one: errors, edges, the vector notifier and wake-only notifications")
    {
        xen::DomainConfig dc;
        dc.nr_vcpus = 2;
        dc.percpu_upcall_vector = true;
        Fixture f(dc);
        std::vector<std::pair<uint32_t, uint8_t>> msis;
        std::vector<std::pair<uint32_t, Notify>> notes;
        f.dom->set_vector_notifier([&](uint32_t v, uint8_t vec) { msis.emplace_back(v, vec); });
        f.dom->set_notifier([&](uint32_t v, Notify how) { notes.emplace_back(v, how); });
        CHECK(set_vector(f, 0, 0x0f) == -xen::kEINVAL);
        CHECK(set_vector(f, 2, 0xf2) == -xen::kENOENT);
        CHECK(f.call(xen::kHypercallHvmOp, {xen::kHvmopSetEvtchnUpcallVector, 1ull << 40, 0, 0, 0, 0}) ==
              -xen::kEFAULT);
        CHECK(f.dom->upcall_vector(0) == 0);
        CHECK(msis.empty());

        // An IPI on vCPU 1 before it has a vector: a kick for the loop.
        auto* ipi = at<xen::EvtchnBindIpi>(f, 0x100000);
        *ipi = {1, 0};
        REQUIRE(evtchn(f, xen::kEvtchnopBindIpi, 0x100000) == 0);
        *at<uint32_t>(f, 0x100100) = ipi->port;
        CHECK(evtchn(f, xen::kEvtchnopSend, 0x100100) == 0);
        CHECK(msis.empty());
        REQUIRE(!notes.empty());
        CHECK(notes.back() == std::make_pair(1u, Notify::kick));

        // Registering with an upcall already pending raises it at once.
        notes.clear();
        CHECK(set_vector(f, 1, 0xf2) == 0);
        CHECK(f.dom->upcall_vector(1) == 0xf2);
        REQUIRE(msis.size() == 1);
        CHECK(msis[0] == std::make_pair(1u, uint8_t{0xf2}));
        CHECK(notes == std::vector<std::pair<uint32_t, Notify>>{{1u, Notify::wake}});

        // Still pending: a second send is coalesced, no new edge.
        CHECK(evtchn(f, xen::kEvtchnopSend, 0x100100) == 0);
        CHECK(msis.size() == 1);
        // The guest consumes it; the next send is a new 0 -> 1 edge.
        auto* sh = reinterpret_cast<xen::SharedInfo*>(f.mem->overlay());
        sh->evtchn_pending[0] = 0;
        sh->vcpu_info[1].evtchn_pending_sel = 0;
        sh->vcpu_info[1].evtchn_upcall_pending = 0;
        notes.clear();
        CHECK(evtchn(f, xen::kEvtchnopSend, 0x100100) == 0);
        CHECK(msis.size() == 2);
        for (const auto& n : notes)
            CHECK(n.second == Notify::wake);  // No kick out of KVM_RUN.
    }
}

TEST_CASE("Event channels: concurrent sends, masks and unmasks leave no event stranded")
{
    // The thread-sanitizer target (XENVMM_TSAN): one thread sends, another
    // masks, unmasks and consumes as a guest handler would.
    Fixture f;
    std::atomic<uint64_t> notifies{0};
    f.dom->set_notifier([&](uint32_t, xen::XenDomain::Notify) { notifies.fetch_add(1); });
    auto* ipi = at<xen::EvtchnBindIpi>(f, 0x100000);
    *ipi = {0, 0};
    REQUIRE(evtchn(f, xen::kEvtchnopBindIpi, 0x100000) == 0);
    uint32_t p = ipi->port;
    *at<uint32_t>(f, 0x100100) = p;
    auto* sh = reinterpret_cast<xen::SharedInfo*>(f.mem->overlay());
    auto& vi = sh->vcpu_info[0];
    uint64_t bit = 1ull << (p % 64);
    std::atomic<bool> done{false};
    uint64_t handled = 0, unmask_errors = 0;
    std::thread receiver([&] {
        // No Catch2 assertions off the main thread (not thread-safe).
        while (!done.load()) {
            __atomic_fetch_or(&sh->evtchn_mask[0], bit, __ATOMIC_SEQ_CST);
            if (evtchn(f, xen::kEvtchnopUnmask, 0x100100) != 0)
                ++unmask_errors;
            if (__atomic_exchange_n(&vi.evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST)) {
                __atomic_exchange_n(&vi.evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
                if (__atomic_fetch_and(&sh->evtchn_pending[0], ~bit, __ATOMIC_SEQ_CST) & bit)
                    ++handled;
            }
        }
    });
    for (int i = 0; i < 20000; ++i)
        CHECK(evtchn(f, xen::kEvtchnopSend, 0x100100) == 0);
    done.store(true);
    receiver.join();
    CHECK(unmask_errors == 0);
    // Whatever is still pending and unmasked has its selector bit and
    // upcall_pending set: the guest would be told.
    CHECK(evtchn(f, xen::kEvtchnopUnmask, 0x100100) == 0);
    if (__atomic_load_n(&sh->evtchn_pending[0], __ATOMIC_SEQ_CST) & bit) {
        CHECK(__atomic_load_n(&vi.evtchn_upcall_pending, __ATOMIC_SEQ_CST) == 1);
        CHECK((__atomic_load_n(&vi.evtchn_pending_sel, __ATOMIC_SEQ_CST) & 1) == 1);
    }
    // How many the receiver consumed depends on scheduling; not asserted.
    (void)handled;
}

TEST_CASE("A KVM_EXIT_XEN hypercall becomes the dispatcher's request")
{
    // The kernel intercept path (--xen-kernel auto) cannot run on hosts
    // without KVM_CAP_XEN_HVM; its translation is checked here.
    kvm_xen_exit e{};
    e.type = KVM_EXIT_XEN_HCALL;
    e.u.hcall.longmode = 1;
    e.u.hcall.cpl = 0;
    e.u.hcall.input = 0x100000020ull;  // High bits survive in long mode.
    for (uint64_t i = 0; i < 6; ++i)
        e.u.hcall.params[i] = 0xffffffff00000000ull | i;
    x86::PagingState paging{1, 2, 3, 4};
    auto req = request_from_xen_exit(3, e, paging);
    CHECK(req.vcpu == 3);
    CHECK(req.long_mode);
    CHECK(req.cpl == 0);
    CHECK(req.nr == 0x100000020ull);
    CHECK(req.args[5] == (0xffffffff00000000ull | 5));
    CHECK(req.paging.cr3 == 2);

    // 32-bit callers: number and arguments are 32-bit values.
    e.u.hcall.longmode = 0;
    e.u.hcall.cpl = 3;
    req = request_from_xen_exit(0, e, paging);
    CHECK_FALSE(req.long_mode);
    CHECK(req.cpl == 3);
    CHECK(req.nr == 0x20);
    CHECK(req.args[0] == 0);
    CHECK(req.args[1] == 1);

    // The dispatcher answers it as it would a port exit: CPL 3 -> -EPERM.
    Fixture f;
    req.paging = f.paging;
    CHECK(f.dom->dispatch(req) == -xen::kEPERM);
}
