#include "vmm/kvm.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace xenvmm {

namespace {
// The distribution's uapi headers declare the flexible arrays of kvm_msrs
// and kvm_cpuid2 with __DECLARE_FLEX_ARRAY, which in C++ adds an empty
// struct member: sizeof() and the entries offset differ from the kernel's C
// layout, and so do the ioctl numbers derived from them. Use the C layout:
// an 8-byte header followed by the entries.
constexpr size_t kFlexHeader = 8;
constexpr unsigned long kGetSupportedCpuid = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, kFlexHeader);
constexpr unsigned long kSetCpuid2 = _IOC(_IOC_WRITE, KVMIO, 0x90, kFlexHeader);
constexpr unsigned long kGetMsrs = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x88, kFlexHeader);
}  // namespace

std::string kvm_device_path()
{
    if (const char* env = std::getenv("XENVMM_KVM_DEVICE"); env && *env)
        return env;
    return "/dev/kvm";
}

Result<Kvm> Kvm::open(const std::string& path)
{
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno_error("open " + path);
    Kvm kvm;
    kvm.m_fd = UniqueFd(fd);
    int version = ::ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION)
        return make_error(path + ": unexpected KVM API version " + std::to_string(version));
    kvm.m_vcpu_mmap_size = ::ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (kvm.m_vcpu_mmap_size < static_cast<int>(sizeof(kvm_run)))
        return errno_error("KVM_GET_VCPU_MMAP_SIZE");
    return kvm;
}

int Kvm::check_extension(long cap) const
{
    int r = ::ioctl(m_fd.get(), KVM_CHECK_EXTENSION, cap);
    return r < 0 ? 0 : r;
}

Result<std::vector<kvm_cpuid_entry2>> Kvm::supported_cpuid() const
{
    for (uint32_t n = 64; n <= 4096; n *= 2) {
        std::vector<uint8_t> buf(kFlexHeader + n * sizeof(kvm_cpuid_entry2));
        std::memcpy(buf.data(), &n, 4);
        if (::ioctl(m_fd.get(), kGetSupportedCpuid, buf.data()) == 0) {
            uint32_t got;
            std::memcpy(&got, buf.data(), 4);
            std::vector<kvm_cpuid_entry2> out(std::min(got, n));
            std::memcpy(out.data(), buf.data() + kFlexHeader, out.size() * sizeof(kvm_cpuid_entry2));
            return out;
        }
        if (errno != E2BIG)
            return errno_error("KVM_GET_SUPPORTED_CPUID");
    }
    return make_error("KVM_GET_SUPPORTED_CPUID: too many entries");
}

Result<std::unique_ptr<Vm>> Vm::create(const Kvm& kvm)
{
    int fd;
    do {
        fd = ::ioctl(kvm.fd(), KVM_CREATE_VM, 0);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno_error("KVM_CREATE_VM");
    auto vm = std::unique_ptr<Vm>(new Vm());
    vm->m_fd = UniqueFd(fd);
    return vm;
}

int Vm::check_extension(long cap) const
{
    int r = ::ioctl(m_fd.get(), KVM_CHECK_EXTENSION, cap);
    return r < 0 ? 0 : r;
}

Result<void> Vm::enable_cap(uint32_t cap, uint64_t arg0)
{
    kvm_enable_cap ec{};
    ec.cap = cap;
    ec.args[0] = arg0;
    if (::ioctl(m_fd.get(), KVM_ENABLE_CAP, &ec) < 0)
        return errno_error("KVM_ENABLE_CAP " + std::to_string(cap));
    return {};
}

Result<void> Vm::set_memory_region(uint32_t slot, uint64_t gpa, uint64_t size, void* hva)
{
    kvm_userspace_memory_region r{};
    r.slot = slot;
    r.guest_phys_addr = gpa;
    r.memory_size = size;
    r.userspace_addr = reinterpret_cast<uint64_t>(hva);
    if (::ioctl(m_fd.get(), KVM_SET_USER_MEMORY_REGION, &r) < 0)
        return errno_error("KVM_SET_USER_MEMORY_REGION slot " + std::to_string(slot));
    return {};
}

Result<void> Vm::set_msr_filter_deny(uint32_t msr)
{
    // A zero bit denies the access, which turns it into a userspace exit.
    // The bitmap only has to live for the duration of the ioctl.
    uint8_t deny = 0;
    kvm_msr_filter f{};
    f.flags = KVM_MSR_FILTER_DEFAULT_ALLOW;
    f.ranges[0].flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE;
    f.ranges[0].nmsrs = 1;
    f.ranges[0].base = msr;
    f.ranges[0].bitmap = &deny;
    if (::ioctl(m_fd.get(), KVM_X86_SET_MSR_FILTER, &f) < 0)
        return errno_error("KVM_X86_SET_MSR_FILTER");
    return {};
}

Result<kvm_clock_data> Vm::get_clock() const
{
    kvm_clock_data c{};
    if (::ioctl(m_fd.get(), KVM_GET_CLOCK, &c) < 0)
        return errno_error("KVM_GET_CLOCK");
    return c;
}

Result<void> Vm::signal_msi(uint32_t apic_id, uint8_t vector)
{
    // xAPIC MSI format: destination id in address bits 19:12 (physical
    // mode), fixed delivery, edge trigger; level bit 14 set as QEMU does.
    kvm_msi msi{};
    msi.address_lo = 0xfee00000u | (apic_id << 12);
    msi.data = vector | (1u << 14);
    int r = ::ioctl(m_fd.get(), KVM_SIGNAL_MSI, &msi);
    if (r < 0)
        return errno_error("KVM_SIGNAL_MSI");
    if (r == 0)
        return make_error("KVM_SIGNAL_MSI: interrupt to APIC " + std::to_string(apic_id) + " was not delivered");
    return {};
}

Result<std::unique_ptr<Vcpu>> Vcpu::create(const Kvm& kvm, Vm& vm, uint32_t id)
{
    int fd = ::ioctl(vm.fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(id));
    if (fd < 0)
        return errno_error("KVM_CREATE_VCPU " + std::to_string(id));
    auto vcpu = std::unique_ptr<Vcpu>(new Vcpu());
    vcpu->m_fd = UniqueFd(fd);
    vcpu->m_id = id;
    void* run = ::mmap(nullptr, kvm.vcpu_mmap_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (run == MAP_FAILED)
        return errno_error("mmap kvm_run");
    vcpu->m_run = UniqueMapping(run, kvm.vcpu_mmap_size());
    return vcpu;
}

Result<void> Vcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries)
{
    std::vector<uint8_t> buf(kFlexHeader + entries.size() * sizeof(kvm_cpuid_entry2));
    auto nent = static_cast<uint32_t>(entries.size());
    std::memcpy(buf.data(), &nent, 4);
    std::memcpy(buf.data() + kFlexHeader, entries.data(), entries.size() * sizeof(kvm_cpuid_entry2));
    if (::ioctl(m_fd.get(), kSetCpuid2, buf.data()) < 0)
        return errno_error("KVM_SET_CPUID2");
    return {};
}

Result<kvm_sregs> Vcpu::get_sregs() const
{
    kvm_sregs s{};
    if (::ioctl(m_fd.get(), KVM_GET_SREGS, &s) < 0)
        return errno_error("KVM_GET_SREGS");
    return s;
}

Result<void> Vcpu::set_sregs(const kvm_sregs& sregs)
{
    if (::ioctl(m_fd.get(), KVM_SET_SREGS, &sregs) < 0)
        return errno_error("KVM_SET_SREGS");
    return {};
}

Result<void> Vcpu::set_regs(const kvm_regs& regs)
{
    if (::ioctl(m_fd.get(), KVM_SET_REGS, &regs) < 0)
        return errno_error("KVM_SET_REGS");
    return {};
}

Result<uint64_t> Vcpu::get_msr(uint32_t index) const
{
    alignas(8) uint8_t buf[kFlexHeader + sizeof(kvm_msr_entry)] = {};
    uint32_t one = 1;
    std::memcpy(buf, &one, 4);
    kvm_msr_entry entry{};
    entry.index = index;
    std::memcpy(buf + kFlexHeader, &entry, sizeof(entry));
    int r = ::ioctl(m_fd.get(), kGetMsrs, buf);
    if (r < 0)
        return errno_error("KVM_GET_MSRS " + std::to_string(index));
    if (r != 1)
        return make_error("KVM_GET_MSRS: MSR " + std::to_string(index) + " not readable (" + std::to_string(r) + ")");
    std::memcpy(&entry, buf + kFlexHeader, sizeof(entry));
    return entry.data;
}

Result<void> Vcpu::setup_lapic_for_xen()
{
    // Firmware-style LAPIC state (kvmtool does the same): software enabled
    // (SVR bit 8, spurious vector 0xff), LINT0 unmasked ExtINT so
    // KVM_INTERRUPT can still inject the global callback vector as an
    // ExtINT, LINT1 NMI. Offsets are xAPIC register offsets in kvm_lapic_state.
    constexpr size_t kSvr = 0xf0, kLvt0 = 0x350, kLvt1 = 0x360;
    constexpr uint32_t kSvrEnable = 0x100 | 0xff, kModeExtint = 0x700, kModeNmi = 0x400;
    kvm_lapic_state st{};
    if (::ioctl(m_fd.get(), KVM_GET_LAPIC, &st) < 0)
        return errno_error("KVM_GET_LAPIC");
    auto put = [&](size_t off, uint32_t v) { std::memcpy(st.regs + off, &v, sizeof(v)); };
    put(kSvr, kSvrEnable);
    put(kLvt0, kModeExtint);
    put(kLvt1, kModeNmi);
    if (::ioctl(m_fd.get(), KVM_SET_LAPIC, &st) < 0)
        return errno_error("KVM_SET_LAPIC");
    return {};
}

Result<void> Vcpu::set_mp_state(uint32_t state)
{
    kvm_mp_state mp{};
    mp.mp_state = state;
    if (::ioctl(m_fd.get(), KVM_SET_MP_STATE, &mp) < 0)
        return errno_error("KVM_SET_MP_STATE");
    return {};
}

Result<uint64_t> Vcpu::tsc_khz() const
{
    int r = ::ioctl(m_fd.get(), KVM_GET_TSC_KHZ, 0);
    if (r <= 0)
        return errno_error("KVM_GET_TSC_KHZ");
    return static_cast<uint64_t>(r);
}

Result<int64_t> Vcpu::tsc_offset() const
{
    int64_t offset = 0;
    kvm_device_attr attr{};
    attr.group = KVM_VCPU_TSC_CTRL;
    attr.attr = KVM_VCPU_TSC_OFFSET;
    attr.addr = reinterpret_cast<uint64_t>(&offset);
    if (::ioctl(m_fd.get(), KVM_GET_DEVICE_ATTR, &attr) < 0)
        return errno_error("KVM_GET_DEVICE_ATTR(KVM_VCPU_TSC_OFFSET)");
    return offset;
}

}  // namespace xenvmm
