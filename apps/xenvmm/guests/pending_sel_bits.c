/* Test 17: selector bits for ports 63, 64 and 4095; coalescing; port
 * exhaustion. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    volatile struct vcpu_info *vi = &s->vcpu_info[0];
    /* Allocate every port: lowest first, so port n is the n-th. */
    for (uint32_t want = 1; want < NR_EVTCHN_2L; want++) {
        long p = evtchn_bind_ipi(0);
        if (p != (long)want)
            guest_fail(__FILE__, __LINE__, "bind_ipi did not return the lowest free port", (uint64_t)p, want);
    }
    GUEST_ASSERT_EQ(evtchn_bind_ipi(0), -ENOSPC);
    GUEST_ASSERT_EQ(evtchn_alloc_unbound_self(), -ENOSPC);
    uint32_t ports[3] = {63, 64, 4095};
    uint64_t sel[3] = {1ull << 0, 1ull << 1, 1ull << 63};
    for (int i = 0; i < 3; i++) {
        GUEST_ASSERT_EQ(evtchn_send(ports[i]), 0);
        GUEST_ASSERT(port_pending(s, ports[i]));
        GUEST_ASSERT_EQ(vi->evtchn_pending_sel, sel[i]);
        GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
        /* Second send of a pending port is coalesced: clearing the
         * selector shows no new bit. */
        vi->evtchn_upcall_pending = 0;
        vi->evtchn_pending_sel = 0;
        GUEST_ASSERT_EQ(evtchn_send(ports[i]), 0);
        GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 0);
        GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);
        port_clear(s, ports[i]);
    }
    GUEST_ASSERT_EQ(guest_sync(1, 0, 0, 0, 0), 0);
    GUEST_ASSERT_EQ(evtchn_send(0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_send(4096), -EINVAL);
    /* Freeing one makes it the next allocated. */
    GUEST_ASSERT_EQ(evtchn_close(100), 0);
    GUEST_ASSERT_EQ(evtchn_bind_ipi(0), 100);
}
