/* Test 30: IPIs over event channels on every vCPU: a token goes round the
 * ring of vCPUs (port k is bound to vCPU k by vCPU 0 and sent by vCPU
 * k-1), then VCPUOP_down/up/is_up on the last vCPU. Works for 2-32 vCPUs. */
#include "guest.h"

#define LAPS 50
static volatile int g_ready, g_done, g_ring_done;
static volatile uint32_t g_port_of[MAX_GUEST_VCPUS];
static volatile uint64_t g_spins[MAX_GUEST_VCPUS];
static uint64_t lap_cycles[LAPS];

static void ring_member(uint32_t id, uint32_t n)
{
    for (uint32_t lap = 0; lap < LAPS; lap++) {
        wait_port(g_port_of[id], lap + 1);
        GUEST_ASSERT_EQ(evtchn_send(g_port_of[(id + 1) % n]), 0);
    }
}

void test_main(void)
{
    uint32_t id = g_boot->vcpu_id, n = g_boot->nr_vcpus;
    if (n < 2)
        guest_skip("smp_ipi_pingpong needs at least 2 vCPUs");
    if (id != 0) {
        while (!g_ready)
            __asm__ volatile("pause");
        irq_enable();
        ring_member(id, n);
        /* Stay busy with exits so a VCPUOP_down takes effect. */
        while (!g_done) {
            g_spins[id]++;
            HYPERVISOR_xen_version(XENVER_version, 0);
        }
        for (;;)
            __asm__ volatile("pause");
    }
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    for (uint32_t k = 0; k < n; k++) {
        long p = evtchn_bind_ipi(k);
        GUEST_ASSERT(p > 0);
        g_port_of[k] = (uint32_t)p;
    }
    GUEST_ASSERT_EQ(evtchn_bind_ipi(n), -ENOENT);
    irq_enable();
    g_ready = 1;
    for (uint32_t lap = 0; lap < LAPS; lap++) {
        uint64_t t0 = rdtsc();
        GUEST_ASSERT_EQ(evtchn_send(g_port_of[1]), 0);
        wait_port(g_port_of[0], lap + 1);
        lap_cycles[lap] = rdtsc() - t0;
    }
    /* Every hop landed on the right vCPU exactly once per lap. */
    for (uint32_t k = 0; k < n; k++)
        GUEST_ASSERT_EQ(g_port_hits[g_port_of[k]], LAPS);
    /* Median lap in TSC cycles, for the log. */
    for (int i = 1; i < LAPS; i++)
        for (int j = i; j > 0 && lap_cycles[j - 1] > lap_cycles[j]; j--) {
            uint64_t x = lap_cycles[j];
            lap_cycles[j] = lap_cycles[j - 1];
            lap_cycles[j - 1] = x;
        }
    GUEST_ASSERT_EQ(guest_sync(1, n, lap_cycles[LAPS / 2], 0, 0), 0);

    /* VCPUOP_down parks the last vCPU (offline) until VCPUOP_up. */
    uint32_t last = n - 1;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, last, 0), 1);
    while (g_spins[last] < 3)
        __asm__ volatile("pause");
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_down, last, 0), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, last, 0), 0);
    uint64_t s1 = g_spins[last];
    spin_until(xen_now() + 20 * MS);
    GUEST_ASSERT(g_spins[last] <= s1 + 1);
    GUEST_ASSERT_EQ(guest_sync(2, last, 0, 0, 0), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_up, last, 0), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, last, 0), 1);
    uint64_t s2 = g_spins[last];
    while (g_spins[last] <= s2 + 1)
        __asm__ volatile("pause");
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 99, 0), -ENOENT);
    g_done = 1;
}
