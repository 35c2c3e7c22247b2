#pragma once
// Checked reads of yaml-cpp nodes, shared by the YAML files kvmx loads (rule
// profiles, gate configurations): every error names the file and the 1-based
// line of the node at fault, so the CLI can print "file:line: message".

#include "libreview/core/result.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace review::core::yaml {

// The node's 1-based line, or 0 when yaml-cpp does not know it.
int line_of(YAML::Node const& node);

// An error at the node's line of `file`.
Error error_at(std::string const& file, YAML::Node const& node, std::string message);

// An error for an exception yaml-cpp threw while reading `file`: its message
// after `prefix`, at the line of its mark.
Error exception_error(std::string const& file, YAML::Exception const& e, std::string const& prefix = {});

// Parse `text`; a syntax error is reported at its line, after `prefix`.
Result<YAML::Node> load(std::string const& text, std::string const& file, std::string const& prefix = {});

// A list of strings. `what` names the key in errors: "<what> must be a list",
// "<what> entries must be strings".
Result<std::vector<std::string>> string_list(std::string const& file, YAML::Node const& node, char const* what);

// A mapping whose keys are all in `keys`: otherwise "<what> must be a
// mapping", or "unknown <what> key '<key>'" with a "did you mean".
Result<void> check_keys(std::string const& file, YAML::Node const& map, std::vector<std::string> const& keys,
                        char const* what);

} // namespace review::core::yaml

namespace review {
using namespace core; // core names are used by every layer
}
