/* Hostile guest: thousands of random hypercalls with random arguments.
 * Pointers aim at a scratch area, at unmapped or non-RAM space, or are
 * plain garbage. Calls that would legitimately take the domain down or
 * move its memory (shutdown, add_to_physmap, vcpu_info registration) get
 * random sub-op numbers that the VMM must refuse. */
#include "guest.h"

#define ROUNDS 3000

static uint64_t pick_arg(uint64_t *seed)
{
    uint64_t r = xorshift64(seed);
    switch (r & 7) {
    case 0:
        return 0;
    case 1:
        return GVA_UNMAPPED + (xorshift64(seed) & 0xffff);
    case 2:
        return GVA_NOT_RAM + (xorshift64(seed) & 0xfff);
    case 3:
        return xorshift64(seed); /* garbage, often non-canonical */
    case 4:
        return r >> 56;          /* small numbers: sub-ops, ids; as pointers the unused page 0 */
    default:
        return SCRATCH_PAGE(64) + (xorshift64(seed) & 0x1fff); /* scratch, may be unaligned */
    }
}

void test_main(void)
{
    hypercall_init();
    uint64_t seed = 0x9e3779b97f4a7c15ull ^ g_boot->arg;
    uint8_t *scratch = (uint8_t *)SCRATCH_PAGE(64);
    for (int round = 0; round < ROUNDS; round++) {
        /* Random bytes under every scratch pointer, re-rolled often. */
        if ((round & 1023) == 0)
            for (int i = 0; i < 3 * 4096; i++)
                scratch[i] = (uint8_t)xorshift64(&seed);
        uint64_t nr = xorshift64(&seed) % 64;
        uint64_t a1 = pick_arg(&seed), a2 = pick_arg(&seed), a3 = pick_arg(&seed);
        uint64_t a4 = pick_arg(&seed), a5 = pick_arg(&seed);
        if (nr == __HYPERVISOR_sched_op && (a1 == SCHEDOP_shutdown))
            a1 = 64 + (a1 & 0xff);
        if (nr == __HYPERVISOR_memory_op)
            a1 = 64 + (a1 & 0xff);
        if (nr == __HYPERVISOR_vcpu_op && a1 == VCPUOP_register_vcpu_info)
            a1 = 64;
        long r = hcall((unsigned)nr, a1, a2, a3, a4, a5);
        /* Every answer is 0, a small positive value (xen_version) or a
         * Linux errno. */
        GUEST_ASSERT(r >= -4095 && r <= (1l << 32));
    }
    /* Also beyond the hypercall page, straight through the port. */
    for (int round = 0; round < 200; round++) {
        long r = hcall_raw(xorshift64(&seed), pick_arg(&seed), pick_arg(&seed));
        GUEST_ASSERT(r >= -4095 && r <= (1l << 32));
    }
    /* The domain still works. */
    GUEST_ASSERT(HYPERVISOR_xen_version(XENVER_version, 0) > 0);
    GUEST_ASSERT_EQ(guest_sync(1, ROUNDS, 0, 0, 0), 0);
}
