/* Test 21: the global callback vector (HVM_PARAM_CALLBACK_IRQ type 2):
 * level-like, re-injected while upcall_pending stays set, no EOI. */
#include "guest.h"

static volatile int g_hold;
static int hold_hook(uint32_t id)
{
    (void)id;
    return !g_hold;
}

void test_main(void)
{
    hypercall_init();
    volatile struct shared_info *s = evtchn_setup();
    volatile struct vcpu_info *vi = &s->vcpu_info[0];
    GUEST_ASSERT_EQ(upcall_setup_global(UPCALL_VECTOR), 0);
    struct xen_hvm_param hp = {DOMID_SELF, 0, HVM_PARAM_CALLBACK_IRQ, 0};
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, &hp), 0);
    GUEST_ASSERT_EQ(hp.value, HVM_CALLBACK_VECTOR(UPCALL_VECTOR));
    long p = evtchn_bind_ipi(0);
    GUEST_ASSERT(p > 0);
    irq_enable();
    /* Self-send: the upcall is taken as the hypercall returns. */
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    GUEST_ASSERT_EQ(g_upcalls[0], 1);
    GUEST_ASSERT_EQ(g_port_hits[p], 1);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);

    /* Level semantics: a handler that leaves upcall_pending set is entered
     * again at every later exit; no EOI exists to send. */
    g_hold = 1;
    g_upcall_hook = hold_hook;
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    uint64_t c0 = g_upcalls[0];
    GUEST_ASSERT(c0 >= 2);
    for (int i = 0; i < 5; i++)
        HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT(g_upcalls[0] >= c0 + 4);
    g_hold = 0;
    HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 0);
    GUEST_ASSERT_EQ(g_port_hits[p], 2);
    uint64_t c1 = g_upcalls[0];
    for (int i = 0; i < 5; i++)
        HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT_EQ(g_upcalls[0], c1);
    g_upcall_hook = 0;

    /* Value 0 turns delivery off: pending stays, no upcall. */
    GUEST_ASSERT_EQ(hvm_set_param(HVM_PARAM_CALLBACK_IRQ, 0), 0);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)p), 0);
    for (int i = 0; i < 3; i++)
        HYPERVISOR_xen_version(XENVER_version, 0);
    GUEST_ASSERT_EQ(g_upcalls[0], c1);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    /* Turning it back on delivers what is pending. */
    GUEST_ASSERT_EQ(upcall_setup_global(UPCALL_VECTOR), 0);
    GUEST_ASSERT_EQ(g_upcalls[0], c1 + 1);
    GUEST_ASSERT_EQ(g_port_hits[p], 3);
    GUEST_ASSERT_EQ(guest_sync(1, UPCALL_VECTOR, 0, 0, 0), 0);

    /* Negative. */
    irq_disable();
    hp.domid = 5;
    hp.value = HVM_CALLBACK_VECTOR(UPCALL_VECTOR);
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(HVMOP_set_param, &hp), -ESRCH);
    GUEST_ASSERT_EQ(hvm_set_param(HVM_PARAM_CALLBACK_IRQ, HVM_CALLBACK_VECTOR(0x0f)), -EINVAL);
    GUEST_ASSERT_EQ(hvm_set_param(HVM_PARAM_CALLBACK_IRQ, 5), -ENOSYS);          /* GSI 5 */
    GUEST_ASSERT_EQ(hvm_set_param(HVM_PARAM_CALLBACK_IRQ, (1ull << 56) | 3), -ENOSYS); /* PCI INTx */
    GUEST_ASSERT_EQ(hvm_set_param(40, 1), -EINVAL);
    GUEST_ASSERT_EQ(hvm_set_param(1, 1), -ENOSYS);
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(HVMOP_set_param, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(99, &hp), -ENOSYS);
    /* The failed calls left the vector in place. */
    hp.domid = DOMID_SELF;
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, &hp), 0);
    GUEST_ASSERT_EQ(hp.value, HVM_CALLBACK_VECTOR(UPCALL_VECTOR));
}
