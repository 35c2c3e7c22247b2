/* Test 1: the Xen CPUID leaves at 0x40000000, and no KVM signature. Runs
 * on two vCPUs: each checks that leaf base+4 reports its own Xen vCPU id
 * (pitfall P12: Xen ids are not APIC ids, the VMM must set it per vCPU). */
#include "guest.h"

static volatile uint32_t g_checked;

static void check_leaves(void)
{
    uint32_t a, b, c, d;
    cpuid_count(XEN_CPUID_BASE, 0, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(b, XENVMM_CPUID_SIG_EBX);
    GUEST_ASSERT_EQ(c, XENVMM_CPUID_SIG_ECX);
    GUEST_ASSERT_EQ(d, XENVMM_CPUID_SIG_EDX);
    GUEST_ASSERT(a >= XEN_CPUID_BASE + 4);

    cpuid_count(XEN_CPUID_BASE + 2, 0, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(a, 1);                 /* one hypercall page */
    GUEST_ASSERT_EQ(b, XEN_HYPERCALL_MSR); /* its MSR */

    cpuid_count(XEN_CPUID_BASE + 3, 1, &a, &b, &c, &d);
    GUEST_ASSERT(c != 0); /* tsc_to_system_mul */

    cpuid_count(XEN_CPUID_BASE + 4, 0, &a, &b, &c, &d);
    GUEST_ASSERT(a & (1u << 3)); /* XEN_HVM_CPUID_VCPU_ID_PRESENT */
    GUEST_ASSERT_EQ(b, g_boot->vcpu_id);
    cpuid_count(1, 0, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(b >> 24, g_boot->vcpu_id); /* initial APIC id */

    /* Negative: KVM's own PV signature must be gone from the whole range. */
    for (uint32_t leaf = 0x40000000; leaf <= 0x40000100; leaf += 0x100) {
        cpuid_count(leaf, 0, &a, &b, &c, &d);
        GUEST_ASSERT(!(b == 0x4b4d564b && c == 0x564b4d56 && d == 0x4d));
    }
}

void test_main(void)
{
    check_leaves();
    if (g_boot->vcpu_id != 0) {
        __atomic_fetch_add(&g_checked, 1, __ATOMIC_SEQ_CST);
        /* Stay busy (HLT would end the run): vCPU 0 reports the result. */
        for (;;)
            __asm__ volatile("pause");
    }
    while (__atomic_load_n(&g_checked, __ATOMIC_SEQ_CST) != g_boot->nr_vcpus - 1)
        __asm__ volatile("pause");

    uint32_t a, b, c, d;
    cpuid_count(XEN_CPUID_BASE + 1, 0, &a, &b, &c, &d);
    uint32_t version = a;
    GUEST_ASSERT(version >> 16 >= 4);
    cpuid_count(XEN_CPUID_BASE + 3, 0, &a, &b, &c, &d);
    uint32_t khz = c;
    GUEST_ASSERT(khz != 0);
    /* Host check: version and TSC frequency match the VMM's. */
    GUEST_ASSERT_EQ(guest_sync(1, version, khz, g_boot->nr_vcpus, 0), 0);
}
