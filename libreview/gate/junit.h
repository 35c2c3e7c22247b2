#pragma once
// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one
// <testsuite> per gated commit, one <testcase> per step plus the message
// checks. Failures that also occur on the base commit are <skipped>, so a
// pre-existing failure never turns a CI run red.

#include "libreview/gate/run.h"

#include <ostream>

namespace review::gate {

void write_junit(GateRun const&, std::ostream&);

} // namespace review::gate
