#include "libreview/rules/changelog/module.h"

namespace review {

void register_changelog_rules(RuleRegistry& r)
{
    add_changelog_commit_ref(r);
    add_changelog_footnotes(r);
    add_changelog_function_ref(r);
    add_changelog_imperative(r);
    add_changelog_line_length(r);
    add_changelog_lore_link(r);
    add_changelog_missing(r);
    add_changelog_pronouns(r);
    add_changelog_sdm_numbers(r);
    add_changelog_version_link(r);
    add_changelog_what_first(r);
}

} // namespace review
