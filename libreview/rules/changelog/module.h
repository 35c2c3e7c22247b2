#pragma once
#include "libreview/rules/registry.h"

namespace review {
void add_changelog_commit_ref(RuleRegistry&);
void add_changelog_footnotes(RuleRegistry&);
void add_changelog_function_ref(RuleRegistry&);
void add_changelog_imperative(RuleRegistry&);
void add_changelog_line_length(RuleRegistry&);
void add_changelog_lore_link(RuleRegistry&);
void add_changelog_missing(RuleRegistry&);
void add_changelog_pronouns(RuleRegistry&);
void add_changelog_sdm_numbers(RuleRegistry&);
void add_changelog_version_link(RuleRegistry&);
void add_changelog_what_first(RuleRegistry&);
} // namespace review
