// libFuzzer harness for the Xen hypercall dispatcher: arbitrary hypercall
// numbers, arguments, CPLs, paging state and guest memory (including the
// guest's page tables), with the VMM's invariants checked after each input.
// Built with -fsanitize=fuzzer under KVMX_FUZZ; otherwise linked with
// fuzz_replay_main.cpp, which feeds it deterministic pseudo-random inputs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "vmm/memory.h"
#include "vmm/xen/domain.h"

namespace {

using namespace xenvmm;

constexpr uint64_t kRam = 256ull << 10;

class FakeTsc final : public xen::GuestTscSource {
public:
    uint64_t guest_tsc() const override { return m_tsc += 977; }

private:
    mutable uint64_t m_tsc = 1000000;
};

class Input {
public:
    Input(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    bool empty() const { return m_pos >= m_size; }
    uint8_t u8() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    uint64_t u64()
    {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<uint64_t>(u8()) << (8 * i);
        return v;
    }
    // Mostly plausible guest addresses, sometimes anything.
    uint64_t arg()
    {
        switch (u8() & 7) {
        case 0:
            return u64();
        case 1:
            return u8();
        case 2:
            return u8() & 15;
        case 3:
            return kRam - (u8() & 63);  // straddles the end of RAM
        default:
            return (u64() % kRam);
        }
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
};

GuestMemory& memory()
{
    static std::unique_ptr<GuestMemory> mem = [] {
        auto r = GuestMemory::create(kRam);
        if (!r)
            std::abort();
        return std::move(r.value());
    }();
    return *mem;
}

void build_page_tables(GuestMemory& mem)
{
    auto* pml4 = reinterpret_cast<uint64_t*>(mem.ram() + 0x1000);
    auto* pdpt = reinterpret_cast<uint64_t*>(mem.ram() + 0x2000);
    auto* pd = reinterpret_cast<uint64_t*>(mem.ram() + 0x3000);
    pml4[0] = 0x2000 | 7;
    pdpt[0] = 0x3000 | 7;
    for (uint64_t i = 0; i < 512; ++i)
        pd[i] = (i << 21) | 0x87;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    GuestMemory& mem = memory();
    (void)mem.place_overlay(std::nullopt);
    // Every input starts from the same memory so a crash file replays.
    std::memset(mem.ram(), 0, kRam);
    std::memset(mem.overlay(), 0, xen::kPageSize);
    build_page_tables(mem);
    Input in(data, size);

    // Guest-controlled bytes anywhere in the first 64 KiB, page tables included.
    uint32_t chunks = in.u8() & 7;
    for (uint32_t c = 0; c < chunks; ++c) {
        uint32_t off = static_cast<uint32_t>(in.u64() % (64 * 1024 - 64));
        for (int i = 0; i < 64; ++i)
            mem.ram()[off + i] = in.u8();
    }

    FakeTsc tsc;
    xen::XenClock clock(&tsc, 1 + in.u64() % 5000000, in.u64() >> 8, in.u64() >> 8, in.u64() >> 8);
    xen::DomainConfig cfg;
    cfg.nr_vcpus = 1 + (in.u8() & 3);
    uint8_t flags = in.u8();
    cfg.enable_abi_probe = flags & 1;
    cfg.percpu_upcall_vector = flags & 2;
    cfg.console_limit = 4096;
    xen::XenDomain dom(mem, clock, cfg);
    // A per-vCPU vector is only ever raised for a real vCPU, with a vector
    // the op accepted, and only when a LAPIC exists.
    dom.set_vector_notifier([&](uint32_t v, uint8_t vector) {
        if (!cfg.percpu_upcall_vector || v >= cfg.nr_vcpus || vector < 0x10)
            __builtin_trap();
    });

    for (int step = 0; step < 32 && !in.empty(); ++step) {
        uint8_t kind = in.u8();
        uint32_t vcpu = in.u8() % cfg.nr_vcpus;
        if (kind < 16) {
            dom.handle_wrmsr(vcpu, (kind & 1) ? xen::kHypercallMsr : static_cast<uint32_t>(in.u64()), in.arg(),
                             in.u8() & 1);
            continue;
        }
        if (kind < 24) {
            dom.set_runstate(vcpu, in.u8() & 3);
            dom.update_time(vcpu);
            continue;
        }
        xen::HypercallRequest req;
        req.vcpu = vcpu;
        uint8_t nr = in.u8();
        req.nr = (nr & 0x80) ? in.u64() : (nr % 64);
        req.cpl = (in.u8() & 7) == 0 ? 3 : 0;
        req.long_mode = true;
        bool paging = in.u8() & 3;
        req.paging = {paging ? (1ull << 31) : 0, paging ? (in.u8() & 1 ? 0x1000 : in.arg()) : 0, 0x20,
                      paging ? (1ull << 10) : 0};
        for (auto& a : req.args)
            a = in.arg();
        int64_t r = dom.dispatch(req);
        if (req.cpl > 0 && r != -xen::kEPERM)
            __builtin_trap();
        // Only errno-sized errors exist; the ABI probe's magic value is the
        // one deliberate exception.
        bool probe = cfg.enable_abi_probe && req.nr == xen::kHypercallArch7;
        if (r < -4095 && !probe)
            __builtin_trap();
    }
    // Invariants that no input may break.
    for (uint32_t v = 0; v < dom.nr_vcpus(); ++v) {
        if (auto ok = dom.check_runstate(v, xen::XenDomain::RunstateCheck::vmm_state); !ok) {
            std::fprintf(stderr, "runstate invariant: %s\n", ok.error().message.c_str());
            __builtin_trap();
        }
    }
    if (dom.console().size() > cfg.console_limit)
        __builtin_trap();
    if (auto gfn = mem.overlay_gfn(); gfn && !mem.is_ram_gfn(*gfn))
        __builtin_trap();
    return 0;
}
