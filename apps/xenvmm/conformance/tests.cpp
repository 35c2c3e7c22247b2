#include "conformance/suite.h"

namespace xenvmm {

const std::vector<ConformanceTest>& conformance_tests()
{
    static const std::vector<ConformanceTest> tests = {};
    return tests;
}

}  // namespace xenvmm
