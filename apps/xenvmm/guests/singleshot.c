/* Test 25: VCPUOP_set/stop_singleshot_timer (two vCPUs for the
 * other-vCPU case). */
#include "guest.h"

static volatile int g_done;

static long set_ss(uint32_t vcpu, uint64_t t, uint32_t flags)
{
    static struct vcpu_set_singleshot_timer st;
    st.timeout_abs_ns = t;
    st.flags = flags;
    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &st);
}

void test_main(void)
{
    if (g_boot->vcpu_id != 0)
        park_secondary(&g_done);
    hypercall_init();
    (void)evtchn_setup();
    GUEST_ASSERT_EQ(upcall_setup(UPCALL_VECTOR), 0);
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    GUEST_ASSERT(t > 0);
    irq_enable();

    uint64_t d = xen_now() + 5 * MS;
    GUEST_ASSERT_EQ(set_ss(0, d, VCPU_SSHOTTMR_future), 0);
    wait_port((uint32_t)t, 1);
    GUEST_ASSERT(xen_now() >= d);
    spin_until(xen_now() + 20 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 1); /* once */

    /* Re-arm replaces. */
    uint64_t now = xen_now();
    GUEST_ASSERT_EQ(set_ss(0, now + 300 * MS, 0), 0);
    GUEST_ASSERT_EQ(set_ss(0, now + 5 * MS, 0), 0);
    wait_port((uint32_t)t, 2);
    GUEST_ASSERT(xen_now() - now < 250 * MS);
    spin_until(now + 320 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 2);

    /* Stop cancels. */
    GUEST_ASSERT_EQ(set_ss(0, xen_now() + 5 * MS, 0), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0), 0);
    spin_until(xen_now() + 30 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 2);

    /* Past deadline without the future flag: fires at once. */
    GUEST_ASSERT_EQ(set_ss(0, xen_now() - MS, 0), 0);
    GUEST_ASSERT_EQ(g_port_hits[t], 3);

    /* Negative. */
    GUEST_ASSERT_EQ(set_ss(0, xen_now() - MS, VCPU_SSHOTTMR_future), -ETIME);
    GUEST_ASSERT_EQ(set_ss(1, xen_now() + MS, 0), -EINVAL);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 1, 0), -EINVAL);
    GUEST_ASSERT_EQ(set_ss(99, xen_now() + MS, 0), -ENOENT);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, GVA_UNMAPPED), -EFAULT);
    spin_until(xen_now() + 10 * MS);
    GUEST_ASSERT_EQ(g_port_hits[t], 3);
    g_done = 1;
}
