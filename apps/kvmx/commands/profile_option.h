#pragma once
// Loading the profile named by --profile: a builtin name or a YAML file.

#include "libreview/rules/engine.h"

#include <string>

namespace kvmx {

review::Result<review::Engine> load_engine(std::string const& profile);

} // namespace kvmx
