#pragma once
// The gate's text output: a header, one line per step of each commit, the
// ccache hit rate, the base commit's re-runs and the first failing commit
// per configuration, then review::write_text() for the notes, the findings
// and the summary, worded as kvmx check words them.

#include "libreview/gate/run.h"

#include <ostream>
#include <string>
#include <vector>

namespace review::gate {

// "m:ss", or "h:mm:ss" from an hour on.
std::string clock_text(double seconds);

void write_text(GateRun const&, std::vector<Finding> const& findings, std::string const& tool_version,
                std::ostream&);

} // namespace review::gate
