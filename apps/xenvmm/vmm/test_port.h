// The harness test port (x86::kTestPort), never part of the ABI under test:
// a guest reports pass, fail or skip, prints a line, or stops at a sync
// point where the host checks the VMM's state (kvm selftests' ucall).
// Registered on the machine's port table by register_test_port().
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "abi/guest_abi.h"
#include "vmm/ioport.h"

namespace xenvmm {

// Test-port commands (abi/guest_abi.h).
enum class TestCommand : uint32_t {
    pass = UCALL_PASS,
    fail = UCALL_FAIL,
    skip = UCALL_SKIP,
    sync = UCALL_SYNC,
    print = UCALL_PRINT,
};

struct SyncEvent {
    uint32_t vcpu = 0;
    uint64_t stage = 0;
    std::array<uint64_t, 4> args{};
};

class Machine;
// Host-side check at a guest sync point: the value handed back to the
// guest in rax, or an error that fails the run.
using SyncHandler = std::function<Result<uint64_t>(Machine&, const SyncEvent&)>;

Result<void> register_test_port(Machine& machine);

}  // namespace xenvmm
