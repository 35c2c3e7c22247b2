/* Test 4: xen_version sub-ops. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    uint32_t a, b, c, d;
    cpuid_count(XEN_CPUID_BASE + 1, 0, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_version, 0), a);

    static struct xen_feature_info fi;
    fi.submap_idx = 0;
    fi.submap = 0;
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    GUEST_ASSERT(fi.submap & (1u << XENFEAT_auto_translated_physmap));
    GUEST_ASSERT(fi.submap & (1u << XENFEAT_hvm_callback_vector));

    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, 0), 4096);

    static char extra[16];
    memset(extra, 0x7f, sizeof(extra));
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    GUEST_ASSERT(memcmp(extra, "-xenvmm", 8) == 0);

    /* Negative cases. */
    fi.submap_idx = 1;
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), -EINVAL);
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_get_features, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, GVA_NOT_RAM), -EFAULT);
    /* A buffer whose tail crosses into unmapped space. */
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, GVA_UNMAPPED - 8), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, 0x8000000000000000ull), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_xen_version(99, 0), -ENOSYS);
}
