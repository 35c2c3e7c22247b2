/* Test 2: the hypercall-page MSR and the generated stubs. */
#include "guest.h"

static uint8_t page2[4096] __attribute__((aligned(4096)));

static void check_slot(const uint8_t *page, uint32_t i)
{
    const uint8_t *s = page + i * 32;
    GUEST_ASSERT_EQ(s[0], 0xb8); /* mov $i, %eax */
    GUEST_ASSERT_EQ(s[1] | s[2] << 8 | s[3] << 16 | (uint32_t)s[4] << 24, i);
    GUEST_ASSERT_EQ(s[5], 0xe7); /* out %eax, $imm8 */
    GUEST_ASSERT_EQ(s[6], XENVMM_HCALL_PORT);
    GUEST_ASSERT_EQ(s[7], 0xc3); /* ret */
    for (int k = 8; k < 32; k++)
        GUEST_ASSERT_EQ(s[k], 0xcc);
}

void test_main(void)
{
    uint64_t v = 1;
    /* Negative: page index 1 (only one page exists) and a GPA that is not RAM. */
    GUEST_ASSERT_EQ(wrmsr_safe(XEN_HYPERCALL_MSR, (uint64_t)hypercall_page | 1), 13);
    GUEST_ASSERT_EQ(wrmsr_safe(XEN_HYPERCALL_MSR, 0x30000000), 13);
    GUEST_ASSERT_EQ(hypercall_page[0], 0); /* nothing written by the failed writes */
    /* Reads as zero. */
    GUEST_ASSERT_EQ(rdmsr_safe(XEN_HYPERCALL_MSR, &v), 0);
    GUEST_ASSERT_EQ(v, 0);

    GUEST_ASSERT_EQ(wrmsr_safe(XEN_HYPERCALL_MSR, (uint64_t)hypercall_page), 0);
    check_slot(hypercall_page, 0);
    check_slot(hypercall_page, 17);
    check_slot(hypercall_page, 127);
    long version = hcall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    GUEST_ASSERT(version > 0);
    /* Host: three WRMSR exits so far, page GPA and long mode latched. */
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)hypercall_page, 3, 0, 0), 0);

    /* Re-writing the MSR with a second page works and leaves the first alone. */
    GUEST_ASSERT_EQ(wrmsr_safe(XEN_HYPERCALL_MSR, (uint64_t)page2), 0);
    check_slot(page2, 17);
    GUEST_ASSERT_EQ(hcall_at(page2 + 17 * 32, XENVER_version, 0, 0, 0, 0), version);
    GUEST_ASSERT_EQ(guest_sync(1, (uint64_t)page2, 4, 0, 0), 0);
}
