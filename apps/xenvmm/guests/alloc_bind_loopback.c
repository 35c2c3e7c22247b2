/* Test 13: alloc_unbound + bind_interdomain loopback to DOMID_SELF. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    volatile struct vcpu_info *vi = &s->vcpu_info[0];
    long a = evtchn_alloc_unbound_self();
    GUEST_ASSERT(a > 0);
    struct evtchn_status st;
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)a, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_unbound);
    GUEST_ASSERT_EQ(st.u.unbound.dom, DOMID_SELF);
    /* Sending on an unbound port is dropped silently. */
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)a), 0);
    GUEST_ASSERT(!port_pending(s, (uint32_t)a));

    long b = evtchn_bind_interdomain_self((uint32_t)a);
    GUEST_ASSERT(b > 0 && b != a);
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)a, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_interdomain);
    GUEST_ASSERT_EQ(st.u.interdomain.port, b);
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)b, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_interdomain);
    GUEST_ASSERT_EQ(st.u.interdomain.port, a);
    GUEST_ASSERT_EQ(st.vcpu, 0);
    /* Xen sets the new local port pending (notifications lost on the
     * unbound end); clear that first. */
    GUEST_ASSERT(port_pending(s, (uint32_t)b));
    port_clear(s, (uint32_t)b);
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;

    GUEST_ASSERT_EQ(evtchn_send((uint32_t)b), 0); /* raises A */
    GUEST_ASSERT(port_pending(s, (uint32_t)a));
    GUEST_ASSERT(!port_pending(s, (uint32_t)b));
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 1ull << (a / 64));
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)a), 0); /* raises B */
    GUEST_ASSERT(port_pending(s, (uint32_t)b));
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)a, (uint64_t)b, 0, 0), 0);

    /* Negative cases. */
    long c = evtchn_alloc_unbound_self();
    GUEST_ASSERT(c > 0);
    GUEST_ASSERT_EQ(evtchn_bind_interdomain_self((uint32_t)b), -EINVAL); /* not unbound */
    /* A closed port (the next free one) is not unbound either. */
    long next = c + 1;
    GUEST_ASSERT_EQ(evtchn_bind_interdomain_self((uint32_t)next), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_interdomain_self(0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_interdomain_self(NR_EVTCHN_2L), -EINVAL);
    struct evtchn_bind_interdomain bi = {5, (uint32_t)c, 0};
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -ESRCH);
    struct evtchn_alloc_unbound au = {5, DOMID_SELF, 0};
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -ESRCH);
    au.dom = DOMID_SELF;
    au.remote_dom = 5;
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -EPERM);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_send, GVA_NOT_RAM), -EFAULT);
    GUEST_ASSERT_EQ(evtchn_send(0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_send(NR_EVTCHN_2L), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_send(0xffffffffu), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_send(3000), -EINVAL); /* closed */
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(99, &au), -ENOSYS);
}
