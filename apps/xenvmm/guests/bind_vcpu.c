/* Test 19: bind_vcpu moves an interdomain port to vCPU 1 (two vCPUs). */
#include "guest.h"

static volatile int g_done;

void test_main(void)
{
    if (g_boot->vcpu_id != 0)
        park_secondary(&g_done);
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    volatile struct vcpu_info *v0 = &s->vcpu_info[0], *v1 = &s->vcpu_info[1];
    long a = evtchn_alloc_unbound_self();
    long b = evtchn_bind_interdomain_self((uint32_t)a);
    GUEST_ASSERT(a > 0 && b > 0);
    port_clear(s, (uint32_t)b);
    v0->evtchn_upcall_pending = 0;
    v0->evtchn_pending_sel = 0;
    GUEST_ASSERT_EQ(evtchn_bind_vcpu((uint32_t)a, 1), 0);
    struct evtchn_status st;
    GUEST_ASSERT_EQ(evtchn_status((uint32_t)a, &st), 0);
    GUEST_ASSERT_EQ(st.vcpu, 1);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)b), 0);
    GUEST_ASSERT_EQ(v1->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(v1->evtchn_pending_sel, 1ull << (a / 64));
    GUEST_ASSERT_EQ(v0->evtchn_upcall_pending, 0);
    /* An already-pending unmasked port is raised again on its new vCPU. */
    GUEST_ASSERT_EQ(evtchn_bind_vcpu((uint32_t)a, 0), 0);
    GUEST_ASSERT_EQ(v0->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(v0->evtchn_pending_sel, 1ull << (a / 64));
    /* A global VIRQ can move too. */
    long c = evtchn_bind_virq(VIRQ_CONSOLE, 0);
    GUEST_ASSERT_EQ(evtchn_bind_vcpu((uint32_t)c, 1), 0);
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)a, (uint64_t)c, 0, 0), 0);
    /* Negative: IPI and per-vCPU VIRQ ports stay where they were bound. */
    long i = evtchn_bind_ipi(0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT_EQ(evtchn_bind_vcpu((uint32_t)i, 1), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_vcpu((uint32_t)t, 1), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_vcpu((uint32_t)a, 99), -ENOENT);
    GUEST_ASSERT_EQ(evtchn_bind_vcpu(0, 0), -EINVAL);
    GUEST_ASSERT_EQ(evtchn_bind_vcpu(3000, 0), -EINVAL); /* closed */
    GUEST_ASSERT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, GVA_UNMAPPED), -EFAULT);
    g_done = 1;
}
