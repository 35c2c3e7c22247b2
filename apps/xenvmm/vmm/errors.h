// xenvmm reports errors with the project's one Result/TRY
// (libreview/core/result.h): a value or a review::Error whose message is
// one line. System calls and ioctls fail with "what: strerror(errno)".
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "libreview/core/result.h"

namespace xenvmm {

using review::Error;
using review::Result;
using review::make_error;

// For a failed system call or ioctl; reads errno, so call it first.
inline Error errno_error(const std::string& what) { return make_error(what + ": " + std::strerror(errno)); }

}  // namespace xenvmm
