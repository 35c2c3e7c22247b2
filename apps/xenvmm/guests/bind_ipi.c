/* Test 14: bind_ipi on vCPU 1, send from vCPU 0 (two vCPUs). */
#include "guest.h"

static volatile int g_done;

void test_main(void)
{
    if (g_boot->vcpu_id != 0)
        park_secondary(&g_done);
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    long p = evtchn_bind_ipi(1);
    GUEST_ASSERT(p > 0);
    struct evtchn_status st;
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)p, &st), 0);
    GUEST_ASSERT_EQ(st.status, EVTCHNSTAT_ipi);
    GUEST_ASSERT_EQ(st.vcpu, 1);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    GUEST_ASSERT(port_pending(s, (uint32_t)p));
    GUEST_ASSERT_EQ(s->vcpu_info[1].evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(s->vcpu_info[1].evtchn_pending_sel, 1ull << (p / 64));
    GUEST_ASSERT_EQ(s->vcpu_info[0].evtchn_upcall_pending, 0);
    GUEST_ASSERT_EQ(s->vcpu_info[0].evtchn_pending_sel, 0);
    /* A second IPI port on this vCPU notifies vCPU 0 only. */
    long q = evtchn_bind_ipi(0);
    GUEST_ASSERT(q > 0 && q != p);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)q), 0);
    GUEST_ASSERT_EQ(s->vcpu_info[0].evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)p, 1, 0, 0), 0);
    /* Negative. */
    GUEST_ASSERT_EQ(evtchn_bind_ipi(99), -ENOENT);
    GUEST_ASSERT_EQ(evtchn_bind_ipi(2), -ENOENT);
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, GVA_UNMAPPED), -EFAULT);
    g_done = 1;
}
