#pragma once
// An owned file descriptor for the library (the gate's logs, lock file and
// private tree). close() reports its error, as a write to a full disk can
// surface only there; the destructor closes what close() was not called on.

#include "libreview/core/result.h"

#include <string>
#include <string_view>

namespace review::core {

class FileDescriptor {
public:
    FileDescriptor() = default;
    // `name` (the path) names the file in errors.
    FileDescriptor(int fd, std::string name) : m_fd(fd), m_name(std::move(name)) {}
    FileDescriptor(FileDescriptor&& other) noexcept;
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(FileDescriptor const&) = delete;
    FileDescriptor& operator=(FileDescriptor const&) = delete;
    ~FileDescriptor();

    // open(2) with O_CLOEXEC added; an error names the path and errno.
    static Result<FileDescriptor> open(std::string const& path, int flags, unsigned mode = 0644);

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    std::string const& name() const { return m_name; }

    // Write all of `data`, retrying on EINTR and short writes.
    Result<void> write_all(std::string_view data) const;
    // Close now and report a failed close(2).
    Result<void> close();

private:
    int m_fd = -1;
    std::string m_name;
};

} // namespace review::core

namespace review {
using namespace core; // core names are used by every layer
}
