// RAII handles over /dev/kvm, a VM and a vCPU (with its kvm_run mapping).
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vmm/errors.h"
#include "vmm/unique_fd.h"

namespace xenvmm {

// Device path: XENVMM_KVM_DEVICE overrides /dev/kvm so the skip path can be
// exercised on machines that have the device.
std::string kvm_device_path();

class Kvm {
public:
    static Result<Kvm> open(const std::string& path);

    int fd() const { return m_fd.get(); }
    int check_extension(long cap) const;
    Result<std::vector<kvm_cpuid_entry2>> supported_cpuid() const;
    int vcpu_mmap_size() const { return m_vcpu_mmap_size; }

private:
    UniqueFd m_fd;
    int m_vcpu_mmap_size = 0;
};

class Vcpu;

class Vm {
public:
    static Result<std::unique_ptr<Vm>> create(const Kvm& kvm);

    int fd() const { return m_fd.get(); }
    int check_extension(long cap) const;
    Result<void> enable_cap(uint32_t cap, uint64_t arg0);
    Result<void> set_memory_region(uint32_t slot, uint64_t gpa, uint64_t size, void* hva);
    Result<void> set_msr_filter_deny(uint32_t msr);
    Result<kvm_clock_data> get_clock() const;
    // KVM_SIGNAL_MSI (VM ioctl, any thread): a fixed, edge interrupt of
    // `vector` to the LAPIC with `apic_id`. Needs an in-kernel LAPIC.
    Result<void> signal_msi(uint32_t apic_id, uint8_t vector);

private:
    UniqueFd m_fd;
};

class Vcpu {
public:
    static Result<std::unique_ptr<Vcpu>> create(const Kvm& kvm, Vm& vm, uint32_t id);

    int fd() const { return m_fd.get(); }
    uint32_t id() const { return m_id; }
    kvm_run* run() const { return static_cast<kvm_run*>(m_run.get()); }

    Result<void> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
    Result<kvm_sregs> get_sregs() const;
    Result<void> set_sregs(const kvm_sregs& sregs);
    Result<void> set_regs(const kvm_regs& regs);
    Result<uint64_t> get_msr(uint32_t index) const;
    Result<uint64_t> tsc_khz() const;
    // KVM's guest TSC offset (guest TSC = host TSC + offset), read exactly
    // through the vCPU's TSC control attribute (Linux 5.16+).
    Result<int64_t> tsc_offset() const;
    // In-kernel LAPIC (split irqchip) only.
    Result<void> setup_lapic_for_xen();
    Result<void> set_mp_state(uint32_t state);

private:
    UniqueFd m_fd;
    UniqueMapping m_run;
    uint32_t m_id = 0;
};

}  // namespace xenvmm
