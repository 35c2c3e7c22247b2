/* Test 27: SCHEDOP_poll: ready port, timeout (absolute Xen time), masked
 * wake, unmasked wake on another port. */
#include "guest.h"

static uint32_t ports[130];

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    long p = evtchn_bind_ipi(0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(p > 0 && t > 0);
    irq_enable();

    /* Ready: a pending (masked) port returns at once. */
    port_mask(s, (uint32_t)p);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    ports[0] = (uint32_t)p;
    GUEST_ASSERT_EQ(sched_poll(ports, 1, 0), 0);
    port_clear(s, (uint32_t)p);

    /* Timeout: absolute system time. */
    uint64_t start = xen_now();
    GUEST_ASSERT_EQ(sched_poll(ports, 1, start + 20 * MS), 0);
    GUEST_ASSERT(xen_now() >= start + 20 * MS);
    /* A timeout in the past returns at once. */
    GUEST_ASSERT_EQ(sched_poll(ports, 1, 1), 0);

    /* Masked wake: the masked timer port becomes pending. */
    port_mask(s, (uint32_t)t);
    start = xen_now();
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(start + 10 * MS), 0);
    ports[0] = (uint32_t)t;
    GUEST_ASSERT_EQ(sched_poll(ports, 1, start + 2000 * MS), 0);
    GUEST_ASSERT(port_pending(s, (uint32_t)t));
    GUEST_ASSERT(xen_now() < start + 1000 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 0);
    port_clear(s, (uint32_t)t);
    port_unmask_direct(s, (uint32_t)t);

    /* Unmasked wake on another port: the upcall ends the poll and is
     * delivered. */
    start = xen_now();
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(start + 10 * MS), 0);
    ports[0] = (uint32_t)p;
    GUEST_ASSERT_EQ(sched_poll(ports, 1, start + 2000 * MS), 0);
    GUEST_ASSERT(xen_now() < start + 1000 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 1);

    /* Negative. */
    GUEST_ASSERT_EQ(sched_poll(ports, 129, 0), -EINVAL);
    ports[1] = 4096;
    GUEST_ASSERT_EQ(sched_poll(ports, 2, 0), -EINVAL);
    GUEST_ASSERT_EQ(sched_poll((uint32_t *)GVA_UNMAPPED, 1, 0), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, GVA_UNMAPPED), -EFAULT);
}
