#pragma once
// The shortlog with every mechanical fix applied at once, so each shortlog
// finding suggests the same, complete title instead of fixing one thing.

#include "libreview/rules/rule.h"

#include <string>

namespace review {

std::string corrected_shortlog(PatchContext const&);

// An identifier, not a word: kvm_foo(), vCPU, x2APIC, eVMCS, cpuid.c.
bool is_identifier_like(std::string_view word);

} // namespace review
