#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "guest_images.h"
#include "vmm/machine.h"
#include "vmm/x86/layout.h"
#include "vmm/xen/domain.h"

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

// Boot `cfg` and run its guest to the end. 0 when it passed and
// have_samples() holds; otherwise the exit status, with the reason on
// stderr after `failed` (which names the guest).
int run_bench_guest(const MachineConfig& cfg, const std::string& failed, const std::function<bool()>& have_samples)
{
    auto machine = Machine::create(cfg);
    if (!machine) {
        std::fprintf(stderr, "xenvmm: %s\n", machine.error().message.c_str());
        return kExitUsage;
    }
    RunOutcome out = machine.value()->run();
    if (out.kind != StopKind::test_pass || !have_samples()) {
        std::fprintf(stderr, "xenvmm: %s: %s: %s\n", failed.c_str(), to_string(out.kind), out.message.c_str());
        return 1;
    }
    return 0;
}

// --- Event and timer latency (guests/bench_events.c) -----------------------
constexpr size_t kEventKinds = 6;
constexpr std::array<Kind, kEventKinds> kEventNames = {{
    {"bare_exit", "bare out exit (floor)"},
    {"evtchn_send_self", "EVTCHNOP_send to self, upcall taken"},
    {"ipi_pingpong", "IPI ping-pong round trip, 2 vCPUs"},
    {"timer_late_100us", "set_timer_op lateness, 100 us ahead"},
    {"timer_late_1ms", "set_timer_op lateness, 1 ms ahead"},
    {"timer_late_10ms", "set_timer_op lateness, 10 ms ahead"},
}};

struct Dist {
    double p50_us = 0, p99_us = 0, min_us = 0, max_us = 0;
    std::vector<double> us;  // sorted
};

Dist dist_of(std::vector<double> us)
{
    Dist d;
    if (us.empty())
        return d;
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * static_cast<double>(us.size())))]; };
    d.p50_us = at(0.5);
    d.p99_us = at(0.99);
    d.min_us = us.front();
    d.max_us = us.back();
    d.us = std::move(us);
    return d;
}

// Log2 buckets in microseconds: [0,1), [1,2), [2,4), ... [2^k, 2^(k+1)).
std::vector<std::pair<double, size_t>> histogram(const std::vector<double>& us)
{
    std::vector<std::pair<double, size_t>> h;
    for (double v : us) {
        size_t b = 0;
        double top = 1;
        while (v >= top && b < 24) {
            top *= 2;
            ++b;
        }
        if (h.size() <= b)
            for (size_t i = h.size(); i <= b; ++i)
                h.push_back({i == 0 ? 0.0 : std::ldexp(1.0, static_cast<int>(i) - 1), 0});
        ++h[b].second;
    }
    return h;
}

// The VMM's own share, from Machine's exit profile: userspace time per
// exit (KVM_RUN return to the next KVM_RUN) and the timer thread's
// lateness in raising each deadline.
struct VmmShare {
    Dist bare_exit_us;       // bench-port exits of phase A
    Dist send_self_us;       // hypercall exits of phase A
    std::array<Dist, 3> timer_thread_late_us;
};

int bench_events(const BenchOptions& opts, IrqMode mode, nlohmann::json* json)
{
    auto image = find_guest_image("bench_events");
    if (!image) {
        std::fprintf(stderr, "xenvmm: the bench_events guest is not embedded\n");
        return kExitUsage;
    }
    if (auto host = host_supports(mode); !host) {
        std::fprintf(stderr, "xenvmm: skip --irq %s: %s\n", to_string(mode), host.error().message.c_str());
        return 0;
    }
    uint64_t n = std::clamp<uint64_t>(opts.iterations / 50, 100, 80000);
    std::array<std::vector<double>, kEventKinds> us;
    std::vector<double> vmm_bare, vmm_send;
    std::array<std::vector<double>, 3> timer_late;
    uint64_t tsc_khz = 0;
    MachineConfig cfg;
    cfg.image = *image;
    cfg.nr_vcpus = 2;
    cfg.arg = n;
    cfg.irq_mode = mode;
    cfg.profile = true;
    cfg.watchdog = std::chrono::seconds(300);
    cfg.on_sync = [&](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
        tsc_khz = m.xen().clock().tsc_khz();
        if (ev.stage == 10 || (ev.stage >= 20 && ev.stage < 23)) {
            (void)m.take_exit_samples(ev.vcpu);  // Start of a bracket.
            (void)m.take_timer_lateness();
            return 0;
        }
        if (ev.stage == 11) {
            for (const auto& e : m.take_exit_samples(ev.vcpu)) {
                double x = static_cast<double>(e.cycles) * 1000.0 / static_cast<double>(tsc_khz);
                if (e.port == x86::kBenchPort)
                    vmm_bare.push_back(x);
                else if (e.port == xen::kHypercallPort)
                    vmm_send.push_back(x);
            }
            return 0;
        }
        if (ev.stage >= 30 && ev.stage < 33) {
            for (uint64_t ns : m.take_timer_lateness())
                timer_late[ev.stage - 30].push_back(static_cast<double>(ns) / 1000.0);
            return 0;
        }
        if (ev.stage != kStageResults)
            return 0;
        std::array<uint64_t, kEventKinds> counts{};
        if (ev.args[1] != kEventKinds || ev.args[2] != n ||
            !m.read_guest(ev.vcpu, ev.args[3], counts.data(), sizeof(counts))) {
            return make_error("bench_events guest reported an unexpected shape");
        }
        for (size_t k = 0; k < kEventKinds; ++k) {
            if (counts[k] > n) {
                return make_error("bench_events sample count out of range");
            }
            std::vector<uint64_t> raw(counts[k]);
            if (!m.read_guest(ev.vcpu, ev.args[0] + k * n * 8, raw.data(), raw.size() * 8)) {
                return make_error("cannot read the bench_events samples");
            }
            for (uint64_t v : raw) {
                // Kinds 0-2 are TSC cycles, 3-5 nanoseconds of Xen time.
                double x = k < 3 ? static_cast<double>(v) * 1000.0 / static_cast<double>(tsc_khz)
                                 : static_cast<double>(v) / 1000.0;
                us[k].push_back(x);
            }
        }
        return 0;
    };
    std::string what = std::string("bench_events guest failed (--irq ") + to_string(mode) + ")";
    if (int rc = run_bench_guest(cfg, what, [&] { return !us[0].empty(); }))
        return rc;
    std::array<Dist, kEventKinds> d;
    for (size_t k = 0; k < kEventKinds; ++k)
        d[k] = dist_of(us[k]);
    VmmShare share;
    share.bare_exit_us = dist_of(vmm_bare);
    share.send_self_us = dist_of(vmm_send);
    for (size_t k = 0; k < 3; ++k)
        share.timer_thread_late_us[k] = dist_of(timer_late[k]);
    double floor = d[0].p50_us;
    auto r = [&](double v) { return floor > 0 ? v / floor : 0.0; };
    if (json) {
        nlohmann::json j;
        j["irq_mode"] = to_string(mode);
        j["samples"] = n;
        j["bare_exit_p50_us"] = floor;
        for (size_t k = 0; k < kEventKinds; ++k) {
            nlohmann::json e;
            e["samples"] = d[k].us.size();
            e["p50_us"] = d[k].p50_us;
            e["p99_us"] = d[k].p99_us;
            e["min_us"] = d[k].min_us;
            e["max_us"] = d[k].max_us;
            e["p50_vs_bare_exit"] = r(d[k].p50_us);
            e["p99_vs_bare_exit"] = r(d[k].p99_us);
            nlohmann::json h = nlohmann::json::array();
            for (auto& [lo, c] : histogram(d[k].us))
                h.push_back({{"from_us", lo}, {"count", c}});
            e["histogram_log2_us"] = h;
            j["kinds"][kEventNames[k].key] = e;
        }
        auto dj = [](const Dist& x) {
            return nlohmann::json{{"samples", x.us.size()}, {"p50_us", x.p50_us}, {"p99_us", x.p99_us}};
        };
        j["vmm_share"]["bare_exit_userspace"] = dj(share.bare_exit_us);
        j["vmm_share"]["evtchn_send_self_userspace"] = dj(share.send_self_us);
        for (size_t k = 0; k < 3; ++k)
            j["vmm_share"][std::string(kEventNames[3 + k].key) + "_timer_thread"] = dj(share.timer_thread_late_us[k]);
        j["targets"] = {{"evtchn_send_self_p50_vs_bare_exit", 1.2},
                        {"timer_late_p50_vs_bare_exit", 3.0},
                        {"timer_late_p99_vs_bare_exit", 20.0}};
        (*json)["event_latency_by_irq_mode"][to_string(mode)] = j;
        if (!json->contains("event_latency"))
            (*json)["event_latency"] = j;
        return 0;
    }
    std::printf("\nevent and timer latency, --irq %s, one VM run, 2 vCPUs, %llu samples (10 ms timer: %zu)\n",
                to_string(mode), static_cast<unsigned long long>(n), d[5].us.size());
    std::printf("%-40s %9s %9s %9s %9s %9s\n", "operation", "p50 us", "p99 us", "max us", "p50/bare", "p99/bare");
    for (size_t k = 0; k < kEventKinds; ++k)
        std::printf("%-40s %9.2f %9.2f %9.2f %9.2f %9.2f\n", kEventNames[k].label, d[k].p50_us, d[k].p99_us,
                    d[k].max_us, r(d[k].p50_us), r(d[k].p99_us));
    std::printf("targets: send-to-self p50/bare <= 1.2; timer lateness p50/bare < 3, p99/bare < 20\n");
    std::printf("\nVMM share (userspace time per exit; timer thread lateness)   p50 us    p99 us  p50 share\n");
    auto share_line = [&](const char* label, const Dist& x, double total) {
        std::printf("  %-57s %8.2f %9.2f %9.2f\n", label, x.p50_us, x.p99_us, total > 0 ? x.p50_us / total : 0.0);
    };
    share_line("bare exit: VMM userspace", share.bare_exit_us, d[0].p50_us);
    share_line("send to self: VMM userspace (dispatch + injection)", share.send_self_us, d[1].p50_us);
    for (size_t k = 0; k < 3; ++k)
        share_line((std::string(kEventNames[3 + k].label) + ": timer thread").c_str(), share.timer_thread_late_us[k],
                   d[3 + k].p50_us);
    for (size_t k = 1; k < kEventKinds; ++k) {
        std::printf("\nhistogram: %s (log2 buckets, us)\n", kEventNames[k].label);
        auto h = histogram(d[k].us);
        size_t peak = 1;
        for (auto& b : h)
            peak = std::max(peak, b.second);
        for (size_t i = 0; i < h.size(); ++i) {
            double hi = i == 0 ? 1.0 : h[i].first * 2;
            std::printf("  [%7.0f, %7.0f) %6zu %s\n", h[i].first, hi, h[i].second,
                        std::string(h[i].second * 50 / peak, '#').c_str());
        }
    }
    return 0;
}

int bench_events_all(const BenchOptions& opts, nlohmann::json* json)
{
    for (IrqMode mode : irq_modes_named(opts.irq))
        if (int rc = bench_events(opts, mode, json))
            return rc;
    return 0;
}

}  // namespace

int cmd_bench(const BenchOptions& opts)
{
    if (auto host = host_supports(); !host) {
        std::fprintf(stderr, "xenvmm: skip: %s\n", host.error().message.c_str());
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
    cfg.on_sync = [&](Machine& m, const SyncEvent& ev) -> Result<uint64_t> {
        if (ev.stage != kStageResults)
            return 0;
        if (ev.args[1] != kKinds || ev.args[2] != samples || ev.args[3] != kBlock) {
            return make_error("bench guest reported an unexpected shape");
        }
        for (size_t k = 0; k < kKinds; ++k) {
            cycles[k].resize(samples);
            if (!m.read_guest(ev.vcpu, ev.args[0] + k * samples * 8, cycles[k].data(), samples * 8))
                return make_error("cannot read the bench samples");
        }
        tsc_khz = m.xen().clock().tsc_khz();
        return 0;
    };
    if (int rc = run_bench_guest(cfg, "bench guest failed", [&] { return !cycles[0].empty(); }))
        return rc;
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
        if (int rc = bench_events_all(opts, &j))
            return rc;
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
    return bench_events_all(opts, nullptr);
}

}  // namespace xenvmm
