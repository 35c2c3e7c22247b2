// Driver for the dispatcher fuzz harness in builds without libFuzzer: feeds
// deterministic pseudo-random inputs so the harness's invariants run in
// every CI build (normal and ASan+UBSan).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv)
{
    // A path replays one saved input (e.g. a libFuzzer crash file).
    if (argc > 1 && std::string(argv[1]).find_first_not_of("0123456789") != std::string::npos) {
        std::ifstream in(argv[1], std::ios::binary);
        std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(data.data(), data.size());
        std::printf("replayed %s\n", argv[1]);
        return 0;
    }
    unsigned long iterations = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
    uint64_t s = 0x243f6a8885a308d3ull;
    std::vector<uint8_t> buf;
    for (unsigned long i = 0; i < iterations; ++i) {
        size_t len = 16 + (s % 1024);
        buf.resize(len);
        for (auto& b : buf) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            b = static_cast<uint8_t>(s >> 24);
        }
        LLVMFuzzerTestOneInput(buf.data(), buf.size());
    }
    std::printf("replayed %lu inputs\n", iterations);
    return 0;
}
