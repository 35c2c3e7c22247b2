#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "guest_images.h"
#include "vmm/machine.h"

namespace xenvmm {

namespace {

constexpr uint64_t kStageResults = 100;

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
    std::vector<uint64_t> bare, hcall, direct;
    uint64_t tsc_khz = 0;
    MachineConfig cfg;
    cfg.image = *image;
    cfg.arg = opts.iterations;
    cfg.watchdog = std::chrono::seconds(120);
    cfg.on_sync = [&](Machine& m, const SyncEvent& ev, std::string* failure) -> uint64_t {
        if (ev.stage != kStageResults)
            return 0;
        uint64_t n = ev.args[2];
        if (n != opts.iterations) {
            *failure = "bench guest reported " + std::to_string(n) + " samples";
            return 0;
        }
        bare.resize(n);
        hcall.resize(n);
        direct.resize(n);
        if (!m.read_guest(ev.vcpu, ev.args[0], bare.data(), n * 8) ||
            !m.read_guest(ev.vcpu, ev.args[1], hcall.data(), n * 8) ||
            !m.read_guest(ev.vcpu, ev.args[3], direct.data(), n * 8))
            *failure = "cannot read the bench samples";
        tsc_khz = m.xen().clock().tsc_khz();
        return 0;
    };
    auto machine = Machine::create(cfg);
    if (!machine) {
        std::fprintf(stderr, "xenvmm: %s\n", machine.error().message.c_str());
        return kExitUsage;
    }
    RunOutcome out = machine.value()->run();
    if (out.kind != StopKind::test_pass || bare.empty()) {
        std::fprintf(stderr, "xenvmm: bench guest failed: %s: %s\n", to_string(out.kind), out.message.c_str());
        return 1;
    }
    Stats b = stats_of(bare, tsc_khz);
    Stats h = stats_of(hcall, tsc_khz);
    Stats d = stats_of(direct, tsc_khz);
    double ratio = b.median_ns > 0 ? h.median_ns / b.median_ns : 0;
    double direct_ratio = b.median_ns > 0 ? d.median_ns / b.median_ns : 0;
    if (opts.format == "json") {
        nlohmann::json j;
        j["iterations"] = opts.iterations;
        j["tsc_khz"] = tsc_khz;
        j["bare_exit_ns"] = {{"median", b.median_ns}, {"p10", b.p10_ns}, {"p90", b.p90_ns}};
        j["hypercall_ns"] = {{"median", h.median_ns}, {"p10", h.p10_ns}, {"p90", h.p90_ns}};
        j["direct_hypercall_ns"] = {{"median", d.median_ns}, {"p10", d.p10_ns}, {"p90", d.p90_ns}};
        j["ratio_median"] = ratio;
        j["direct_ratio_median"] = direct_ratio;
        j["target_ratio"] = 1.15;
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("samples per kind: %u (guest TSC %llu kHz)\n", opts.iterations,
                static_cast<unsigned long long>(tsc_khz));
    std::printf("%-34s %10s %10s %10s\n", "round trip", "median us", "p10 us", "p90 us");
    std::printf("%-34s %10.2f %10.2f %10.2f\n", "bare out exit (floor)", b.median_ns / 1000, b.p10_ns / 1000,
                b.p90_ns / 1000);
    std::printf("%-34s %10.2f %10.2f %10.2f\n", "hypercall xen_version(version)", h.median_ns / 1000,
                h.p10_ns / 1000, h.p90_ns / 1000);
    std::printf("%-34s %10.2f %10.2f %10.2f\n", "hypercall, inline out (no page)", d.median_ns / 1000,
                d.p10_ns / 1000, d.p90_ns / 1000);
    std::printf("ratio hypercall / bare exit (median): %.3f (target <= 1.15)\n", ratio);
    std::printf("ratio inline hypercall / bare exit (median): %.3f\n", direct_ratio);
    return 0;
}

}  // namespace xenvmm
