// Conformance suite: each test of the conformance list (list.def) is a
// guest image plus host-side checks at the guest's sync points and on the
// final outcome (checks_*.cpp).
// conformance/ owns the list (list.def) and the host halves of the tests.
// May use: vmm/ (a Machine and its domain), guest_images.h.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vmm/machine.h"

namespace xenvmm {

// Checks a run's outcome; an error fails the test.
using OutcomeCheck = std::function<Result<void>(Machine&, const RunOutcome&, uint64_t arg)>;

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
// Host halves that name no test of the list, and listed guests that are
// not embedded: each is a build mistake. Empty when the list is sound.
std::vector<std::string> conformance_list_problems();
// The list as the Markdown table of docs/xenvmm/conformance.md.
std::string conformance_list_markdown();
TestResult run_conformance_test(const ConformanceTest& test, IrqMode irq_mode = IrqMode::callback,
                                XenKernel xen_kernel = XenKernel::none);

}  // namespace xenvmm
