/* Test 15: bind_virq, per-vCPU and global VIRQs (two vCPUs). */
#include "guest.h"

static volatile int g_done;

void test_main(void)
{
    if (g_boot->vcpu_id != 0)
        park_secondary(&g_done);
    hypercall_init();
    (void)evtchn_setup();
    long t0 = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(t0 > 0);
    struct evtchn_status st;
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)t0, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_virq);
    GUEST_ASSERT_EQ(st.u.virq, VIRQ_TIMER);
    GUEST_ASSERT_EQ(st.vcpu, 0);
    /* Per-vCPU VIRQ: another vCPU gets its own port. */
    long t1 = evtchn_bind_virq(VIRQ_TIMER, 1);
    GUEST_ASSERT(t1 > 0 && t1 != t0);
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)t1, &st), 0);
    GUEST_ASSERT_EQ(st.vcpu, 1);
    long c = evtchn_bind_virq(VIRQ_CONSOLE, 0);
    GUEST_ASSERT(c > 0);
    /* The host raises VIRQ_TIMER on vCPU 1 and VIRQ_CONSOLE: each lands on
     * its own port. */
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)t0, (uint64_t)t1, (uint64_t)c, 0), 0);
    /* Negative. */
    GUEST_ASSERT_EQ(evtchn_bind_virq(VIRQ_TIMER, 0), -EEXIST);
    GUEST_ASSERT_EQ(evtchn_bind_virq(VIRQ_CONSOLE, 0), -EEXIST);
    GUEST_ASSERT_EQ(evtchn_bind_virq(NR_VIRQS, 0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_virq(0xffffffffu, 0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_virq(3, 1), -EINVAL); /* global VIRQ on vCPU 1 */
    GUEST_ASSERT_EQ(evtchn_bind_virq(VIRQ_TIMER, 99), -ENOENT);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)t0), -EINVAL); /* VIRQ ports take no send */
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, GVA_UNMAPPED), -EFAULT);
    /* Closing frees the binding: it can be bound again. */
    GUEST_ASSERT_EQ(evtchn_close((uint32_t)t0), 0);
    long again = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT_EQ(again, t0);
    g_done = 1;
}
