#pragma once
#include "libreview/rules/registry.h"

namespace review {
void add_tags_fixes_format(RuleRegistry&);
void add_tags_fixes_missing(RuleRegistry&);
void add_tags_fixes_target(RuleRegistry&);
void add_tags_reported_closes(RuleRegistry&);
void add_tags_signoff(RuleRegistry&);
void add_tags_stable(RuleRegistry&);
} // namespace review
