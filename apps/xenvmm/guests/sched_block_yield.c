/* Test 28: SCHEDOP_block returns at once with an upcall pending, sleeps
 * (runstate blocked) until a timer otherwise; yield returns 0. */
#include "guest.h"

static struct vcpu_runstate_info rs __attribute__((aligned(64)));

void test_main(void)
{
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    static uint64_t addr;
    addr = (uint64_t)&rs;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &addr), 0);
    long p = evtchn_bind_ipi(0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(p > 0 && t > 0);

    /* Pending upcall: block returns at once (IF=0, so not yet taken). */
    irq_disable();
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_block, 0), 0);
    GUEST_ASSERT_EQ(g_upcalls[0], 0);
    irq_enable();
    HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT_EQ(g_port_hits[p], 1);

    /* Nothing pending: sleep until the timer. */
    irq_disable();
    uint64_t blocked0 = rs.time[2];
    uint64_t deadline = xen_now() + 20 * MS;
    GUEST_ASSERT_EQ(HYPERVISOR_set_timer_op(deadline), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_block, 0), 0);
    GUEST_ASSERT(xen_now() >= deadline);
    GUEST_ASSERT_EQ(my_vcpu_info()->evtchn_upcall_pending, 1);
    GUEST_ASSERT(rs.time[2] > blocked0); /* grew across the block */
    GUEST_ASSERT_EQ(rs.state, RUNSTATE_running);
    irq_enable();
    HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT_EQ(g_port_hits[t], 1);

    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, 0), 0);
    GUEST_ASSERT_EQ(guest_sync(1, 0, 0, 0, 0), 0);
}
