/* Test 1: the Xen CPUID leaves at 0x40000000, and no KVM signature. */
#include "guest.h"

void test_main(void)
{
    uint32_t a, b, c, d;
    cpuid_count(XEN_CPUID_BASE, 0, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(b, 0x566e6558); /* "XenV" */
    GUEST_ASSERT_EQ(c, 0x65584d4d); /* "MMXe" */
    GUEST_ASSERT_EQ(d, 0x4d4d566e); /* "nVMM" */
    GUEST_ASSERT(a >= XEN_CPUID_BASE + 4);

    cpuid_count(XEN_CPUID_BASE + 1, 0, &a, &b, &c, &d);
    uint32_t version = a;
    GUEST_ASSERT(version >> 16 >= 4);

    cpuid_count(XEN_CPUID_BASE + 2, 0, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(a, 1);                 /* one hypercall page */
    GUEST_ASSERT_EQ(b, XEN_HYPERCALL_MSR); /* its MSR */

    cpuid_count(XEN_CPUID_BASE + 3, 0, &a, &b, &c, &d);
    uint32_t khz = c;
    GUEST_ASSERT(khz != 0);
    cpuid_count(XEN_CPUID_BASE + 3, 1, &a, &b, &c, &d);
    GUEST_ASSERT(c != 0); /* tsc_to_system_mul */

    cpuid_count(XEN_CPUID_BASE + 4, 0, &a, &b, &c, &d);
    GUEST_ASSERT(a & (1u << 3)); /* XEN_HVM_CPUID_VCPU_ID_PRESENT */
    GUEST_ASSERT_EQ(b, g_boot->vcpu_id);

    /* Negative: KVM's own PV signature must be gone from the whole range. */
    for (uint32_t leaf = 0x40000000; leaf <= 0x40000100; leaf += 0x100) {
        cpuid_count(leaf, 0, &a, &b, &c, &d);
        GUEST_ASSERT(!(b == 0x4b4d564b && c == 0x564b4d56 && d == 0x4d));
    }
    /* Host check: version and TSC frequency match the VMM's. */
    GUEST_ASSERT_EQ(guest_sync(1, version, khz, 0, 0), 0);
}
