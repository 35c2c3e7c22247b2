// Port I/O dispatch, as kvmtool's ioport.c: each part of the VMM that owns
// a port registers one handler for it (the Xen part the hypercall port, the
// test port its commands, the benchmark its bare-exit port); the vCPU loop
// looks the port up on every KVM_EXIT_IO and checks what the handler says.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vmm/errors.h"

namespace xenvmm {

// One 4-byte OUT, as the vCPU loop accepts it.
struct PortIo {
    uint32_t vcpu = 0;
    uint16_t port = 0;
    uint32_t data = 0;
    kvm_run* run = nullptr;  // Sync regs valid; set KVM_SYNC_X86_REGS in kvm_dirty_regs after writing them.
};

// Success: the vCPU runs on (unless the handler ended the run with an
// outcome through Machine::stop()). An error: the handler could not do its
// job; the vCPU loop stops the machine with the error as the reason.
using PortHandler = std::function<Result<void>(const PortIo& io)>;

class PortTable {
public:
    // An error when the port already has a handler.
    Result<void> add(uint16_t port, std::string owner, PortHandler handler);
    // nullptr when no part of the VMM owns the port.
    const PortHandler* find(uint16_t port) const;

private:
    struct Entry {
        uint16_t port;
        std::string owner;
        PortHandler handler;
    };
    // A handful of ports: a linear scan beats any map.
    std::vector<Entry> m_entries;
};

}  // namespace xenvmm
