#include "apps/kvmx/commands/profile_option.h"

#include <filesystem>

namespace kvmx {

review::Result<review::Engine> load_engine(std::string const& name)
{
    auto const& registry = review::builtin_registry();
    auto opts = registry.load_options();
    std::string chosen = name.empty() ? "kvm-x86" : name;
    review::Profile profile;
    if (review::builtin_profile_text(chosen) && !std::filesystem::exists(chosen))
        profile = TRY(review::load_builtin_profile(chosen, opts));
    else
        profile = TRY(review::load_profile_file(chosen, opts));
    return review::Engine::create(std::move(profile), registry);
}

} // namespace kvmx
