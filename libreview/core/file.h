#pragma once
// Bounded file reading: every input file is read through here, so no source
// can make kvmx allocate more than its limit.

#include "libreview/core/result.h"

#include <cstddef>
#include <string>

namespace review::core {

// Read a whole file, refusing anything above `limit` bytes and directories.
Result<std::string> read_file_bounded(std::string const& path, std::size_t limit);

} // namespace review::core

namespace review {
using namespace core; // core names are used by every layer
}
