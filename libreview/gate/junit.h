#pragma once
// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one
// <testsuite> per gated commit, one <testcase> per step plus the message
// checks. Failures that also occur on the base commit are <skipped>, so a
// pre-existing failure never turns a CI run red.

#include "libreview/gate/run.h"

#include <ostream>

namespace review {

void write_junit(gate::GateRun const&, std::ostream&);

// Escape text for XML attributes and character data.
std::string xml_escape(std::string_view);

} // namespace review
