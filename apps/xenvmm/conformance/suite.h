// Conformance suite: each test is a guest image plus host-side checks at
// the guest's sync points and on the final outcome.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vmm/machine.h"

namespace xenvmm {

// Returns a failure description, or "" when the run is as expected.
using OutcomeCheck = std::function<std::string(Machine&, const RunOutcome&, uint64_t arg)>;

struct ConformanceTest {
    int number = 0;
    std::string name;
    std::string guest;
    std::string summary;
    // One VM run per entry, with boot_info.arg set to it.
    std::vector<uint64_t> run_args{0};
    bool abi_probe = false;
    SyncHandler on_sync;
    OutcomeCheck check;  // Default: the guest must report PASS.
    uint32_t vcpus = 1;
};

enum class Verdict { pass, fail, skip };
const char* to_string(Verdict v);

struct TestResult {
    int number = 0;
    std::string name;
    IrqMode irq_mode = IrqMode::callback;
    Verdict verdict = Verdict::fail;
    std::string message;
    double seconds = 0;
    std::string console;
    std::string log;  // Lines the guest sent with guest_print().
};

const std::vector<ConformanceTest>& conformance_tests();
TestResult run_conformance_test(const ConformanceTest& test, IrqMode irq_mode = IrqMode::callback,
                                XenKernel xen_kernel = XenKernel::none);

}  // namespace xenvmm
