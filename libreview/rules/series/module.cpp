#include "libreview/rules/series/module.h"

namespace review {

// Series rules (cover letter, versions, posting) register here.
void register_series_rules(RuleRegistry& r)
{
    add_series_base_branch(r);
    add_series_base_commit(r);
    add_series_cadence(r);
    add_series_cc_all(r);
    add_series_feature_tests(r);
    add_series_fix_reproducer(r);
    add_series_in_reply_to(r);
    add_series_kut_separate(r);
    add_series_numbering(r);
    add_series_placeholders(r);
    add_series_rfc(r);
    add_series_rst_docs(r);
    add_series_selftest_order(r);
    add_series_stable_recipient(r);
    add_series_testing_statement(r);
    add_series_version_copy(r);
    add_series_version_links(r);
    add_series_version_log(r);
}

} // namespace review
