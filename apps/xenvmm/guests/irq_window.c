/* Test 23: no delivery while IF=0, exactly one upcall right after sti; an
 * event raised by another vCPU wakes a vCPU halted in HLT. */
#include "guest.h"

static volatile int g_ready, g_done;
static volatile uint32_t g_port;

void test_main(void)
{
    if (g_boot->vcpu_id == 1) {
        while (!g_ready)
            __asm__ volatile("pause");
        GUEST_ASSERT_EQ(evtchn_send(g_port), 0);
        park_secondary(&g_done);
    }
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    long p = evtchn_bind_ipi(0);
    GUEST_ASSERT(p > 0);
    irq_disable();
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    for (int i = 0; i < 3; i++)
        HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT_EQ(g_upcalls[0], 0);
    GUEST_ASSERT_EQ(my_vcpu_info()->evtchn_upcall_pending, 1);
    /* The VMM asked for an interrupt window: the upcall comes right after
     * the STI shadow, once. */
    __asm__ volatile("sti; nop; nop; nop" ::: "memory");
    for (int i = 0; i < 1000; i++)
        __asm__ volatile("pause");
    GUEST_ASSERT_EQ(g_upcalls[0], 1);
    GUEST_ASSERT_EQ(g_port_hits[p], 1);

    /* HLT wake-up from another vCPU. */
    long q = evtchn_bind_ipi(0);
    GUEST_ASSERT(q > 0);
    g_port = (uint32_t)q;
    g_ready = 1;
    wait_port((uint32_t)q, 1);
    GUEST_ASSERT_EQ(g_port_hits[q], 1);
    GUEST_ASSERT_EQ(g_upcalls[0], 2);
    g_done = 1;
}
