/* Test 22: the per-vCPU upcall vector (HVMOP_set_evtchn_upcall_vector).
 * The VMM raises it on the vCPU's in-kernel LAPIC with KVM_SIGNAL_MSI on
 * each 0 -> 1 transition of upcall_pending: an edge that sits in the IRR
 * while IF=0, sets the ISR when taken and holds the next one until EOI.
 * It takes precedence over the global callback vector, and wakes a vCPU
 * halted in the kernel without a return to the VMM. Needs a LAPIC mode
 * (--irq lapic-callback or lapic-percpu); in callback mode the feature is
 * neither advertised nor accepted, and the test skips. */
#include "guest.h"

#define PERCPU_VECTOR 0xf2

enum {
    STAGE_NEGATIVE = 1,
    STAGE_REGISTERED = 2,
    STAGE_V1_MARK = 3,
    STAGE_V1_CHECK = 4,
    STAGE_BOTH_MARK = 5,
    STAGE_BOTH_CHECK = 6,
};

static volatile int g_go1, g_ready1, g_done1;
static volatile uint32_t g_port1;

/* Wait (IF=1, busy) until vCPU 0 has taken n upcalls or `ms` of Xen time
 * passed: delivery after STI or an EOI takes an exit on some hosts. */
static void await_upcalls(uint64_t n, uint64_t ms)
{
    uint64_t end = xen_now() + ms * MS;
    while (g_upcalls[0] < n && xen_now() < end)
        __asm__ volatile("pause");
}

static void secondary(void)
{
    while (!g_go1)
        __asm__ volatile("pause");
    /* The host notes this vCPU's KVM_RUN returns and MSIs so far... */
    guest_sync(STAGE_V1_MARK, 0, 0, 0, 0);
    g_ready1 = 1;
    /* ...then it halts (in the kernel: the LAPIC is there) until vCPU 0's
     * IPI arrives as an MSI... */
    wait_port(g_port1, 1);
    GUEST_ASSERT_EQ(g_upcalls[1], 1);
    GUEST_ASSERT_EQ(apic_bit(MSR_X2APIC_ISR0, PERCPU_VECTOR), 0);
    /* ...and checks that the only return to the VMM since is this sync. */
    guest_sync(STAGE_V1_CHECK, 0, 0, 0, 0);
    g_done1 = 1;
    park_secondary(&g_done1);
}

void test_main(void)
{
    if (g_boot->vcpu_id == 1)
        secondary();
    hypercall_init();
    uint32_t a, b, c, d;
    cpuid_count(0x40000004, 0, &a, &b, &c, &d);
    if (!(a & (1u << 6))) {
        /* Not advertised, and refused the same way. */
        GUEST_ASSERT_EQ(set_upcall_vector(0, PERCPU_VECTOR), -ENOSYS);
        guest_skip("no in-kernel LAPIC in this interrupt mode (callback): the per-vCPU vector is not offered; "
                   "run with --irq lapic-callback or --irq lapic-percpu");
    }

    /* Negative cases: none of them may set a vector. */
    GUEST_ASSERT_EQ(set_upcall_vector(0, 0x0f), -EINVAL);
    GUEST_ASSERT_EQ(set_upcall_vector(0, 0), -EINVAL);
    GUEST_ASSERT_EQ(set_upcall_vector(99, PERCPU_VECTOR), -ENOENT);
    GUEST_ASSERT_EQ(set_upcall_vector(2, PERCPU_VECTOR), -ENOENT); /* 2 vCPUs */
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, GVA_NOT_RAM), -EFAULT);
    guest_sync(STAGE_NEGATIVE, 0, 0, 0, 0);

    (void)evtchn_setup();
    upcall_gate(PERCPU_VECTOR);
    /* A loopback pair: the new local end starts pending (Xen), so an upcall
     * is pending before any vector exists and nothing is delivered. */
    long pa = evtchn_alloc_unbound_self();
    GUEST_ASSERT(pa > 0);
    long pb = evtchn_bind_interdomain_self((uint32_t)pa);
    GUEST_ASSERT(pb > 0);
    GUEST_ASSERT_EQ(my_vcpu_info()->evtchn_upcall_pending, 1);

    /* Registering asserts the pending upcall at once (Xen's
     * hvm_assert_evtchn_irq): with IF=0 it waits in the LAPIC's IRR. */
    irq_disable();
    GUEST_ASSERT_EQ(set_upcall_vector(0, PERCPU_VECTOR), 0);
    GUEST_ASSERT_EQ(apic_bit(MSR_X2APIC_IRR0, PERCPU_VECTOR), 1);
    GUEST_ASSERT_EQ(g_upcalls[0], 0);
    irq_enable();
    await_upcalls(1, 1000);
    GUEST_ASSERT_EQ(g_upcalls[0], 1);
    GUEST_ASSERT_EQ(g_port_hits[pb], 1);
    GUEST_ASSERT_EQ(apic_bit(MSR_X2APIC_ISR0, PERCPU_VECTOR), 0); /* EOI done */
    guest_sync(STAGE_REGISTERED, PERCPU_VECTOR, 0, 0, 0);

    /* Send to self: the upcall is taken as the hypercall returns. */
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)pb), 0);
    await_upcalls(2, 1000);
    GUEST_ASSERT_EQ(g_upcalls[0], 2);
    GUEST_ASSERT_EQ(g_port_hits[pa], 1);

    /* Without an EOI the vector stays in service and the next upcall waits
     * in the IRR, though IF=1 and upcall_pending=1; the EOI lets it in. */
    g_defer_eoi = 1;
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)pa), 0);
    await_upcalls(3, 1000);
    GUEST_ASSERT_EQ(g_upcalls[0], 3);
    GUEST_ASSERT_EQ(g_eoi_deferred[0], 1);
    int isr_tracked = apic_bit(MSR_X2APIC_ISR0, PERCPU_VECTOR);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)pb), 0);
    for (int i = 0; i < 3; i++)
        HYPERVISOR_xen_version(XENVER_version, 0);
    if (isr_tracked) {
        await_upcalls(4, 20); /* must time out */
        GUEST_ASSERT_EQ(g_upcalls[0], 3);
        GUEST_ASSERT_EQ(my_vcpu_info()->evtchn_upcall_pending, 1);
        GUEST_ASSERT_EQ(apic_bit(MSR_X2APIC_IRR0, PERCPU_VECTOR), 1);
        g_defer_eoi = 0;
        apic_eoi();
    } else {
        /* Seen on kvm_pvm hosts: the in-kernel LAPIC delivers the vector
         * but never shows it in service, so nothing waits for the EOI. */
        guest_print("host LAPIC keeps no vector in service (ISR clear after an un-EOIed upcall): "
                    "the 'next upcall waits for EOI' check is not possible on this host");
        g_defer_eoi = 0;
    }
    await_upcalls(4, 1000);
    GUEST_ASSERT_EQ(g_upcalls[0], 4);
    GUEST_ASSERT_EQ(g_port_hits[pa], 2);
    if (!isr_tracked)
        apic_eoi(); /* The one owed; harmless with nothing in service. */
    GUEST_ASSERT_EQ(apic_bit(MSR_X2APIC_ISR0, PERCPU_VECTOR), 0);

    /* With a global callback vector set as well, this vCPU still gets the
     * per-vCPU one: the host sees one more MSI and no KVM_INTERRUPT. */
    GUEST_ASSERT_EQ(upcall_setup_global(UPCALL_VECTOR), 0);
    guest_sync(STAGE_BOTH_MARK, 0, 0, 0, 0);
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)pb), 0);
    await_upcalls(5, 1000);
    GUEST_ASSERT_EQ(g_upcalls[0], 5);
    guest_sync(STAGE_BOTH_CHECK, 0, 0, 0, 0);
    GUEST_ASSERT_EQ(hvm_set_param(HVM_PARAM_CALLBACK_IRQ, 0), 0);

    /* Another vCPU, halted in the kernel's HLT, woken by the MSI alone. */
    GUEST_ASSERT_EQ(set_upcall_vector(1, PERCPU_VECTOR), 0);
    long q = evtchn_bind_ipi(1);
    GUEST_ASSERT(q > 0);
    g_port1 = (uint32_t)q;
    g_go1 = 1;
    while (!g_ready1)
        __asm__ volatile("pause");
    /* Most likely halted by now; either way no exit is due. */
    uint64_t until = xen_now() + 2 * MS;
    while (xen_now() < until)
        __asm__ volatile("pause");
    GUEST_ASSERT_EQ(evtchn_send((uint32_t)q), 0);
    while (!g_done1)
        __asm__ volatile("pause");
    GUEST_ASSERT_EQ(g_port_hits[q], 1);
    GUEST_ASSERT_EQ(g_upcalls[0], 5);
}
