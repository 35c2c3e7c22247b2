/* Benchmark guest. Each sample is the mean cost over a block of BLOCK
 * back-to-back operations timed by one rdtsc pair; the kinds are
 * interleaved block by block so drift hits all of them alike.
 *   0 bare `out` exit, no work (the floor)
 *   1 trivial hypercall through the hypercall page: xen_version(version)
 *   2 control for 1: the same instruction stream (call into a stub page,
 *     mov, out, ret, result check) aimed at the bare-exit port
 *   3 the same hypercall issued inline (mov, out; no call into the page)
 *   4 control for 3: the same instruction stream aimed at the bare-exit port
 *   5 no exit: 100 register adds, the guest's own instruction cost
 * Kinds 1/2 and 3/4 differ only in the work the VMM does, so their ratios
 * are the VMM's overhead; 1/0 is the figure the issue targets.
 * boot_info.arg = number of samples per kind. */
#include "guest.h"

#define BLOCK 100
#define KINDS 6
#define WARMUP 1000

static uint8_t stub_page[4096] __attribute__((aligned(4096)));

static inline void bare_exit(void)
{
    __asm__ volatile("outl %%eax, %[port]" ::"a"(0), [port] "i"(XENVMM_BENCH_PORT) : "memory");
}

/* hcall_raw() with the bare-exit port: the VMM leaves rax as it was. */
static inline long bare_raw(uint64_t nr, uint64_t a1, uint64_t a2)
{
    uint64_t ret = nr;
    __asm__ volatile("outl %%eax, %[port]" : "+a"(ret) : [port] "i"(XENVMM_BENCH_PORT), "D"(a1), "S"(a2) : "memory");
    return (long)ret;
}

static inline void check(long r)
{
    if (r <= 0)
        guest_fail(__FILE__, __LINE__, "bench operation failed", (uint64_t)r, 0);
}

static inline void run_kind(int kind)
{
    switch (kind) {
    case 0:
        bare_exit();
        break;
    case 1:
        check(HYPERVISOR_xen_version(XENVER_version, 0));
        break;
    case 2:
        check(hcall_at(stub_page + __HYPERVISOR_xen_version * 32, XENVER_version, 0, 0, 0, 0));
        break;
    case 3:
        check(hcall_raw(__HYPERVISOR_xen_version, XENVER_version, 0));
        break;
    case 4:
        check(bare_raw(__HYPERVISOR_xen_version, XENVER_version, 0));
        break;
    default: {
        uint64_t x = 1;
        for (int j = 0; j < 100; j++)
            __asm__ volatile("add %0, %0" : "+r"(x));
        break;
    }
    }
}

void test_main(void)
{
    uint64_t n = g_boot->arg;
    uint64_t *samples = (uint64_t *)SCRATCH_BASE;
    GUEST_ASSERT(n > 0 && SCRATCH_BASE + KINDS * n * 8 <= XENVMM_RAM_SIZE);
    hypercall_init();
    /* The control stub: the hypercall page's slot bytes, other port. */
    memcpy(stub_page, hypercall_page, sizeof(stub_page));
    for (int i = 0; i < 128; i++)
        stub_page[i * 32 + 6] = XENVMM_BENCH_PORT;
    for (int i = 0; i < WARMUP; i++)
        for (int k = 0; k < KINDS; k++)
            run_kind(k);
    for (uint64_t s = 0; s < n; s++) {
        for (int k = 0; k < KINDS; k++) {
            uint64_t t0 = rdtsc();
            for (int i = 0; i < BLOCK; i++)
                run_kind(k);
            samples[k * n + s] = (rdtsc() - t0) / BLOCK;
        }
    }
    guest_sync(100, (uint64_t)samples, KINDS, n, BLOCK);
}
