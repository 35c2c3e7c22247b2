/* Test 20: EVTCHNOP_reset closes every port; FIFO ops answer -ENOSYS. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    long a = evtchn_alloc_unbound_self();
    long b = evtchn_bind_interdomain_self((uint32_t)a);
    long i = evtchn_bind_ipi(0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(a > 0 && b > 0 && i > 0 && t > 0);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)i), 0);
    uint16_t dom = DOMID_SELF;
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &dom), 0);
    struct evtchn_status st;
    long ports[4] = {a, b, i, t};
    for (int k = 0; k < 4; k++) {
        GUEST_ASSERT_EQ(evtchn_status((uint32_t)ports[k], &st), 0);
        GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_closed);
        GUEST_ASSERT(!port_pending(s, (uint32_t)ports[k]));
    }
    /* Host: every port closed, VIRQ bindings gone. */
    GUEST_ASSERT_EQ(guest_sync(1, 0, 0, 0, 0), 0);
    GUEST_ASSERT_EQ(evtchn_bind_virq(VIRQ_TIMER, 0), 1);
    /* FIFO ABI and PIRQs are not offered. */
    static uint64_t buf[4];
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, buf), -ENOSYS);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, buf), -ENOSYS);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, buf), -ENOSYS);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, buf), -ENOSYS);
    /* Negative. */
    dom = 5;
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &dom), -ESRCH);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_reset, GVA_UNMAPPED), -EFAULT);
}
