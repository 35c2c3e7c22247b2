/* Benchmark guest: a bare `out` exit with no work against a trivial
 * hypercall, in interleaved blocks so drift affects both kinds alike. */
#include "guest.h"

#define BLOCK 100
#define WARMUP 1000

static inline void bare_exit(void)
{
    __asm__ volatile("outl %%eax, %[port]" ::"a"(0), [port] "i"(BENCH_PORT) : "memory");
}

void test_main(void)
{
    uint64_t n = g_boot->arg;
    uint64_t *bare = (uint64_t *)SCRATCH_BASE;
    uint64_t *hc = bare + n;
    uint64_t *direct = hc + n;
    GUEST_ASSERT(n > 0 && (uint64_t)(direct + n) <= RAM_SIZE);
    hypercall_init();
    for (int i = 0; i < WARMUP; i++) {
        bare_exit();
        HYPERVISOR_xen_version(XENVER_version, 0);
    }
    for (uint64_t done = 0; done < n;) {
        uint64_t end = done + BLOCK < n ? done + BLOCK : n;
        for (uint64_t i = done; i < end; i++) {
            uint64_t t0 = rdtsc();
            bare_exit();
            bare[i] = rdtsc() - t0;
        }
        for (uint64_t i = done; i < end; i++) {
            uint64_t t0 = rdtsc();
            long r = HYPERVISOR_xen_version(XENVER_version, 0);
            hc[i] = rdtsc() - t0;
            if (r <= 0)
                guest_fail(__FILE__, __LINE__, "xen_version failed", (uint64_t)r, 0);
        }
        /* The same hypercall issued inline, without the call into the
         * hypercall page (the shape of Linux's direct vmcall mode). */
        for (uint64_t i = done; i < end; i++) {
            uint64_t t0 = rdtsc();
            long r = hcall_raw(__HYPERVISOR_xen_version, XENVER_version, 0);
            direct[i] = rdtsc() - t0;
            if (r <= 0)
                guest_fail(__FILE__, __LINE__, "direct xen_version failed", (uint64_t)r, 0);
        }
        done = end;
    }
    guest_sync(100, (uint64_t)bare, (uint64_t)hc, n, (uint64_t)direct);
}
