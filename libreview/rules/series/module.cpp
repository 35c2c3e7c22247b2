#include "libreview/rules/registry.h"

namespace review {

// Series rules (cover letter, versions, posting) register here.
void register_series_rules(RuleRegistry&) {}

} // namespace review
