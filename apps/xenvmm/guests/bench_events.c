/* Event and timer latency benchmark (two vCPUs), one sample per operation:
 *   0 bare `out` exit (the floor), TSC cycles
 *   1 EVTCHNOP_send to an IPI port of this vCPU until its upcall handler
 *     has run (before the hypercall returns in callback mode), TSC cycles
 *   2 IPI ping-pong round trip vCPU 0 -> 1 -> 0, both ends halted while
 *     waiting, TSC cycles
 *   3-5 set_timer_op lateness for deadlines 100 us, 1 ms, 10 ms ahead: Xen
 *     time at the end of the upcall handler minus the deadline, ns
 * boot_info.arg = samples for kinds 0-3; kind 4 takes arg/4 and kind 5
 * arg/20 (at least 20) so the run stays short. */
#include "guest.h"

#define KINDS 6
#define SAMPLES_BASE 0x800000ull
#define SAMPLES_END 0xc00000ull
static volatile int g_ready, g_done;
static volatile uint32_t g_ping, g_pong;
static volatile uint64_t g_timer_seen_ns;
static uint32_t g_timer_port;

static int timer_hook(uint32_t id)
{
    (void)id;
    if (g_timer_port && (g_shinfo->evtchn_pending[g_timer_port / 64] >> (g_timer_port % 64)) & 1)
        g_timer_seen_ns = xen_now();
    return 1;
}

static inline void bare_exit(void)
{
    __asm__ volatile("outl %%eax, %[port]" ::"a"(0), [port] "i"(XENVMM_BENCH_PORT) : "memory");
}

void test_main(void)
{
    if (g_boot->vcpu_id == 1) {
        while (!g_ready)
            __asm__ volatile("pause");
        irq_enable();
        for (uint32_t i = 1;; i++) {
            wait_port(g_ping, i);
            if (g_done)
                break;
            evtchn_send(g_pong);
        }
        for (;;)
            __asm__ volatile("pause");
    }
    uint64_t n = g_boot->arg;
    uint64_t counts[KINDS] = {n, n, n, n, n / 4, n / 20 < 20 ? 20 : n / 20};
    /* Above the scratch pages (shared_info sits at SCRATCH_PAGE(16)) and
     * below the stacks of vCPUs 4-31. */
    uint64_t *samples = (uint64_t *)SAMPLES_BASE;
    GUEST_ASSERT(n > 0 && SAMPLES_BASE + KINDS * n * 8 <= SAMPLES_END);
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    long self = evtchn_bind_ipi(0);
    long ping = evtchn_bind_ipi(1);
    long pong = evtchn_bind_ipi(0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(self > 0 && ping > 0 && pong > 0 && t > 0);
    g_ping = (uint32_t)ping;
    g_pong = (uint32_t)pong;
    g_timer_port = (uint32_t)t;
    g_upcall_hook = timer_hook;
    irq_enable();
    g_ready = 1;
    for (int w = 0; w < 200; w++) {
        bare_exit();
        evtchn_send((uint32_t)self);
    }

    /* Phase A, bracketed by syncs 10/11 so the host can split out the
     * VMM's own share of these exits: bare exits and sends to self. In a
     * LAPIC mode the upcall may land a little after the hypercall returns,
     * so the sample ends when the handler has run. */
    uint64_t *s0 = samples, *s1 = samples + n, *s2 = samples + 2 * n;
    uint32_t self_hits = g_port_hits[self], pong_hits = g_port_hits[pong];
    guest_sync(10, 0, 0, 0, 0);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = rdtsc();
        bare_exit();
        uint64_t b = rdtsc();
        GUEST_ASSERT_EQ(evtchn_send((uint32_t)self), 0);
        ++self_hits;
        while (g_port_hits[self] != self_hits)
            __asm__ volatile("pause");
        uint64_t c = rdtsc();
        s0[i] = b - a;
        s1[i] = c - b;
    }
    guest_sync(11, 0, 0, 0, 0);
    /* Phase B: IPI ping-pong. */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t d = rdtsc();
        GUEST_ASSERT_EQ(evtchn_send((uint32_t)ping), 0);
        wait_port((uint32_t)pong, ++pong_hits);
        s2[i] = rdtsc() - d;
    }
    /* Phase C: timers, each kind bracketed by syncs 20+k / 30+k so the host
     * can report its timer thread's own lateness. */
    static const uint64_t ahead[3] = {100000, 1000000, 10000000};
    uint32_t timer_hits = g_port_hits[t];
    for (int k = 0; k < 3; k++) {
        uint64_t *s = samples + (3 + k) * n;
        guest_sync(20 + (uint64_t)k, 0, 0, 0, 0);
        for (uint64_t i = 0; i < counts[3 + k]; i++) {
            uint64_t deadline = xen_now() + ahead[k];
            GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(deadline), 0);
            wait_port((uint32_t)t, ++timer_hits);
            GUEST_ASSERT(g_timer_seen_ns >= deadline);
            s[i] = g_timer_seen_ns - deadline;
        }
        guest_sync(30 + (uint64_t)k, 0, 0, 0, 0);
    }
    guest_sync(100, (uint64_t)samples, KINDS, n, (uint64_t)counts);
    g_done = 1;
    evtchn_send((uint32_t)ping);
}
