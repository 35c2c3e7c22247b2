// Fuzz the commit message, diff and format-patch parsers, and run every
// patch rule over what they produce: no input may crash or hang them.

#include "libreview/patch/patch_file.h"
#include "libreview/rules/engine.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static review::Engine engine = [] {
        auto profile = review::load_builtin_profile("kvm-x86", review::builtin_registry().load_options());
        auto engine = review::Engine::create(std::move(*profile));
        return std::move(*engine);
    }();
    std::string text(reinterpret_cast<char const*>(data), size);
    auto message = review::parse_message(text, 1);
    (void)review::parse_diff(text, 1);
    auto patch = review::parse_patch_text(text, "fuzz.patch");
    std::vector<review::Finding> findings;
    review::SkipLog skips;
    if (patch)
        engine.check_patch(*patch, nullptr, findings, skips);
    review::Patch commit;
    commit.message = std::move(message);
    commit.diff = review::parse_diff(text, 1);
    commit.diff_known = true;
    engine.check_patch(commit, nullptr, findings, skips);
    return 0;
}
