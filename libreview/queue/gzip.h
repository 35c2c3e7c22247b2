#pragma once
// Strict gzip decoding for data from the network: truncated streams and
// non-gzip data are errors (GMime's filter, used for local mbox.gz files,
// returns what it could inflate). Concatenated members are read in turn.

#include "libreview/core/result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace review::queue {

Result<std::string> gunzip_strict(std::string_view data, std::string const& name, std::size_t limit);

} // namespace review::queue
