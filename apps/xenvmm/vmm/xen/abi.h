// The Xen public ABI under C++ names for the VMM. Every number and layout
// comes from abi/guest_abi.h, the one C header the guests compile too
// (with the same static_asserts on both sides); this file only names them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/guest_abi.h"

namespace xenvmm::xen {

// Hypercall numbers (xen.h). arch_7 carries the harness-only register-ABI
// probe (test hcall_abi); it is answered only when the VM is created with
// the probe enabled.
inline constexpr uint32_t kHypercallMemoryOp = __HYPERVISOR_memory_op;
inline constexpr uint32_t kHypercallSetTimerOp = __HYPERVISOR_set_timer_op;
inline constexpr uint32_t kHypercallXenVersion = __HYPERVISOR_xen_version;
inline constexpr uint32_t kHypercallConsoleIo = __HYPERVISOR_console_io;
inline constexpr uint32_t kHypercallVmAssist = __HYPERVISOR_vm_assist;
inline constexpr uint32_t kHypercallVcpuOp = __HYPERVISOR_vcpu_op;
inline constexpr uint32_t kHypercallSchedOp = __HYPERVISOR_sched_op;
inline constexpr uint32_t kHypercallEventChannelOp = __HYPERVISOR_event_channel_op;
inline constexpr uint32_t kHypercallHvmOp = __HYPERVISOR_hvm_op;
inline constexpr uint32_t kHypercallArch0 = __HYPERVISOR_arch_0;
inline constexpr uint32_t kHypercallArch7 = __HYPERVISOR_arch_7;
inline constexpr uint32_t kHypercallPageSlots = XEN_HYPERCALL_PAGE_SLOTS;

// Linux x86 errno values, returned negated in rax.
inline constexpr int64_t kEPERM = XEN_EPERM;
inline constexpr int64_t kENOENT = XEN_ENOENT;
inline constexpr int64_t kESRCH = XEN_ESRCH;
inline constexpr int64_t kEFAULT = XEN_EFAULT;
inline constexpr int64_t kEBUSY = XEN_EBUSY;
inline constexpr int64_t kEEXIST = XEN_EEXIST;
inline constexpr int64_t kEINVAL = XEN_EINVAL;
inline constexpr int64_t kENOSPC = XEN_ENOSPC;
inline constexpr int64_t kENOSYS = XEN_ENOSYS;
inline constexpr int64_t kETIME = XEN_ETIME;
inline constexpr int64_t kEOPNOTSUPP = XEN_EOPNOTSUPP;

inline constexpr uint16_t kDomidSelf = DOMID_SELF;

// xen_version sub-ops (version.h).
inline constexpr uint64_t kXenverVersion = XENVER_version;
inline constexpr uint64_t kXenverExtraversion = XENVER_extraversion;
inline constexpr uint64_t kXenverGetFeatures = XENVER_get_features;
inline constexpr uint64_t kXenverPagesize = XENVER_pagesize;
inline constexpr uint32_t kXenVersionMajor = XENVMM_XEN_MAJOR;
inline constexpr uint32_t kXenVersionMinor = XENVMM_XEN_MINOR;
inline constexpr uint32_t kXenVersion = (kXenVersionMajor << 16) | kXenVersionMinor;
inline constexpr char kXenExtraversion[16] = XENVMM_XEN_EXTRAVERSION;

// XENFEAT bits (features.h).
inline constexpr uint32_t kXenfeatWritablePageTables = XENFEAT_writable_page_tables;
inline constexpr uint32_t kXenfeatWritableDescriptorTables = XENFEAT_writable_descriptor_tables;
inline constexpr uint32_t kXenfeatAutoTranslatedPhysmap = XENFEAT_auto_translated_physmap;
inline constexpr uint32_t kXenfeatSupervisorModeKernel = XENFEAT_supervisor_mode_kernel;
inline constexpr uint32_t kXenfeatHvmCallbackVector = XENFEAT_hvm_callback_vector;
inline constexpr uint32_t kXenfeatHvmSafePvclock = XENFEAT_hvm_safe_pvclock;

// console_io.
inline constexpr uint64_t kConsoleioWrite = CONSOLEIO_write;
inline constexpr uint64_t kConsoleioRead = CONSOLEIO_read;

// memory_op.
inline constexpr uint64_t kXenmemAddToPhysmap = XENMEM_add_to_physmap;
inline constexpr uint32_t kXenmapspaceSharedInfo = XENMAPSPACE_shared_info;
inline constexpr uint32_t kXenmapspaceGrantTable = XENMAPSPACE_grant_table;
inline constexpr uint32_t kXenmapspaceGmfn = XENMAPSPACE_gmfn;
inline constexpr uint32_t kXenmapspaceGmfnRange = XENMAPSPACE_gmfn_range;
inline constexpr uint32_t kXenmapspaceGmfnForeign = XENMAPSPACE_gmfn_foreign;
inline constexpr uint32_t kXenmapspaceDevMmio = XENMAPSPACE_dev_mmio;

// event_channel_op (event_channel.h).
inline constexpr uint64_t kEvtchnopBindInterdomain = EVTCHNOP_bind_interdomain;
inline constexpr uint64_t kEvtchnopBindVirq = EVTCHNOP_bind_virq;
inline constexpr uint64_t kEvtchnopBindPirq = EVTCHNOP_bind_pirq;
inline constexpr uint64_t kEvtchnopClose = EVTCHNOP_close;
inline constexpr uint64_t kEvtchnopSend = EVTCHNOP_send;
inline constexpr uint64_t kEvtchnopStatus = EVTCHNOP_status;
inline constexpr uint64_t kEvtchnopAllocUnbound = EVTCHNOP_alloc_unbound;
inline constexpr uint64_t kEvtchnopBindIpi = EVTCHNOP_bind_ipi;
inline constexpr uint64_t kEvtchnopBindVcpu = EVTCHNOP_bind_vcpu;
inline constexpr uint64_t kEvtchnopUnmask = EVTCHNOP_unmask;
inline constexpr uint64_t kEvtchnopReset = EVTCHNOP_reset;
inline constexpr uint64_t kEvtchnopInitControl = EVTCHNOP_init_control;
inline constexpr uint64_t kEvtchnopExpandArray = EVTCHNOP_expand_array;
inline constexpr uint64_t kEvtchnopSetPriority = EVTCHNOP_set_priority;
inline constexpr uint32_t kEvtchnstatClosed = EVTCHNSTAT_closed;
inline constexpr uint32_t kEvtchnstatUnbound = EVTCHNSTAT_unbound;
inline constexpr uint32_t kEvtchnstatInterdomain = EVTCHNSTAT_interdomain;
inline constexpr uint32_t kEvtchnstatPirq = EVTCHNSTAT_pirq;
inline constexpr uint32_t kEvtchnstatVirq = EVTCHNSTAT_virq;
inline constexpr uint32_t kEvtchnstatIpi = EVTCHNSTAT_ipi;
inline constexpr uint32_t kEvtchn2lNrChannels = NR_EVTCHN_2L;
// VIRQs (xen.h). Per-vCPU: TIMER, DEBUG, XENOPROF, XENPMU; the rest global.
inline constexpr uint32_t kVirqTimer = VIRQ_TIMER;
inline constexpr uint32_t kVirqDebug = VIRQ_DEBUG;
inline constexpr uint32_t kVirqXenoprof = VIRQ_XENOPROF;
inline constexpr uint32_t kVirqXenpmu = VIRQ_XENPMU;
inline constexpr uint32_t kNrVirqs = NR_VIRQS;
inline constexpr bool virq_is_per_vcpu(uint32_t virq)
{
    return virq == kVirqTimer || virq == kVirqDebug || virq == kVirqXenoprof || virq == kVirqXenpmu;
}

// hvm_op (hvm/hvm_op.h, hvm/params.h).
inline constexpr uint64_t kHvmopSetParam = HVMOP_set_param;
inline constexpr uint64_t kHvmopGetParam = HVMOP_get_param;
inline constexpr uint64_t kHvmopSetEvtchnUpcallVector = HVMOP_set_evtchn_upcall_vector;
inline constexpr uint32_t kHvmParamCallbackIrq = HVM_PARAM_CALLBACK_IRQ;
inline constexpr uint64_t kHvmParamCallbackTypeVector = HVM_PARAM_CALLBACK_TYPE_VECTOR;
inline constexpr uint32_t kHvmNrParams = HVM_NR_PARAMS;

// vm_assist.
inline constexpr uint64_t kVmasstCmdEnable = VMASST_CMD_enable;
inline constexpr uint64_t kVmasstCmdDisable = VMASST_CMD_disable;
inline constexpr uint64_t kVmasstTypeRunstateUpdateFlag = VMASST_TYPE_runstate_update_flag;

// vcpu_op.
inline constexpr uint64_t kVcpuopUp = VCPUOP_up;
inline constexpr uint64_t kVcpuopDown = VCPUOP_down;
inline constexpr uint64_t kVcpuopIsUp = VCPUOP_is_up;
inline constexpr uint64_t kVcpuopRegisterRunstateMemoryArea = VCPUOP_register_runstate_memory_area;
inline constexpr uint64_t kVcpuopSetPeriodicTimer = VCPUOP_set_periodic_timer;
inline constexpr uint64_t kVcpuopStopPeriodicTimer = VCPUOP_stop_periodic_timer;
inline constexpr uint64_t kVcpuopSetSingleshotTimer = VCPUOP_set_singleshot_timer;
inline constexpr uint64_t kVcpuopStopSingleshotTimer = VCPUOP_stop_singleshot_timer;
inline constexpr uint32_t kVcpuSsTmrFuture = VCPU_SSHOTTMR_future;
inline constexpr uint64_t kVcpuopRegisterVcpuInfo = VCPUOP_register_vcpu_info;
inline constexpr uint64_t kVcpuopRegisterVcpuTimeMemoryArea = VCPUOP_register_vcpu_time_memory_area;

// sched_op.
inline constexpr uint64_t kSchedopYield = SCHEDOP_yield;
inline constexpr uint64_t kSchedopBlock = SCHEDOP_block;
inline constexpr uint64_t kSchedopShutdown = SCHEDOP_shutdown;
inline constexpr uint64_t kSchedopPoll = SCHEDOP_poll;
inline constexpr uint32_t kSchedPollMaxPorts = XEN_SCHED_POLL_MAX_PORTS;
inline constexpr uint32_t kShutdownPoweroff = SHUTDOWN_poweroff;
inline constexpr uint32_t kShutdownReboot = SHUTDOWN_reboot;
inline constexpr uint32_t kShutdownSuspend = SHUTDOWN_suspend;
inline constexpr uint32_t kShutdownCrash = SHUTDOWN_crash;
inline constexpr uint32_t kShutdownWatchdog = SHUTDOWN_watchdog;
inline constexpr uint32_t kShutdownSoftReset = SHUTDOWN_soft_reset;

// Runstates (vcpu.h).
inline constexpr uint32_t kRunstateRunning = RUNSTATE_running;
inline constexpr uint32_t kRunstateRunnable = RUNSTATE_runnable;
inline constexpr uint32_t kRunstateBlocked = RUNSTATE_blocked;
inline constexpr uint32_t kRunstateOffline = RUNSTATE_offline;
inline constexpr uint64_t kRunstateUpdate = XEN_RUNSTATE_UPDATE;

// CPUID leaves (arch-x86/cpuid.h) and the hypercall-page MSR.
inline constexpr uint32_t kCpuidBase = XEN_CPUID_BASE;
inline constexpr uint32_t kCpuidSigEbx = XENVMM_CPUID_SIG_EBX;
inline constexpr uint32_t kCpuidSigEcx = XENVMM_CPUID_SIG_ECX;
inline constexpr uint32_t kCpuidSigEdx = XENVMM_CPUID_SIG_EDX;
inline constexpr uint32_t kHvmCpuidVcpuIdPresent = XEN_HVM_CPUID_VCPU_ID_PRESENT;
inline constexpr uint32_t kHvmCpuidUpcallVector = XEN_HVM_CPUID_UPCALL_VECTOR;
inline constexpr uint32_t kHypercallMsr = XEN_HYPERCALL_MSR;

inline constexpr uint64_t kPageSize = XEN_PAGE_SIZE;
inline constexpr uint32_t kLegacyMaxVcpus = XEN_LEGACY_MAX_VCPUS;

// Structure layouts (64-bit guests), checked in abi/guest_abi.h.
using VcpuTimeInfo = ::vcpu_time_info;
using VcpuInfo = ::vcpu_info;
using SharedInfo = ::shared_info;
using RunstateInfo = ::vcpu_runstate_info;
using AddToPhysmap = ::xen_add_to_physmap;
using RegisterVcpuInfo = ::vcpu_register_vcpu_info;
using FeatureInfo = ::xen_feature_info;
using EvtchnAllocUnbound = ::evtchn_alloc_unbound;
using EvtchnBindInterdomain = ::evtchn_bind_interdomain;
using EvtchnBindVirq = ::evtchn_bind_virq;
using EvtchnBindIpi = ::evtchn_bind_ipi;
using EvtchnStatus = ::evtchn_status;
using EvtchnBindVcpu = ::evtchn_bind_vcpu;
using XenHvmParam = ::xen_hvm_param;
using XenHvmEvtchnUpcallVector = ::xen_hvm_evtchn_upcall_vector;
using VcpuSetSingleshotTimer = ::vcpu_set_singleshot_timer;
using SchedPoll = ::sched_poll;

}  // namespace xenvmm::xen
