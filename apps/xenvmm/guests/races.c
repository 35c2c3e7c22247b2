/* Test 31: races, three vCPUs, every wait bounded by the VMM watchdog.
 *   vCPU 0 sends port P (bound to vCPU 1) ROUNDS times, each time waiting
 *     until vCPU 1 has handled it: no lost and no duplicated event.
 *   vCPU 1 masks P directly and unmasks it with EVTCHNOP_unmask in a loop
 *     (a send landing while masked must be re-raised by the unmask), and
 *     registers its vcpu_info elsewhere half-way through.
 *   vCPU 2 moves shared_info between two GFNs (each move holds every vCPU
 *     out of KVM_RUN) while its 1 ms periodic timer fires; the guest side
 *     keeps its own accesses off the old GFN (move_shared_info()). */
#include "guest.h"

#define ROUNDS 200
#define MAX_MOVES 30
static volatile int g_ready, g_done, g_registered;
static volatile uint32_t g_p, g_t2;
static volatile uint64_t g_moves;
static struct vcpu_info new_vi_page[64] __attribute__((aligned(4096)));

static void vcpu1(void)
{
    irq_enable();
    int registered = 0;
    uint64_t iter = 0;
    while (!g_done) {
        irq_disable();
        shinfo_read_lock();
        port_mask(g_shinfo, g_p);
        shinfo_read_unlock();
        irq_enable();
        HYPERVISOR_xen_version(XENVER_version, 0);
        GUEST_ASSERT_EQ(evtchn_unmask(g_p), 0);
        if (!registered && g_port_hits[g_p] >= ROUNDS / 2) {
            /* Re-register vcpu_info while events keep coming. */
            static struct vcpu_register_vcpu_info r;
            r.mfn = (uint64_t)new_vi_page / 4096;
            r.offset = 64;
            irq_disable();
            GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &r), 0);
            g_vcpu_info[1] = &new_vi_page[1];
            irq_enable();
            registered = 1;
            g_registered = 1;
        }
        iter++;
    }
    (void)iter;
    for (;;)
        __asm__ volatile("pause");
}

static void vcpu2(void)
{
    static uint64_t period = 1000000;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 2, &period), 0);
    irq_enable();
    uint64_t g1 = SCRATCH_PAGE(16) / 4096, g2 = SCRATCH_PAGE(17) / 4096;
    while (!g_done) {
        /* Each move rebuilds the memslots, which on a shadow-paging host
         * throws away every vCPU's shadow page tables: keep them spaced
         * and bounded so the test stays fast. */
        if (g_moves >= MAX_MOVES || (g_boot->arg & 1)) {
            HYPERVISOR_xen_version(XENVER_version, 0);
            continue;
        }
        uint64_t gfn = (g_moves & 1) ? g1 : g2;
        irq_disable();
        GUEST_ASSERT_EQ(move_shared_info(gfn), 0);
        irq_enable();
        g_moves++;
        /* Give the readers a window between moves. */
        uint64_t until = xen_now() + 2 * MS;
        while (xen_now() < until && !g_done)
            HYPERVISOR_xen_version(XENVER_version, 0);
    }
    /* Back where the other vCPUs expect it, timer off. */
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 2, 0), 0);
    for (;;)
        __asm__ volatile("pause");
}

void test_main(void)
{
    uint32_t id = g_boot->vcpu_id;
    if (id != 0) {
        while (!g_ready)
            __asm__ volatile("pause");
        if (id == 1)
            vcpu1();
        else if (id == 2)
            vcpu2();
        for (;;)
            __asm__ volatile("pause");
    }
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    long p = evtchn_bind_ipi(1);
    long t2 = evtchn_bind_virq(VIRQ_TIMER, 2);
    GUEST_ASSERT(p > 0 && t2 > 0);
    g_p = (uint32_t)p;
    g_t2 = (uint32_t)t2;
    g_shinfo_guard = 1;
    g_ready = 1;
    for (uint32_t i = 1; i <= ROUNDS; i++) {
        GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
        while (g_port_hits[p] < i)
            __asm__ volatile("pause");
        /* Exactly once: never ahead of the sends. */
        GUEST_ASSERT_EQ(g_port_hits[p], i);
    }
    GUEST_ASSERT(g_registered);
    /* Let the timer fire at least a few times across moves. */
    while (g_port_hits[t2] < 5 || (g_moves < MAX_MOVES && !(g_boot->arg & 1)))
        __asm__ volatile("pause");
    g_done = 1;
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)p, ROUNDS, g_moves, g_port_hits[t2]), 0);
}
