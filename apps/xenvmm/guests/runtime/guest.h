/* Guest runtime for the xenvmm conformance guests: freestanding C, 64-bit
 * long mode from the first instruction, identity-mapped first GiB.
 * guests/ owns the guest halves of the tests (one <guest>.c each) and this
 * runtime. May use: abi/guest_abi.h and the compiler's freestanding
 * headers only (no C library, no VMM header). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Numbers and layouts shared with the VMM: the Xen ABI and the harness's. */
#include "guest_abi.h"

#define SCRATCH_BASE 0x400000ull
#define SCRATCH_PAGE(n) (SCRATCH_BASE + (uint64_t)(n) * 4096)
/* Mapped by the page tables but beyond RAM, and not mapped at all. */
#define GVA_NOT_RAM 0x3ff00000ull
#define GVA_UNMAPPED 0x40000000ull

/* In the LAPIC interrupt modes (boot_info.irq_mode) the VMM has enabled
 * each vCPU's in-kernel LAPIC (LINT0 ExtINT) and the runtime switches it to
 * x2APIC mode at entry, so an EOI is one WRMSR. */

/* This vCPU's boot_info: the VMM points GS.base at it. */
static inline struct boot_info *this_boot(void)
{
    struct boot_info *b;
    __asm__("movq %%gs:%c1, %0" : "=r"(b) : "i"(offsetof(struct boot_info, self)));
    return b;
}
#define g_boot (this_boot())

static inline uint64_t ucall(uint32_t cmd, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    uint64_t ret = cmd;
    __asm__ volatile("outl %%eax, %[port]"
                     : "+a"(ret)
                     : [port] "i"(XENVMM_TEST_PORT), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
                     : "memory");
    return ret;
}

__attribute__((noreturn)) void guest_pass(void);
__attribute__((noreturn)) void guest_fail(const char *file, int line, const char *msg, uint64_t a, uint64_t b);
__attribute__((noreturn)) void guest_skip(const char *msg);
void guest_print(const char *msg);
/* Host-side check point; returns the host's answer. */
static inline uint64_t guest_sync(uint64_t stage, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return ucall(UCALL_SYNC, stage, a, b, c, d);
}

#define GUEST_ASSERT(cond)                                              \
    do {                                                                \
        if (!(cond))                                                    \
            guest_fail(__FILE__, __LINE__, #cond, 0, 0);                \
    } while (0)
#define GUEST_ASSERT_EQ(a, b)                                                    \
    do {                                                                         \
        uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);                         \
        if (_a != _b)                                                            \
            guest_fail(__FILE__, __LINE__, #a " == " #b, _a, _b);                \
    } while (0)

/* Entry point of each guest. */
void test_main(void);

/* The guests use the Linux names for Xen's errno values. */
#define EPERM XEN_EPERM
#define ENOENT XEN_ENOENT
#define ESRCH XEN_ESRCH
#define EFAULT XEN_EFAULT
#define EBUSY XEN_EBUSY
#define EEXIST XEN_EEXIST
#define EINVAL XEN_EINVAL
#define ENOSPC XEN_ENOSPC
#define ENOSYS XEN_ENOSYS
#define ETIME XEN_ETIME
#define EOPNOTSUPP XEN_EOPNOTSUPP

/* Hypercall page set up by hypercall_init(); 128 slots of 32 bytes. */
extern uint8_t hypercall_page[4096];
void hypercall_init(void);

static inline long hcall_at(const void *stub, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;
    __asm__ volatile("call *%[fn]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [fn] "r"(stub)
                     : "memory", "cc");
    return ret;
}
static inline long hcall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return hcall_at(hypercall_page + (nr & 127) * 32, a1, a2, a3, a4, a5);
}
#define HYPERVISOR_xen_version(cmd, arg) hcall(__HYPERVISOR_xen_version, (cmd), (uint64_t)(arg), 0, 0, 0)
#define HYPERVISOR_console_io(cmd, n, buf) hcall(__HYPERVISOR_console_io, (cmd), (n), (uint64_t)(buf), 0, 0)
#define HYPERVISOR_memory_op(cmd, arg) hcall(__HYPERVISOR_memory_op, (cmd), (uint64_t)(arg), 0, 0, 0)
#define HYPERVISOR_vm_assist(cmd, type) hcall(__HYPERVISOR_vm_assist, (cmd), (type), 0, 0, 0)
#define HYPERVISOR_vcpu_op(cmd, vcpu, arg) hcall(__HYPERVISOR_vcpu_op, (cmd), (vcpu), (uint64_t)(arg), 0, 0)
#define HYPERVISOR_sched_op(cmd, arg) hcall(__HYPERVISOR_sched_op, (cmd), (uint64_t)(arg), 0, 0, 0)
#define HYPERVISOR_event_channel_op(cmd, arg) hcall(__HYPERVISOR_event_channel_op, (cmd), (uint64_t)(arg), 0, 0, 0)
#define HYPERVISOR_hvm_op(cmd, arg) hcall(__HYPERVISOR_hvm_op, (cmd), (uint64_t)(arg), 0, 0, 0)
#define HYPERVISOR_set_timer_op(t) hcall(__HYPERVISOR_set_timer_op, (t), 0, 0, 0, 0)

/* Event-channel helpers (runtime.c); negative errno on failure. */
long evtchn_alloc_unbound_self(void);
long evtchn_bind_interdomain_self(uint32_t remote_port);
long evtchn_bind_ipi(uint32_t vcpu);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu);
long evtchn_send(uint32_t port);
long evtchn_close(uint32_t port);
long evtchn_unmask(uint32_t port);
long evtchn_bind_vcpu(uint32_t port, uint32_t vcpu);
long evtchn_status(uint32_t port, struct evtchn_status *st);
long hvm_set_param(uint32_t index, uint64_t value);
static inline int port_pending(volatile struct shared_info *s, uint32_t p)
{
    return (int)((s->evtchn_pending[p / 64] >> (p % 64)) & 1);
}
static inline void port_clear(volatile struct shared_info *s, uint32_t p)
{
    __atomic_fetch_and(&s->evtchn_pending[p / 64], ~(1ull << (p % 64)), __ATOMIC_SEQ_CST);
}
static inline void port_mask(volatile struct shared_info *s, uint32_t p)
{
    __atomic_fetch_or(&s->evtchn_mask[p / 64], 1ull << (p % 64), __ATOMIC_SEQ_CST);
}
static inline void port_unmask_direct(volatile struct shared_info *s, uint32_t p)
{
    __atomic_fetch_and(&s->evtchn_mask[p / 64], ~(1ull << (p % 64)), __ATOMIC_SEQ_CST);
}
/* Upcalls. upcall_setup() installs the IDT gate and, by the run's
 * interrupt mode, either sets the global callback vector
 * (HVM_PARAM_CALLBACK_IRQ; upcall_setup_global() always does that) or,
 * in IRQ_MODE_LAPIC_PERCPU, registers the same vector as every vCPU's
 * per-vCPU upcall vector (HVMOP_set_evtchn_upcall_vector). On a per-vCPU
 * vector the handler EOIs first, as Linux does, unless g_defer_eoi is
 * set (then g_eoi_deferred counts the EOIs owed). The default handler clears
 * upcall_pending, walks pending_sel and the pending & ~mask words, clears
 * each port it finds and counts it in g_port_hits (and g_upcalls per vCPU).
 * g_upcall_hook, when set, runs instead and returns 1 to also run the
 * default processing. */
#define UPCALL_VECTOR 0xf3
#define MAX_GUEST_VCPUS 32
extern volatile uint64_t g_upcalls[MAX_GUEST_VCPUS];
extern volatile uint32_t g_port_hits[4096];
extern volatile uint64_t g_last_upcall_tsc[MAX_GUEST_VCPUS];
extern int (*volatile g_upcall_hook)(uint32_t vcpu);
/* The vCPU each port notifies, kept by the evtchn_bind_* helpers (ports
 * from alloc_unbound/bind_interdomain notify vCPU 0). */
extern volatile uint8_t g_port_vcpu[4096];
extern volatile struct shared_info *g_shinfo;
/* A vCPU's registered vcpu_info (VCPUOP_register_vcpu_info), or 0 for the
 * default slot in shared_info. */
extern volatile struct vcpu_info *volatile g_vcpu_info[MAX_GUEST_VCPUS];
void upcall_gate(uint8_t vector);
/* Guest-side guard for tests that move shared_info while other vCPUs use
 * it (g_shinfo_guard = 1): readers (the upcall handler, and code that runs
 * with IF=0 around its accesses) never touch the page at its old GFN;
 * move_shared_info() waits for them, remaps, and publishes g_shinfo. */
extern volatile int g_shinfo_guard;
void shinfo_read_lock(void);
void shinfo_read_unlock(void);
int move_shared_info(uint64_t gfn);
long upcall_setup(uint8_t vector);
long upcall_setup_global(uint8_t vector);
/* HVMOP_set_evtchn_upcall_vector; on success g_upcall_vector_of[vcpu]
 * records it for the handler's EOI. */
long set_upcall_vector(uint32_t vcpu, uint8_t vector);
extern volatile uint8_t g_upcall_vector_of[MAX_GUEST_VCPUS];
extern volatile int g_defer_eoi;
extern volatile uint32_t g_eoi_deferred[MAX_GUEST_VCPUS];
#define MSR_X2APIC_EOI 0x80b
#define MSR_X2APIC_ISR0 0x810 /* ISR bits 0-31; vector v is in 0x810 + v / 32 */
#define MSR_X2APIC_IRR0 0x820
static inline void apic_eoi(void) { __asm__ volatile("wrmsr" ::"c"(MSR_X2APIC_EOI), "a"(0), "d"(0) : "memory"); }
static inline int apic_bit(uint32_t base_msr, uint8_t vector)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(base_msr + vector / 32));
    return (int)((lo >> (vector % 32)) & 1);
}
static inline volatile struct vcpu_info *my_vcpu_info(void)
{
    return &g_shinfo->vcpu_info[g_boot->vcpu_id];
}
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
/* Idle until `*flag` changes from `old`: cli; check; sti; hlt (the STI
 * shadow makes the check and the halt atomic against the upcall). */
static inline void wait_change(volatile uint64_t *flag, uint64_t old)
{
    for (;;) {
        irq_disable();
        if (*flag != old) {
            irq_enable();
            return;
        }
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}

/* Map shared_info at SCRATCH_PAGE(16), clear its event state and return it. */
volatile struct shared_info *evtchn_setup(void);

/* A hypercall issued straight through the port, for numbers beyond the page. */
static inline long hcall_raw(uint64_t nr, uint64_t a1, uint64_t a2)
{
    uint64_t ret = nr;
    __asm__ volatile("outl %%eax, %[port]" : "+a"(ret) : [port] "i"(XENVMM_HCALL_PORT), "D"(a1), "S"(a2) : "memory");
    return (long)ret;
}

void console_write(const char *s);
void shutdown(uint32_t reason) __attribute__((noreturn));

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
/* Return the exception vector taken (0 when none). */
int wrmsr_safe(uint32_t msr, uint64_t v);
int rdmsr_safe(uint32_t msr, uint64_t *v);
/* Run fn at CPL 3 with IOPL 3 and return its result, or USER_FAULTED with
 * g_user_fault_vector set when fn took an exception. */
long run_user(long (*fn)(void));
#define USER_FAULTED (-4096l)
extern volatile int g_user_fault_vector;

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
uint64_t pvclock_read(volatile struct vcpu_time_info *t, uint32_t *version_out);
int map_shared_info(uint64_t gfn);

/* Small PRNG for the random-hypercall guest. */
static inline uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Wait, halted, until port `port` has been handled `n` times. */
static inline void wait_port(uint32_t port, uint32_t n)
{
    for (;;) {
        irq_disable();
        if (g_port_hits[port] >= n) {
            irq_enable();
            return;
        }
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}
static inline uint64_t xen_now(void)
{
    return pvclock_read(&g_shinfo->vcpu_info[g_boot->vcpu_id].time, 0);
}
/* Busy-wait (IF unchanged) until Xen time `t`. */
static inline void spin_until(uint64_t t)
{
    while (xen_now() < t)
        __asm__ volatile("pause");
}
static inline long sched_poll(uint32_t *ports, uint32_t n, uint64_t timeout)
{
    static struct sched_poll sp;
    sp.ports = ports;
    sp.nr_ports = n;
    sp.timeout = timeout;
    return HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}
#define MS 1000000ull
/* Secondary vCPUs of a test that only needs them to exist. */
static inline void park_secondary(volatile int *done)
{
    while (!*done)
        __asm__ volatile("pause");
    for (;;)
        __asm__ volatile("pause");
}
