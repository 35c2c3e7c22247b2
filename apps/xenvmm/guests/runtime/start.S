/* Entry, exception stubs and the CPL 3 trampoline for xenvmm guests. */
    .section .text.start, "ax"
    .global _start
_start:
    /* rdi = boot_info, rsp = per-vCPU stack top - 8 (set by the VMM). */
    call guest_entry
1:  hlt
    jmp 1b

    .text
/* Exception stubs: push a dummy error code where the CPU pushes none, then
 * the vector, so every frame has one layout (struct ex_frame). */
.macro EXC_NOERR vec
    .global exc_\vec
exc_\vec:
    pushq $0
    pushq $\vec
    jmp exc_common
.endm
.macro EXC_ERR vec
    .global exc_\vec
exc_\vec:
    pushq $\vec
    jmp exc_common
.endm
EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR 8
EXC_NOERR 9
EXC_ERR 10
EXC_ERR 11
EXC_ERR 12
EXC_ERR 13
EXC_ERR 14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR 17
EXC_NOERR 18
EXC_NOERR 19

/* The caller-saved registers a C handler may clobber (struct ex_frame
 * relies on this order). */
.macro SAVE_SCRATCH
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
.endm
.macro RESTORE_SCRATCH
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
.endm

exc_common:
    SAVE_SCRATCH
    movq %rsp, %rdi
    call exception_handler
    RESTORE_SCRATCH
    addq $16, %rsp
    iretq

/* LAPIC spurious vector (0xff): nothing to do, no EOI. */
    .global spurious_entry
spurious_entry:
    iretq

/* Event-channel upcall: no error code. The handler EOIs when the vector is
 * a per-vCPU LAPIC one; the global callback vector needs none. */
    .global upcall_entry
upcall_entry:
    SAVE_SCRATCH
    call upcall_handler
    RESTORE_SCRATCH
    iretq

/* long run_user(long (*fn)(void)): iretq to CPL 3 (IOPL 3 so the port
 * based hypercall stub reaches the VMM instead of faulting), call fn there,
 * come back through the DPL 3 gate at vector 0x81. */
    .global run_user
run_user:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, saved_kernel_rsp(%rip)
    movq g_tss_rsp0(%rip), %rax
    movq %rsp, (%rax)
    pushq $0x1b                 /* SS: user data | RPL 3 */
    leaq user_stack_top(%rip), %rax
    pushq %rax
    pushq $0x3002               /* RFLAGS: IOPL 3, IF clear */
    pushq $0x23                 /* CS: user code | RPL 3 */
    leaq user_entry(%rip), %rax
    pushq %rax
    iretq

user_entry:
    call *%rdi
    movq %rax, %rdi
    int $0x81
    ud2

    .global user_return
user_return:
    movq saved_kernel_rsp(%rip), %rsp
    movq %rdi, %rax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

    .bss
    .balign 16
saved_kernel_rsp:
    .quad 0
    .balign 16
user_stack:
    .skip 8192
user_stack_top:

    .section .note.GNU-stack, "", @progbits
