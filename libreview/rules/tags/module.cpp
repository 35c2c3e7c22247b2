#include "libreview/rules/tags/module.h"

namespace review {

void register_tags_rules(RuleRegistry& r)
{
    add_tags_fixes_format(r);
    add_tags_fixes_missing(r);
    add_tags_fixes_target(r);
    add_tags_reported_closes(r);
    add_tags_signoff(r);
    add_tags_stable(r);
}

} // namespace review
