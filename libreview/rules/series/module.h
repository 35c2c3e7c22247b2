#pragma once
// Series rules: one file per rule, registered in sorted order by module.cpp.

#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
void add_series_base_branch(RuleRegistry&);
void add_series_base_commit(RuleRegistry&);
void add_series_cadence(RuleRegistry&);
void add_series_cc_all(RuleRegistry&);
void add_series_feature_tests(RuleRegistry&);
void add_series_fix_reproducer(RuleRegistry&);
void add_series_in_reply_to(RuleRegistry&);
void add_series_kut_separate(RuleRegistry&);
void add_series_numbering(RuleRegistry&);
void add_series_placeholders(RuleRegistry&);
void add_series_rfc(RuleRegistry&);
void add_series_rst_docs(RuleRegistry&);
void add_series_selftest_order(RuleRegistry&);
void add_series_stable_recipient(RuleRegistry&);
void add_series_testing_statement(RuleRegistry&);
void add_series_version_copy(RuleRegistry&);
void add_series_version_links(RuleRegistry&);
void add_series_version_log(RuleRegistry&);
} // namespace review
