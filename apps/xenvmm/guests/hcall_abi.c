/* Test 3: the 64-bit hypercall register ABI, error returns, CPL checks. */
#include "guest.h"

#define MAGIC 0xdeadbeef5a5a0000ull

static long user_xen_version(void) { return hcall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0); }

void test_main(void)
{
    hypercall_init();
    const uint8_t *stub = hypercall_page + __HYPERVISOR_arch_7 * 32;
    uint64_t ret, ok;
    /* Six arguments in rdi, rsi, rdx, r10, r8, r9; callee-saved registers
     * must survive the call. */
    __asm__ volatile("movq $0x1111111111111111, %%rbx\n\t"
                     "movq $0x1212121212121212, %%r12\n\t"
                     "movq $0x1313131313131313, %%r13\n\t"
                     "movq $0x1414141414141414, %%r14\n\t"
                     "movq $0x1515151515151515, %%r15\n\t"
                     "movq %[m1], %%rdi\n\t"
                     "movq %[m2], %%rsi\n\t"
                     "movq %[m3], %%rdx\n\t"
                     "movq %[m4], %%r10\n\t"
                     "movq %[m5], %%r8\n\t"
                     "movq %[m6], %%r9\n\t"
                     "call *%[stub]\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "movq $0x1111111111111111, %%r11\n\t"
                     "cmpq %%r11, %%rbx\n\t"
                     "jne 1f\n\t"
                     "movq $0x1212121212121212, %%r11\n\t"
                     "cmpq %%r11, %%r12\n\t"
                     "jne 1f\n\t"
                     "movq $0x1313131313131313, %%r11\n\t"
                     "cmpq %%r11, %%r13\n\t"
                     "jne 1f\n\t"
                     "movq $0x1414141414141414, %%r11\n\t"
                     "cmpq %%r11, %%r14\n\t"
                     "jne 1f\n\t"
                     "movq $0x1515151515151515, %%r11\n\t"
                     "cmpq %%r11, %%r15\n\t"
                     "jne 1f\n\t"
                     "movl $1, %%ecx\n\t"
                     "1:\n\t"
                     : "=a"(ret), "=c"(ok)
                     : [stub] "m"(stub), [m1] "i"(MAGIC + 1), [m2] "i"(MAGIC + 2), [m3] "i"(MAGIC + 3),
                       [m4] "i"(MAGIC + 4), [m5] "i"(MAGIC + 5), [m6] "i"(MAGIC + 6)
                     : "rbx", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "memory");
    GUEST_ASSERT_EQ(ret, 0xcafef00dfbfbffffull);
    GUEST_ASSERT_EQ(ok, 1);
    /* Host: the dispatcher saw the six arguments exactly. */
    GUEST_ASSERT_EQ(guest_sync(1, MAGIC, 0, 0, 0), 0);

    /* Negative: unknown numbers, inside and beyond the page. */
    GUEST_ASSERT_EQ(hcall(60, 0, 0, 0, 0, 0), -ENOSYS);
    GUEST_ASSERT_EQ(hcall_raw(1000, 0, 0), -ENOSYS);
    GUEST_ASSERT_EQ(hcall_raw((1ull << 32) | __HYPERVISOR_xen_version, 0, 0), -ENOSYS);
    /* Negative: 64-bit sign extension of an error. */
    long r = HYPERVISOR_vm_assist(VMASST_CMD_enable, 60);
    GUEST_ASSERT_EQ((uint64_t)r, 0xffffffffffffffeaull); /* -EINVAL */
    /* Negative: a call from CPL 3 (IOPL 3 lets the stub's OUT exit) is
     * -EPERM. Hosts that do not virtualize IOPL for the guest (PVM) raise
     * #GP on the OUT instead, so the call never reaches the VMM; the
     * dispatcher's CPL check is then covered by the host unit test. */
    g_user_fault_vector = 0;
    long user = run_user(user_xen_version);
    if (user == USER_FAULTED) {
        GUEST_ASSERT_EQ(g_user_fault_vector, 13);
        guest_print("hcall_abi: CPL 3 OUT raised #GP (IOPL not virtualized); -EPERM checked by the unit test");
    } else {
        GUEST_ASSERT_EQ(user, -EPERM);
    }
    /* And the same call from CPL 0 still works afterwards. */
    GUEST_ASSERT(user_xen_version() > 0);
}
