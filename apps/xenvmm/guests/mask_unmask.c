/* Test 16: masked ports stay pending without an upcall; EVTCHNOP_unmask
 * delivers the edge, a direct mask write does not. */
#include "guest.h"

static void clear_upcall(volatile struct vcpu_info *vi)
{
    vi->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    volatile struct vcpu_info *vi = &s->vcpu_info[0];
    long p = evtchn_bind_ipi(0);
    GUEST_ASSERT(p > 0);
    port_mask(s, (uint32_t)p);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    GUEST_ASSERT(port_pending(s, (uint32_t)p));
    /* Host: pending but no upcall while masked; it waits for nothing. */
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)p, 0, 0, 0), 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 0);
    GUEST_ASSERT_EQ(evtchn_unmask((uint32_t)p), 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 1ull << (p / 64));
    GUEST_ASSERT(!((s->evtchn_mask[p / 64] >> (p % 64)) & 1));
    clear_upcall(vi);
    port_clear(s, (uint32_t)p);

    /* Unmask of a port that is not pending gives nothing. */
    port_mask(s, (uint32_t)p);
    GUEST_ASSERT_EQ(evtchn_unmask((uint32_t)p), 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);

    /* Negative: clearing the mask by a direct write loses the edge. */
    port_mask(s, (uint32_t)p);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    port_unmask_direct(s, (uint32_t)p);
    GUEST_ASSERT_EQ(guest_sync(2, (uint64_t)p, 0, 0, 0), 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);
    GUEST_ASSERT(port_pending(s, (uint32_t)p));
    /* ...and a second send is coalesced: still no upcall. */
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);
    port_clear(s, (uint32_t)p);

    GUEST_ASSERT_EQ(evtchn_unmask(0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_unmask(NR_EVTCHN_2L), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_unmask(2000), -EINVAL); /* closed */
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, GVA_UNMAPPED), -EFAULT);
}
