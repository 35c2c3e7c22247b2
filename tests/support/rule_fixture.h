#pragma once
// Per-rule fixtures: tests/fixtures/rules/<rule-id>/<case>.patch with the
// expected findings of that rule in <case>.expected. A <case>.profile file
// names another profile (builtin name or path relative to the fixture). A
// <case>.repo file builds a repository first: "commit <title>" lines make
// commits, "tag <name>" tags the last one; "{{commit:N}}" in the patch is
// replaced by the 12-character id of the Nth commit.
//
// <case>.expected holds one entry per finding of the rule, in any order:
//   <line>: <severity>: <message>
//       fix: <suggested text>          (only when the finding has one)
// Lines starting with '#' are comments; an empty file means the rule must
// stay silent. Commit ids of the .repo history read "{{commit:N}}".

#include "libreview/core/diagnostic.h"
#include "libreview/rules/git_lookup.h"
#include "tests/support/git_repo.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace testsupport {

struct RuleFixture {
    std::filesystem::path patch_file;
    std::string rule;    // the directory name: the rule the case is about
    std::string profile; // builtin name, or a path
    std::string text;    // the patch, commit placeholders replaced
    std::vector<std::string> commits; // full ids of the .repo history
    std::optional<GitRepo> repo;
    std::optional<review::RepositoryLookup> lookup;

    std::filesystem::path expected_file() const;
    // `finding` as an .expected entry: "<line>: <severity>: <message>" and
    // an indented "fix:" line; commit ids become "{{commit:N}}".
    std::string entry(review::Finding const&) const;
};

// Every <case>.patch under tests/fixtures/rules, sorted.
std::vector<std::filesystem::path> rule_fixture_patches();
std::unique_ptr<RuleFixture> load_rule_fixture(std::filesystem::path const& patch_file);

// The entries of an .expected file, sorted; comments and blank lines dropped.
std::vector<std::string> expected_entries(std::filesystem::path const& file);
// "<line>: <severity>" of an entry.
std::string entry_position(std::string const& entry);

} // namespace testsupport
