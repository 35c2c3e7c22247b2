/* Test 18: close one end of a loopback pair; status of every kind. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    long a = evtchn_alloc_unbound_self();
    long b = evtchn_bind_interdomain_self((uint32_t)a);
    GUEST_ASSERT(a > 0 && b > 0);
    port_clear(s, (uint32_t)b);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)b), 0);
    GUEST_ASSERT(port_pending(s, (uint32_t)a));
    GUEST_ASSERT_EQ(evtchn_close((uint32_t)a), 0);
    /* Pending cleared on close; the peer is unbound again. */
    GUEST_ASSERT(!port_pending(s, (uint32_t)a));
    struct evtchn_status st;
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)a, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_closed);
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)b, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_unbound);
    /* send on the now unbound port: 0, dropped. */
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)b), 0);
    GUEST_ASSERT(!port_pending(s, (uint32_t)a));
    GUEST_ASSERT(!port_pending(s, (uint32_t)b));
    /* The freed port is reused; the unbound one can be bound again. */
    long c = evtchn_bind_interdomain_self((uint32_t)b);
    GUEST_ASSERT_EQ(c, a);
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)b, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_interdomain);
    long i = evtchn_bind_ipi(0);
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)i, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_ipi);
    GUEST_ASSERT_EQ(evtchn_close((uint32_t)i), 0);
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)a, (uint64_t)b, (uint64_t)i, 0), 0);
    /* Negative. */
    GUEST_ASSERT_EQ(evtchn_close((uint32_t)i), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_close(0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_close(NR_EVTCHN_2L), -EINVAL);
    st.dom = 5;
    st.port = (uint32_t)b;
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), -ESRCH);
    GUEST_ASSERT_EQ(evtchn_status(0, &st), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_status(NR_EVTCHN_2L, &st), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_status(3000, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_closed);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_close, GVA_UNMAPPED), -EFAULT);
}
