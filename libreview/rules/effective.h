#pragma once
// The effective profile: a profile as the engine runs it, written back as a
// self-contained YAML profile (no `extends:`). Every rule appears: disabled
// ones as `off`, enabled ones with their severity, path scope and every
// option's effective value, defaults included. `kvmx check --profile` reads
// it back and runs exactly the same checks (clang-tidy's --dump-config).

#include "libreview/rules/engine.h"

#include <string>

namespace review {

std::string effective_profile_yaml(Engine const&, RuleRegistry const& = builtin_registry());

} // namespace review
