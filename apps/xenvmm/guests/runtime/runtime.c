#include "guest.h"

uint64_t *g_tss_rsp0;
uint8_t hypercall_page[4096] __attribute__((aligned(4096)));

struct ex_frame {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_entry {
    uint16_t off0;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off1;
    uint32_t off2;
    uint32_t rsvd;
};
static struct idt_entry idt[256] __attribute__((aligned(16)));

/* Fault recovery for *_safe(): the handler resumes at g_fixup_rip. */
static volatile uint64_t g_fixup_rip;
static volatile int g_fault_vector;

extern char exc_0[], exc_1[], exc_2[], exc_3[], exc_4[], exc_5[], exc_6[], exc_7[], exc_8[], exc_9[];
extern char exc_10[], exc_11[], exc_12[], exc_13[], exc_14[], exc_15[], exc_16[], exc_17[], exc_18[], exc_19[];
extern char user_return[];

static void set_gate(int vec, void *fn, int dpl)
{
    uint64_t a = (uint64_t)fn;
    idt[vec].off0 = (uint16_t)a;
    idt[vec].sel = 0x08;
    idt[vec].ist = 0;
    idt[vec].type = (uint8_t)(0x8e | (dpl << 5));
    idt[vec].off1 = (uint16_t)(a >> 16);
    idt[vec].off2 = (uint32_t)(a >> 32);
    idt[vec].rsvd = 0;
}

volatile int g_user_fault_vector;

void exception_handler(struct ex_frame *f)
{
    if ((f->cs & 3) == 3) {
        /* A fault in run_user()'s CPL 3 code: abandon it and return to the
         * run_user() caller with USER_FAULTED. */
        g_user_fault_vector = (int)f->vector;
        __asm__ volatile("movq %0, %%rdi\n\tjmp user_return" ::"i"(USER_FAULTED) : "rdi", "memory");
    }
    if (g_fixup_rip) {
        g_fault_vector = (int)f->vector;
        f->rip = g_fixup_rip;
        g_fixup_rip = 0;
        return;
    }
    guest_fail("exception", (int)f->vector, "unexpected guest exception (line = vector)", f->rip, f->error);
}

extern char spurious_entry[];

void guest_entry(struct boot_info *bi)
{
    if (bi->magic != XENVMM_BOOT_MAGIC || this_boot() != bi)
        guest_fail(__FILE__, __LINE__, "bad boot_info or GS.base", (uint64_t)bi, 0);
    g_tss_rsp0 = (uint64_t *)(bi->tss_gva + 4);
    void *stubs[20] = {exc_0,  exc_1,  exc_2,  exc_3,  exc_4,  exc_5,  exc_6,  exc_7,  exc_8,  exc_9,
                       exc_10, exc_11, exc_12, exc_13, exc_14, exc_15, exc_16, exc_17, exc_18, exc_19};
    for (int i = 0; i < 20; i++)
        set_gate(i, stubs[i], 0);
    set_gate(0x81, user_return, 3);
    if (bi->irq_mode != IRQ_MODE_CALLBACK) {
        uint32_t a, b, c, d;
        cpuid_count(1, 0, &a, &b, &c, &d);
        if (!(c & (1u << 21)))
            guest_fail(__FILE__, __LINE__, "LAPIC interrupt mode but CPUID has no x2APIC", c, 0);
        uint64_t base = 0;
        if (rdmsr_safe(0x1b, &base) || wrmsr_safe(0x1b, base | (1ull << 11) | (1ull << 10)))
            guest_fail(__FILE__, __LINE__, "enabling x2APIC mode faulted", base, 0);
        set_gate(0xff, spurious_entry, 0);
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
    test_main();
    guest_pass();
}

void guest_pass(void)
{
    ucall(UCALL_PASS, 0, 0, 0, 0, 0);
    for (;;)
        __asm__ volatile("hlt");
}

void guest_fail(const char *file, int line, const char *msg, uint64_t a, uint64_t b)
{
    ucall(UCALL_FAIL, (uint64_t)file, (uint64_t)line, (uint64_t)msg, a, b);
    for (;;)
        __asm__ volatile("hlt");
}

void guest_skip(const char *msg)
{
    ucall(UCALL_SKIP, (uint64_t)msg, 0, 0, 0, 0);
    for (;;)
        __asm__ volatile("hlt");
}

void guest_print(const char *msg) { ucall(UCALL_PRINT, (uint64_t)msg, 0, 0, 0, 0); }

void hypercall_init(void) { wrmsr(XEN_HYPERCALL_MSR, (uint64_t)hypercall_page); }

void console_write(const char *s) { HYPERVISOR_console_io(CONSOLEIO_write, strlen(s), s); }

void shutdown(uint32_t reason)
{
    static uint32_t r;
    r = reason;
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &r);
    guest_fail(__FILE__, __LINE__, "SCHEDOP_shutdown returned", reason, 0);
}

int wrmsr_safe(uint32_t msr, uint64_t v)
{
    g_fault_vector = 0;
    __asm__ volatile("leaq 1f(%%rip), %%r11\n\t"
                     "movq %%r11, %[fix]\n\t"
                     "wrmsr\n\t"
                     "1:\n\t"
                     : [fix] "=m"(g_fixup_rip)
                     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "r11", "memory");
    g_fixup_rip = 0;
    return g_fault_vector;
}

int rdmsr_safe(uint32_t msr, uint64_t *v)
{
    uint32_t lo = 0xdeadbeef, hi = 0xdeadbeef;
    g_fault_vector = 0;
    __asm__ volatile("leaq 1f(%%rip), %%r11\n\t"
                     "movq %%r11, %[fix]\n\t"
                     "rdmsr\n\t"
                     "1:\n\t"
                     : [fix] "=m"(g_fixup_rip), "+a"(lo), "+d"(hi)
                     : "c"(msr)
                     : "r11", "memory");
    g_fixup_rip = 0;
    *v = ((uint64_t)hi << 32) | lo;
    return g_fault_vector;
}

uint64_t pvclock_read(volatile struct vcpu_time_info *t, uint32_t *version_out)
{
    uint32_t v;
    uint64_t ns;
    do {
        v = t->version;
        barrier();
        uint64_t delta = rdtsc() - t->tsc_timestamp;
        int8_t shift = t->tsc_shift;
        if (shift < 0)
            delta >>= -shift;
        else
            delta <<= shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        barrier();
    } while ((v & 1) || v != t->version);
    if (version_out)
        *version_out = v;
    return ns;
}

int map_shared_info(uint64_t gfn)
{
    static struct xen_add_to_physmap xatp;
    xatp.domid = DOMID_SELF;
    xatp.size = 0;
    xatp.space = XENMAPSPACE_shared_info;
    xatp.idx = 0;
    xatp.gpfn = gfn;
    return (int)HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

long evtchn_alloc_unbound_self(void)
{
    struct evtchn_alloc_unbound a = {DOMID_SELF, DOMID_SELF, 0};
    long r = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    return r ? r : (long)a.port;
}

long evtchn_bind_interdomain_self(uint32_t remote_port)
{
    struct evtchn_bind_interdomain b = {DOMID_SELF, remote_port, 0};
    long r = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    return r ? r : (long)b.local_port;
}

volatile uint8_t g_port_vcpu[4096];

long evtchn_bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = {vcpu, 0};
    long r = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
    if (r == 0 && b.port < 4096)
        g_port_vcpu[b.port] = (uint8_t)vcpu;
    return r ? r : (long)b.port;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = {virq, vcpu, 0};
    long r = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
    if (r == 0 && b.port < 4096)
        g_port_vcpu[b.port] = (uint8_t)vcpu;
    return r ? r : (long)b.port;
}

long evtchn_send(uint32_t port) { return HYPERVISOR_event_channel_op(EVTCHNOP_send, &port); }
long evtchn_close(uint32_t port) { return HYPERVISOR_event_channel_op(EVTCHNOP_close, &port); }
long evtchn_unmask(uint32_t port) { return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &port); }

long evtchn_bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = {port, vcpu};
    long r = HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &b);
    if (r == 0 && port < 4096)
        g_port_vcpu[port] = (uint8_t)vcpu;
    return r;
}

long evtchn_status(uint32_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

long hvm_set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = {DOMID_SELF, 0, index, value};
    return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

volatile struct shared_info *g_shinfo;

volatile struct shared_info *evtchn_setup(void)
{
    uint64_t gfn = SCRATCH_PAGE(16) / 4096;
    if (map_shared_info(gfn) != 0)
        guest_fail(__FILE__, __LINE__, "map_shared_info failed", gfn, 0);
    g_shinfo = (volatile struct shared_info *)(gfn * 4096);
    return g_shinfo;
}

volatile uint64_t g_upcalls[MAX_GUEST_VCPUS];
volatile uint32_t g_port_hits[4096];
volatile uint64_t g_last_upcall_tsc[MAX_GUEST_VCPUS];
int (*volatile g_upcall_hook)(uint32_t vcpu);
volatile struct vcpu_info *volatile g_vcpu_info[MAX_GUEST_VCPUS];
extern char upcall_entry[];
volatile uint8_t g_upcall_vector_of[MAX_GUEST_VCPUS];
volatile int g_defer_eoi;
volatile uint32_t g_eoi_deferred[MAX_GUEST_VCPUS];

void upcall_handler(void)
{
    uint32_t id = g_boot->vcpu_id;
    if (g_upcall_vector_of[id]) {
        if (g_defer_eoi)
            g_eoi_deferred[id]++;
        else
            apic_eoi();
    }
    g_last_upcall_tsc[id] = rdtsc();
    g_upcalls[id]++;
    if (g_upcall_hook && !g_upcall_hook(id))
        return;
    shinfo_read_lock();
    volatile struct shared_info *s = g_shinfo;
    if (!s) {
        shinfo_read_unlock();
        return;
    }
    volatile struct vcpu_info *vi = g_vcpu_info[id] ? g_vcpu_info[id] : &s->vcpu_info[id];
    vi->evtchn_upcall_pending = 0;
    uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        uint32_t w = (uint32_t)__builtin_ctzll(sel);
        sel &= sel - 1;
        uint64_t bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];
        while (bits) {
            uint32_t b = (uint32_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            uint32_t port = w * 64 + b;
            /* Only ports bound to this vCPU, as Linux's per-CPU event
             * masks do: a vCPU taking another's port could leave that
             * vCPU halted with its event consumed. */
            if (g_port_vcpu[port] != id)
                continue;
            /* Test-and-clear: another vCPU scanning the same word may
             * take the port first; only the one that clears it counts. */
            if (__atomic_fetch_and(&s->evtchn_pending[w], ~(1ull << b), __ATOMIC_SEQ_CST) & (1ull << b))
                __atomic_fetch_add(&g_port_hits[port], 1, __ATOMIC_SEQ_CST);
        }
    }
    shinfo_read_unlock();
}

volatile uint32_t g_shinfo_readers;
volatile int g_shinfo_moving;
volatile int g_shinfo_guard;

void shinfo_read_lock(void)
{
    if (!g_shinfo_guard)
        return;
    for (;;) {
        while (g_shinfo_moving)
            __asm__ volatile("pause");
        __atomic_fetch_add(&g_shinfo_readers, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&g_shinfo_moving, __ATOMIC_SEQ_CST))
            return;
        __atomic_fetch_sub(&g_shinfo_readers, 1, __ATOMIC_SEQ_CST);
    }
}

void shinfo_read_unlock(void)
{
    if (g_shinfo_guard)
        __atomic_fetch_sub(&g_shinfo_readers, 1, __ATOMIC_SEQ_CST);
}

int move_shared_info(uint64_t gfn)
{
    __atomic_store_n(&g_shinfo_moving, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&g_shinfo_readers, __ATOMIC_SEQ_CST))
        __asm__ volatile("pause");
    int r = map_shared_info(gfn);
    if (r == 0)
        g_shinfo = (volatile struct shared_info *)(gfn * 4096);
    __atomic_store_n(&g_shinfo_moving, 0, __ATOMIC_SEQ_CST);
    return r;
}

void upcall_gate(uint8_t vector) { set_gate(vector, upcall_entry, 0); }

long upcall_setup_global(uint8_t vector)
{
    upcall_gate(vector);
    return hvm_set_param(HVM_PARAM_CALLBACK_IRQ, HVM_CALLBACK_VECTOR(vector));
}

long set_upcall_vector(uint32_t vcpu, uint8_t vector)
{
    struct xen_hvm_evtchn_upcall_vector uv = {vcpu, vector};
    /* Recorded first: an upcall already pending arrives on the target as
     * soon as the VMM accepts the vector, and its handler must EOI. */
    uint8_t old = vcpu < MAX_GUEST_VCPUS ? g_upcall_vector_of[vcpu] : 0;
    if (vcpu < MAX_GUEST_VCPUS && vector >= 0x10)
        g_upcall_vector_of[vcpu] = vector;
    long r = HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv);
    if (r != 0 && vcpu < MAX_GUEST_VCPUS)
        g_upcall_vector_of[vcpu] = old;
    return r;
}

long upcall_setup(uint8_t vector)
{
    if (g_boot->irq_mode != IRQ_MODE_LAPIC_PERCPU)
        return upcall_setup_global(vector);
    upcall_gate(vector);
    for (uint32_t v = 0; v < g_boot->nr_vcpus; v++) {
        long r = set_upcall_vector(v, vector);
        if (r)
            return r;
    }
    return 0;
}
