#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "guest_images.h"
#include "vmm/machine.h"

namespace xenvmm {

namespace {

constexpr uint64_t kStageResults = 100;
constexpr size_t kKinds = 6;
constexpr uint64_t kBlock = 100;

struct Kind {
    const char* key;
    const char* label;
};

// Order matches guests/bench.c.
constexpr std::array<Kind, kKinds> kKindNames = {{
    {"bare_exit", "bare out exit (floor)"},
    {"hypercall", "hypercall via page: xen_version"},
    {"bare_exit_page_shape", "  control: same code, bare port"},
    {"hypercall_inline", "hypercall, inline out"},
    {"bare_exit_inline_shape", "  control: same code, bare port"},
    {"guest_100_adds", "no exit: 100 register adds"},
}};

struct Stats {
    double median_ns = 0;
    double p10_ns = 0;
    double p90_ns = 0;
};

Stats stats_of(std::vector<uint64_t> cycles, uint64_t tsc_khz)
{
    Stats s;
    if (cycles.empty() || !tsc_khz)
        return s;
    std::sort(cycles.begin(), cycles.end());
    auto at = [&](double q) {
        size_t i = std::min(cycles.size() - 1, static_cast<size_t>(q * static_cast<double>(cycles.size())));
        return static_cast<double>(cycles[i]) * 1e6 / static_cast<double>(tsc_khz);
    };
    s.median_ns = at(0.5);
    s.p10_ns = at(0.1);
    s.p90_ns = at(0.9);
    return s;
}

}  // namespace

int cmd_bench(const BenchOptions& opts)
{
    if (auto why = host_unsupported_reason()) {
        std::fprintf(stderr, "xenvmm: skip: %s\n", why->c_str());
        return kExitSkip;
    }
    auto image = find_guest_image("bench");
    if (!image) {
        std::fprintf(stderr, "xenvmm: the bench guest is not embedded\n");
        return kExitUsage;
    }
    uint64_t samples = std::max<uint64_t>(1, opts.iterations / kBlock);
    std::array<std::vector<uint64_t>, kKinds> cycles;
    uint64_t tsc_khz = 0;
    MachineConfig cfg;
    cfg.image = *image;
    cfg.arg = samples;
    cfg.watchdog = std::chrono::seconds(300);
    cfg.on_sync = [&](Machine& m, const SyncEvent& ev, std::string* failure) -> uint64_t {
        if (ev.stage != kStageResults)
            return 0;
        if (ev.args[1] != kKinds || ev.args[2] != samples || ev.args[3] != kBlock) {
            *failure = "bench guest reported an unexpected shape";
            return 0;
        }
        for (size_t k = 0; k < kKinds; ++k) {
            cycles[k].resize(samples);
            if (!m.read_guest(ev.vcpu, ev.args[0] + k * samples * 8, cycles[k].data(), samples * 8))
                *failure = "cannot read the bench samples";
        }
        tsc_khz = m.xen().clock().tsc_khz();
        return 0;
    };
    auto machine = Machine::create(cfg);
    if (!machine) {
        std::fprintf(stderr, "xenvmm: %s\n", machine.error().message.c_str());
        return kExitUsage;
    }
    RunOutcome out = machine.value()->run();
    if (out.kind != StopKind::test_pass || cycles[0].empty()) {
        std::fprintf(stderr, "xenvmm: bench guest failed: %s: %s\n", to_string(out.kind), out.message.c_str());
        return 1;
    }
    std::array<Stats, kKinds> st;
    for (size_t k = 0; k < kKinds; ++k)
        st[k] = stats_of(cycles[k], tsc_khz);
    auto ratio = [&](size_t a, size_t b) { return st[b].median_ns > 0 ? st[a].median_ns / st[b].median_ns : 0.0; };
    double target_ratio = ratio(1, 0);
    double page_vmm_ratio = ratio(1, 2);
    double inline_ratio = ratio(3, 0);
    double inline_vmm_ratio = ratio(3, 4);

    if (opts.format == "json") {
        nlohmann::json j;
        j["operations_per_kind"] = samples * kBlock;
        j["block"] = kBlock;
        j["tsc_khz"] = tsc_khz;
        for (size_t k = 0; k < kKinds; ++k)
            j["round_trip_ns"][kKindNames[k].key] = {
                {"median", st[k].median_ns}, {"p10", st[k].p10_ns}, {"p90", st[k].p90_ns}};
        j["ratio_hypercall_vs_bare_exit"] = target_ratio;
        j["ratio_hypercall_vs_same_code_bare_exit"] = page_vmm_ratio;
        j["ratio_inline_hypercall_vs_bare_exit"] = inline_ratio;
        j["ratio_inline_hypercall_vs_same_code_bare_exit"] = inline_vmm_ratio;
        j["target_ratio"] = 1.15;
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("%llu operations per kind in blocks of %llu (guest TSC %llu kHz); per-operation means per block\n",
                static_cast<unsigned long long>(samples * kBlock), static_cast<unsigned long long>(kBlock),
                static_cast<unsigned long long>(tsc_khz));
    std::printf("%-34s %10s %10s %10s\n", "round trip", "median us", "p10 us", "p90 us");
    for (size_t k = 0; k < kKinds; ++k)
        std::printf("%-34s %10.2f %10.2f %10.2f\n", kKindNames[k].label, st[k].median_ns / 1000,
                    st[k].p10_ns / 1000, st[k].p90_ns / 1000);
    std::printf("ratio hypercall / bare exit (median):                    %.3f (target <= 1.15)\n", target_ratio);
    std::printf("ratio hypercall / same code to the bare port (median):   %.3f (VMM overhead)\n", page_vmm_ratio);
    std::printf("ratio inline hypercall / bare exit (median):             %.3f\n", inline_ratio);
    std::printf("ratio inline hypercall / same code, bare port (median):  %.3f (VMM overhead)\n", inline_vmm_ratio);
    return 0;
}

}  // namespace xenvmm
