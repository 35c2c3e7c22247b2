// Xen public ABI values used by the userspace emulation. Numbers checked
// against xen/include/public/{xen.h,vcpu.h,memory.h,version.h,sched.h,
// arch-x86/cpuid.h}; see docs/xenvmm/README.md for the list of sources.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xenvmm::xen {

// Hypercall numbers (xen.h).
inline constexpr uint32_t kHypercallMemoryOp = 12;
inline constexpr uint32_t kHypercallSetTimerOp = 15;
inline constexpr uint32_t kHypercallXenVersion = 17;
inline constexpr uint32_t kHypercallConsoleIo = 18;
inline constexpr uint32_t kHypercallVmAssist = 21;
inline constexpr uint32_t kHypercallVcpuOp = 24;
inline constexpr uint32_t kHypercallSchedOp = 29;
inline constexpr uint32_t kHypercallEventChannelOp = 32;
inline constexpr uint32_t kHypercallHvmOp = 34;
inline constexpr uint32_t kHypercallArch0 = 48;
// arch_7 carries the harness-only register-ABI probe (test hcall_abi); it is
// answered only when the VM is created with the probe enabled.
inline constexpr uint32_t kHypercallArch7 = 55;
inline constexpr uint32_t kHypercallPageSlots = 128;

// Linux x86 errno values, returned negated in rax.
inline constexpr int64_t kEPERM = 1;
inline constexpr int64_t kENOENT = 2;
inline constexpr int64_t kESRCH = 3;
inline constexpr int64_t kEFAULT = 14;
inline constexpr int64_t kEBUSY = 16;
inline constexpr int64_t kEEXIST = 17;
inline constexpr int64_t kEINVAL = 22;
inline constexpr int64_t kENOSPC = 28;
inline constexpr int64_t kENOSYS = 38;
inline constexpr int64_t kETIME = 62;
inline constexpr int64_t kEOPNOTSUPP = 95;

inline constexpr uint16_t kDomidSelf = 0x7ff0;

// xen_version sub-ops (version.h).
inline constexpr uint64_t kXenverVersion = 0;
inline constexpr uint64_t kXenverExtraversion = 1;
inline constexpr uint64_t kXenverGetFeatures = 6;
inline constexpr uint64_t kXenverPagesize = 7;
inline constexpr uint32_t kXenVersionMajor = 4;
inline constexpr uint32_t kXenVersionMinor = 17;
inline constexpr uint32_t kXenVersion = (kXenVersionMajor << 16) | kXenVersionMinor;
inline constexpr char kXenExtraversion[16] = "-xenvmm";

// XENFEAT bits (features.h).
inline constexpr uint32_t kXenfeatWritablePageTables = 0;
inline constexpr uint32_t kXenfeatWritableDescriptorTables = 1;
inline constexpr uint32_t kXenfeatAutoTranslatedPhysmap = 2;
inline constexpr uint32_t kXenfeatSupervisorModeKernel = 3;
inline constexpr uint32_t kXenfeatHvmCallbackVector = 8;
inline constexpr uint32_t kXenfeatHvmSafePvclock = 9;

// console_io.
inline constexpr uint64_t kConsoleioWrite = 0;
inline constexpr uint64_t kConsoleioRead = 1;

// memory_op.
inline constexpr uint64_t kXenmemAddToPhysmap = 7;
inline constexpr uint32_t kXenmapspaceSharedInfo = 0;
inline constexpr uint32_t kXenmapspaceGrantTable = 1;
inline constexpr uint32_t kXenmapspaceGmfn = 2;
inline constexpr uint32_t kXenmapspaceGmfnRange = 3;
inline constexpr uint32_t kXenmapspaceGmfnForeign = 4;
inline constexpr uint32_t kXenmapspaceDevMmio = 5;

// event_channel_op (event_channel.h).
inline constexpr uint64_t kEvtchnopBindInterdomain = 0;
inline constexpr uint64_t kEvtchnopBindVirq = 1;
inline constexpr uint64_t kEvtchnopBindPirq = 2;
inline constexpr uint64_t kEvtchnopClose = 3;
inline constexpr uint64_t kEvtchnopSend = 4;
inline constexpr uint64_t kEvtchnopStatus = 5;
inline constexpr uint64_t kEvtchnopAllocUnbound = 6;
inline constexpr uint64_t kEvtchnopBindIpi = 7;
inline constexpr uint64_t kEvtchnopBindVcpu = 8;
inline constexpr uint64_t kEvtchnopUnmask = 9;
inline constexpr uint64_t kEvtchnopReset = 10;
inline constexpr uint64_t kEvtchnopInitControl = 11;
inline constexpr uint64_t kEvtchnopExpandArray = 12;
inline constexpr uint64_t kEvtchnopSetPriority = 13;
inline constexpr uint32_t kEvtchnstatClosed = 0;
inline constexpr uint32_t kEvtchnstatUnbound = 1;
inline constexpr uint32_t kEvtchnstatInterdomain = 2;
inline constexpr uint32_t kEvtchnstatPirq = 3;
inline constexpr uint32_t kEvtchnstatVirq = 4;
inline constexpr uint32_t kEvtchnstatIpi = 5;
// EVTCHN_2L_NR_CHANNELS for a 64-bit guest: sizeof(xen_ulong_t)^2 * 64.
inline constexpr uint32_t kEvtchn2lNrChannels = 4096;
// VIRQs (xen.h). Per-vCPU: TIMER, DEBUG, XENOPROF, XENPMU; the rest global.
inline constexpr uint32_t kVirqTimer = 0;
inline constexpr uint32_t kVirqDebug = 1;
inline constexpr uint32_t kVirqXenoprof = 7;
inline constexpr uint32_t kVirqXenpmu = 13;
inline constexpr uint32_t kNrVirqs = 24;
inline constexpr bool virq_is_per_vcpu(uint32_t virq)
{
    return virq == kVirqTimer || virq == kVirqDebug || virq == kVirqXenoprof || virq == kVirqXenpmu;
}

// hvm_op (hvm/hvm_op.h, hvm/params.h).
inline constexpr uint64_t kHvmopSetParam = 0;
inline constexpr uint64_t kHvmopGetParam = 1;
inline constexpr uint64_t kHvmopSetEvtchnUpcallVector = 23;
inline constexpr uint32_t kHvmParamCallbackIrq = 0;
inline constexpr uint64_t kHvmParamCallbackTypeVector = 2;
inline constexpr uint32_t kHvmNrParams = 40;

// vm_assist.
inline constexpr uint64_t kVmasstCmdEnable = 0;
inline constexpr uint64_t kVmasstCmdDisable = 1;
inline constexpr uint64_t kVmasstTypeRunstateUpdateFlag = 5;

// vcpu_op.
inline constexpr uint64_t kVcpuopUp = 1;
inline constexpr uint64_t kVcpuopDown = 2;
inline constexpr uint64_t kVcpuopIsUp = 3;
inline constexpr uint64_t kVcpuopRegisterRunstateMemoryArea = 5;
inline constexpr uint64_t kVcpuopSetPeriodicTimer = 6;
inline constexpr uint64_t kVcpuopStopPeriodicTimer = 7;
inline constexpr uint64_t kVcpuopSetSingleshotTimer = 8;
inline constexpr uint64_t kVcpuopStopSingleshotTimer = 9;
inline constexpr uint32_t kVcpuSsTmrFuture = 1;
inline constexpr uint64_t kVcpuopRegisterVcpuInfo = 10;
inline constexpr uint64_t kVcpuopRegisterVcpuTimeMemoryArea = 13;

// sched_op.
inline constexpr uint64_t kSchedopYield = 0;
inline constexpr uint64_t kSchedopBlock = 1;
inline constexpr uint64_t kSchedopShutdown = 2;
inline constexpr uint64_t kSchedopPoll = 3;
inline constexpr uint32_t kShutdownPoweroff = 0;
inline constexpr uint32_t kShutdownReboot = 1;
inline constexpr uint32_t kShutdownSuspend = 2;
inline constexpr uint32_t kShutdownCrash = 3;
inline constexpr uint32_t kShutdownWatchdog = 4;
inline constexpr uint32_t kShutdownSoftReset = 5;

// Runstates (vcpu.h).
inline constexpr uint32_t kRunstateRunning = 0;
inline constexpr uint32_t kRunstateRunnable = 1;
inline constexpr uint32_t kRunstateBlocked = 2;
inline constexpr uint32_t kRunstateOffline = 3;
inline constexpr uint64_t kRunstateUpdate = 1ull << 63;

// CPUID leaves (arch-x86/cpuid.h) and the hypercall-page MSR.
inline constexpr uint32_t kCpuidBase = 0x40000000;
inline constexpr uint32_t kCpuidSigEbx = 0x566e6558;  // "XenV"
inline constexpr uint32_t kCpuidSigEcx = 0x65584d4d;  // "MMXe"
inline constexpr uint32_t kCpuidSigEdx = 0x4d4d566e;  // "nVMM"
inline constexpr uint32_t kHvmCpuidVcpuIdPresent = 1u << 3;
inline constexpr uint32_t kHvmCpuidUpcallVector = 1u << 6;
inline constexpr uint32_t kHypercallMsr = 0x40000000;

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint32_t kLegacyMaxVcpus = 32;

// Structure layouts (64-bit guests).
struct VcpuTimeInfo {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
static_assert(sizeof(VcpuTimeInfo) == 32);

struct VcpuInfo {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;
    uint64_t cr2;
    uint64_t arch_pad;
    VcpuTimeInfo time;
};
static_assert(sizeof(VcpuInfo) == 64);
static_assert(offsetof(VcpuInfo, time) == 32);

struct SharedInfo {
    VcpuInfo vcpu_info[kLegacyMaxVcpus];
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
static_assert(offsetof(SharedInfo, evtchn_pending) == 0x800);
static_assert(offsetof(SharedInfo, evtchn_mask) == 0xa00);
static_assert(offsetof(SharedInfo, wc_version) == 0xc00);
static_assert(offsetof(SharedInfo, wc_sec_hi) == 0xc0c);
static_assert(offsetof(SharedInfo, p2m_generation) == 0xc38);
static_assert(sizeof(SharedInfo) <= kPageSize);

struct RunstateInfo {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;
    uint64_t time[4];
};
static_assert(sizeof(RunstateInfo) == 48);

struct AddToPhysmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
static_assert(sizeof(AddToPhysmap) == 24);

struct RegisterVcpuInfo {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
static_assert(sizeof(RegisterVcpuInfo) == 16);

struct FeatureInfo {
    uint32_t submap_idx;
    uint32_t submap;
};
static_assert(sizeof(FeatureInfo) == 8);

struct EvtchnAllocUnbound {
    uint16_t dom;
    uint16_t remote_dom;
    uint32_t port;
};
static_assert(sizeof(EvtchnAllocUnbound) == 8);

struct EvtchnBindInterdomain {
    uint16_t remote_dom;
    uint16_t pad;
    uint32_t remote_port;
    uint32_t local_port;
};
static_assert(sizeof(EvtchnBindInterdomain) == 12);

struct EvtchnBindVirq {
    uint32_t virq;
    uint32_t vcpu;
    uint32_t port;
};
static_assert(sizeof(EvtchnBindVirq) == 12);

struct EvtchnBindIpi {
    uint32_t vcpu;
    uint32_t port;
};
static_assert(sizeof(EvtchnBindIpi) == 8);

struct EvtchnStatus {
    uint16_t dom;
    uint16_t pad;
    uint32_t port;
    uint32_t status;
    uint32_t vcpu;
    union {
        struct {
            uint16_t dom;
        } unbound;
        struct {
            uint16_t dom;
            uint16_t pad;
            uint32_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
static_assert(sizeof(EvtchnStatus) == 24);
static_assert(offsetof(EvtchnStatus, u) == 16);

struct EvtchnBindVcpu {
    uint32_t port;
    uint32_t vcpu;
};
static_assert(sizeof(EvtchnBindVcpu) == 8);

struct XenHvmParam {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
static_assert(sizeof(XenHvmParam) == 16);

struct XenHvmEvtchnUpcallVector {
    uint32_t vcpu;
    uint8_t vector;
};
static_assert(sizeof(XenHvmEvtchnUpcallVector) == 8);

struct VcpuSetSingleshotTimer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
    uint32_t pad;
};
static_assert(sizeof(VcpuSetSingleshotTimer) == 16);

}  // namespace xenvmm::xen
