// The conformance list (list.def) as C++ data.
#pragma once

#include <cstdint>

#include "vmm/machine.h"

namespace xenvmm {

struct ConformanceListEntry {
    int number;
    const char* name;
    const char* guest;
    uint32_t vcpus;
    IrqMode ctest_irq;
    const char* summary;
};

inline constexpr ConformanceListEntry kConformanceList[] = {
#define XENVMM_TEST(number, name, guest, vcpus, irq, summary) {number, #name, #guest, vcpus, IrqMode::irq, summary},
#include "conformance/list.def"
#undef XENVMM_TEST
};

}  // namespace xenvmm
