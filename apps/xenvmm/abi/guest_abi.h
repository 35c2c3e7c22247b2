/* The ABI between xenvmm and its guests, in one C header read by both
 * sides: the freestanding guests (C11, guests/runtime/guest.h) and the VMM
 * (C++, vmm/xen/abi.h and vmm/x86/layout.h give it C++ names). Two parts:
 *
 *  - the Xen public ABI the VMM emulates: hypercall and sub-op numbers,
 *    errno values and structure layouts, for 64-bit guests; numbers
 *    checked against xen/include/public/{xen.h,vcpu.h,memory.h,version.h,
 *    sched.h,event_channel.h,hvm/hvm_op.h,hvm/params.h,arch-x86/cpuid.h};
 *  - the harness ABI, which is no part of Xen: the guest memory layout,
 *    boot_info, the test port and its commands, the interrupt modes.
 *
 * Every layout is checked where it is declared, so both compilers check
 * it: XENVMM_ABI_ASSERT is _Static_assert in C and static_assert in C++.
 * Owns: numbers and layouts only. May use: <stddef.h>, <stdint.h>. */
#ifndef XENVMM_ABI_GUEST_ABI_H
#define XENVMM_ABI_GUEST_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define XENVMM_ABI_ASSERT(cond, msg) static_assert(cond, msg)
/* A guest pointer: a GVA for the VMM, a pointer for the 64-bit guest. */
#define XENVMM_GUEST_HANDLE(type) uint64_t
#else
#define XENVMM_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#define XENVMM_GUEST_HANDLE(type) type *
#endif

/* ---- Xen public ABI -------------------------------------------------- */

/* Hypercall numbers (xen.h). arch_7 carries the harness-only register-ABI
 * probe (test hcall_abi), answered only when the VM enables it. */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_7 55
/* The hypercall page: 128 slots of 32 bytes. */
#define XEN_HYPERCALL_PAGE_SLOTS 128

/* Linux x86 errno values, returned negated in rax. */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOSPC 28
#define XEN_ENOSYS 38
#define XEN_ETIME 62
#define XEN_EOPNOTSUPP 95

#define DOMID_SELF 0x7ff0

/* xen_version (version.h); this VMM claims Xen 4.17. */
#define XENVER_version 0
#define XENVER_extraversion 1
#define XENVER_get_features 6
#define XENVER_pagesize 7
#define XENVMM_XEN_MAJOR 4
#define XENVMM_XEN_MINOR 17
#define XENVMM_XEN_EXTRAVERSION "-xenvmm"

/* XENFEAT bits (features.h). */
#define XENFEAT_writable_page_tables 0
#define XENFEAT_writable_descriptor_tables 1
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_supervisor_mode_kernel 3
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_hvm_safe_pvclock 9

/* console_io. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* memory_op (memory.h). */
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5

/* event_channel_op (event_channel.h). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5
/* EVTCHN_2L_NR_CHANNELS of a 64-bit guest: sizeof(xen_ulong_t)^2 * 64. */
#define NR_EVTCHN_2L 4096

/* VIRQs (xen.h). Per-vCPU: TIMER, DEBUG, XENOPROF, XENPMU; the rest global. */
#define VIRQ_TIMER 0
#define VIRQ_DEBUG 1
#define VIRQ_CONSOLE 2
#define VIRQ_XENOPROF 7
#define VIRQ_XENPMU 13
#define NR_VIRQS 24

/* hvm_op (hvm/hvm_op.h, hvm/params.h). */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVMOP_set_evtchn_upcall_vector 23
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2
#define HVM_CALLBACK_VECTOR(v) (((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | (v))
#define HVM_NR_PARAMS 40

/* vm_assist. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_runstate_update_flag 5

/* vcpu_op (vcpu.h). */
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
#define VCPUOP_register_vcpu_time_memory_area 13
#define VCPU_SSHOTTMR_future 1

/* sched_op (sched.h). */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5
/* Xen's limit on the ports one SCHEDOP_poll may name. */
#define XEN_SCHED_POLL_MAX_PORTS 128

/* Runstates (vcpu.h). */
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3
#define XEN_RUNSTATE_UPDATE (1ull << 63)

/* CPUID leaves (arch-x86/cpuid.h) and the hypercall-page MSR. The
 * signature reads "XenVMMXenVMM". */
#define XEN_CPUID_BASE 0x40000000u
#define XENVMM_CPUID_SIG_EBX 0x566e6558u /* "XenV" */
#define XENVMM_CPUID_SIG_ECX 0x65584d4du /* "MMXe" */
#define XENVMM_CPUID_SIG_EDX 0x4d4d566eu /* "nVMM" */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)
#define XEN_HYPERCALL_MSR 0x40000000u

#define XEN_PAGE_SIZE 4096
#define XEN_LEGACY_MAX_VCPUS 32

/* Structure layouts (64-bit guests). */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
XENVMM_ABI_ASSERT(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;
    uint64_t cr2;
    uint64_t arch_pad;
    struct vcpu_time_info time;
};
XENVMM_ABI_ASSERT(sizeof(struct vcpu_info) == 64, "vcpu_info");
XENVMM_ABI_ASSERT(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    uint64_t max_pfn;
    uint64_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};
XENVMM_ABI_ASSERT(offsetof(struct shared_info, evtchn_pending) == 0x800, "shared_info.evtchn_pending");
XENVMM_ABI_ASSERT(offsetof(struct shared_info, evtchn_mask) == 0xa00, "shared_info.evtchn_mask");
XENVMM_ABI_ASSERT(offsetof(struct shared_info, wc_version) == 0xc00, "shared_info.wc_version");
XENVMM_ABI_ASSERT(offsetof(struct shared_info, wc_sec_hi) == 0xc0c, "shared_info.wc_sec_hi");
XENVMM_ABI_ASSERT(offsetof(struct shared_info, p2m_generation) == 0xc38, "shared_info.p2m_generation");
XENVMM_ABI_ASSERT(sizeof(struct shared_info) <= XEN_PAGE_SIZE, "shared_info fits a page");

struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;
    uint64_t time[4];
};
XENVMM_ABI_ASSERT(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
XENVMM_ABI_ASSERT(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");

struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
XENVMM_ABI_ASSERT(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info");

struct xen_feature_info {
    uint32_t submap_idx;
    uint32_t submap;
};
XENVMM_ABI_ASSERT(sizeof(struct xen_feature_info) == 8, "xen_feature_info");

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom;
    uint32_t port;
};
XENVMM_ABI_ASSERT(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound");

struct evtchn_bind_interdomain {
    uint16_t remote_dom;
    uint32_t remote_port;
    uint32_t local_port;
};
XENVMM_ABI_ASSERT(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain");
XENVMM_ABI_ASSERT(offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "evtchn_bind_interdomain.remote_port");

struct evtchn_bind_virq {
    uint32_t virq, vcpu, port;
};
XENVMM_ABI_ASSERT(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq");

struct evtchn_bind_ipi {
    uint32_t vcpu, port;
};
XENVMM_ABI_ASSERT(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi");

struct evtchn_status {
    uint16_t dom;
    uint32_t port;
    uint32_t status;
    uint32_t vcpu;
    union {
        struct {
            uint16_t dom;
        } unbound;
        struct {
            uint16_t dom;
            uint32_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
XENVMM_ABI_ASSERT(sizeof(struct evtchn_status) == 24, "evtchn_status");
XENVMM_ABI_ASSERT(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");

struct evtchn_bind_vcpu {
    uint32_t port, vcpu;
};
XENVMM_ABI_ASSERT(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu");

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
XENVMM_ABI_ASSERT(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
XENVMM_ABI_ASSERT(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "xen_hvm_evtchn_upcall_vector");

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
};
XENVMM_ABI_ASSERT(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer");

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
XENVMM_ABI_ASSERT(sizeof(struct vcpu_set_periodic_timer) == 8, "vcpu_set_periodic_timer");

struct sched_poll {
    XENVMM_GUEST_HANDLE(uint32_t) ports;
    uint32_t nr_ports;
    uint64_t timeout;
};
XENVMM_ABI_ASSERT(sizeof(struct sched_poll) == 24, "sched_poll");
XENVMM_ABI_ASSERT(offsetof(struct sched_poll, timeout) == 16, "sched_poll.timeout");

/* ---- Harness ABI (xenvmm only) ---------------------------------------- */

/* Guest physical layout: 16 MiB of RAM, the first GiB identity-mapped with
 * 2 MiB pages (GVAs from 1 GiB up are unmapped, for -EFAULT tests). */
#define XENVMM_RAM_SIZE (16ull << 20)
#define XENVMM_IDENTITY_MAP_SIZE (1ull << 30)
/* Ports: the Xen hypercall stubs, the test port (never part of the ABI
 * under test) and the bare-exit port the benchmark uses as its floor. */
#define XENVMM_HCALL_PORT 0xe5
#define XENVMM_TEST_PORT 0xe6
#define XENVMM_BENCH_PORT 0xe7

#define XENVMM_BOOT_MAGIC 0x31564d4d4e4558ull /* "XENMMV1" */
struct boot_info {
    uint64_t magic;
    uint32_t vcpu_id;
    uint32_t nr_vcpus;
    uint64_t arg;
    uint64_t tss_gva;
    uint64_t ram_size;
    /* Its own address: GS.base of each vCPU points at its boot_info, so a
     * guest finds per-vCPU data with one %gs-relative load. */
    uint64_t self;
    uint32_t irq_mode; /* IRQ_MODE_* */
    uint32_t pad;
};
XENVMM_ABI_ASSERT(sizeof(struct boot_info) == 56, "boot_info");
XENVMM_ABI_ASSERT(offsetof(struct boot_info, self) == 40, "boot_info.self");

/* Interrupt modes (how upcalls reach the guest; vmm/machine.h IrqMode). */
#define IRQ_MODE_CALLBACK 0
#define IRQ_MODE_LAPIC_CALLBACK 1
#define IRQ_MODE_LAPIC_PERCPU 2

/* Test-port commands (OUT of the command to XENVMM_TEST_PORT; arguments in
 * rdi, rsi, rdx, r10, r8; the host's answer in rax). */
#define UCALL_PASS 1
#define UCALL_FAIL 2
#define UCALL_SKIP 3
#define UCALL_SYNC 4
#define UCALL_PRINT 5

#endif /* XENVMM_ABI_GUEST_ABI_H */
