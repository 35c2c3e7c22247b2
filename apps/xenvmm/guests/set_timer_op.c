/* Test 24: set_timer_op delivers VIRQ_TIMER; cancel, past, negative and far
 * deadlines (Xen's Linux workaround: now + 100 ms). */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(t > 0);
    irq_enable();

    uint64_t deadline = xen_now() + 10 * MS;
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(deadline), 0);
    wait_port((uint32_t)t, 1);
    uint64_t late = xen_now() - deadline;
    GUEST_ASSERT((int64_t)late >= 0 && late < 1000 * MS);

    /* 0 cancels: nothing within 50 ms. */
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(xen_now() + 20 * MS), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(0), 0);
    spin_until(xen_now() + 50 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 1);

    /* A deadline in the past fires before the hypercall returns. */
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(xen_now() - 1000), 0);
    GUEST_ASSERT_EQ(g_port_hits[t], 2);

    /* Negative and >= 2^50 ns ahead: now + 100 ms. */
    uint64_t far[2] = {~0ull, 0};
    far[1] = xen_now() + (1ull << 51);
    for (int i = 0; i < 2; i++) {
        uint64_t start = xen_now();
        GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(far[i]), 0);
        wait_port((uint32_t)t, 3 + (uint32_t)i);
        uint64_t took = xen_now() - start;
        if (took < 100 * MS || took > 2000 * MS)
            guest_fail(__FILE__, __LINE__, "workaround deadline not ~100 ms", took, (uint64_t)i);
    }
    /* A later set_timer_op replaces the earlier deadline. */
    uint64_t now = xen_now();
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(now + 500 * MS), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(now + 5 * MS), 0);
    wait_port((uint32_t)t, 5);
    GUEST_ASSERT(xen_now() - now < 400 * MS);

    /* Without VIRQ_TIMER bound the timer still expires, delivering nothing. */
    GUEST_ASSERT_EQ(evtchn_close((uint32_t)t), 0);
    uint64_t fires = guest_sync(1, 0, 0, 0, 0);
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(xen_now() + 1 * MS), 0);
    spin_until(xen_now() + 20 * MS);
    GUEST_ASSERT_EQ(g_upcalls[0], 5);
    GUEST_ASSERT_EQ(guest_sync(1, 0, 0, 0, 0), fires + 1);
}
