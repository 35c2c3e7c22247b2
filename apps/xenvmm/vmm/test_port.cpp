#include "vmm/test_port.h"

#include <cstdio>

#include "vmm/machine.h"
#include "vmm/x86/layout.h"

namespace xenvmm {

namespace {

std::string hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// VMM invariants at every sync point, then the test's own check; the
// check's answer goes back to the guest in rax.
void sync_point(Machine& m, const PortIo& io)
{
    auto& regs = io.run->s.regs.regs;
    for (uint32_t v = 0; v < m.xen().nr_vcpus(); ++v) {
        if (auto ok = m.xen().check_runstate(v); !ok) {
            m.stop(StopKind::test_fail, "vCPU " + std::to_string(v) + ": " + ok.error().message);
            return;
        }
    }
    SyncEvent ev{io.vcpu, regs.rdi, {regs.rsi, regs.rdx, regs.r10, regs.r8}};
    uint64_t ret = 0;
    if (m.config().on_sync) {
        auto answer = m.config().on_sync(m, ev);
        if (!answer) {
            m.stop(StopKind::test_fail,
                   "host check at stage " + std::to_string(ev.stage) + ": " + answer.error().message);
            return;
        }
        ret = *answer;
    }
    regs.rax = ret;
    io.run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

Result<void> test_port_out(Machine& m, const PortIo& io)
{
    auto& regs = io.run->s.regs.regs;
    switch (static_cast<TestCommand>(io.data)) {
    case TestCommand::pass:
        m.stop(StopKind::test_pass, "");
        return {};
    case TestCommand::fail: {
        auto file = m.read_guest_string(io.vcpu, regs.rdi, 128).value_or("?");
        auto msg = m.read_guest_string(io.vcpu, regs.rdx, 256).value_or("?");
        m.stop(StopKind::test_fail, "guest assert " + file + ":" + std::to_string(regs.rsi) + ": " + msg +
                                        " (values " + hex(regs.r10) + ", " + hex(regs.r8) + ")");
        return {};
    }
    case TestCommand::skip:
        m.stop(StopKind::test_skip, m.read_guest_string(io.vcpu, regs.rdi, 256).value_or("guest skipped"));
        return {};
    case TestCommand::print:
        m.append_log(m.read_guest_string(io.vcpu, regs.rdi, 256).value_or("?"));
        return {};
    case TestCommand::sync:
        sync_point(m, io);
        return {};
    }
    m.stop(StopKind::guest_error, "unknown test-port command " + std::to_string(io.data));
    return {};
}

}  // namespace

Result<void> register_test_port(Machine& machine)
{
    return machine.ports().add(x86::kTestPort, "test port",
                               [&machine](const PortIo& io) { return test_port_out(machine, io); });
}

}  // namespace xenvmm
