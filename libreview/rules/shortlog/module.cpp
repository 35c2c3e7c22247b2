#include "libreview/rules/shortlog/module.h"

namespace review {

void register_shortlog_rules(RuleRegistry& r)
{
    add_shortlog_capitalize(r);
    add_shortlog_case(r);
    add_shortlog_file_name(r);
    add_shortlog_function_ref(r);
    add_shortlog_length(r);
    add_shortlog_prefix(r);
    add_shortlog_punctuation(r);
    add_shortlog_topic(r);
    add_shortlog_topic_fit(r);
    add_shortlog_x86_kvm(r);
}

} // namespace review
