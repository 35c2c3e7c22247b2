/* Test 8: vcpu_time_info (pvclock) in the default vcpu_info. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    uint64_t gfn = SCRATCH_PAGE(16) / 4096;
    GUEST_ASSERT_EQ(map_shared_info(gfn), 0);
    volatile struct shared_info *s = (volatile struct shared_info *)(gfn * 4096);
    volatile struct vcpu_time_info *t = &s->vcpu_info[0].time;

    uint32_t v1, v2;
    uint64_t prev = pvclock_read(t, &v1);
    GUEST_ASSERT(v1 != 0 && !(v1 & 1));
    GUEST_ASSERT(t->tsc_to_system_mul != 0);
    uint32_t a, b, c, d;
    cpuid_count(XEN_CPUID_BASE + 3, 1, &a, &b, &c, &d);
    GUEST_ASSERT_EQ(t->tsc_to_system_mul, c);
    for (int i = 0; i < 10000; i++) {
        uint64_t now = pvclock_read(t, &v2);
        GUEST_ASSERT(now >= prev);
        prev = now;
    }
    /* Host: guest time agrees with the KVM clock; then the VMM rewrites the
     * time info (a new version on the same line). */
    uint64_t before = pvclock_read(t, &v1);
    GUEST_ASSERT_EQ(guest_sync(1, before, 0, 0, 0), 0);
    uint64_t after = pvclock_read(t, &v2);
    GUEST_ASSERT(v2 != v1 && !(v2 & 1));
    GUEST_ASSERT(after >= before);
    GUEST_ASSERT_EQ(guest_sync(2, after, 0, 0, 0), 0);
}
