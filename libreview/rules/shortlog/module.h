#pragma once
#include "libreview/rules/registry.h"

namespace review {
void add_shortlog_capitalize(RuleRegistry&);
void add_shortlog_case(RuleRegistry&);
void add_shortlog_file_name(RuleRegistry&);
void add_shortlog_function_ref(RuleRegistry&);
void add_shortlog_length(RuleRegistry&);
void add_shortlog_prefix(RuleRegistry&);
void add_shortlog_punctuation(RuleRegistry&);
void add_shortlog_topic(RuleRegistry&);
void add_shortlog_topic_fit(RuleRegistry&);
void add_shortlog_x86_kvm(RuleRegistry&);
} // namespace review
