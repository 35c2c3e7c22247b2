#include "libreview/core/file_descriptor.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace review::core {

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_name(std::move(other.m_name))
{
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept
{
    if (this != &other) {
        (void)close(); // an error here has no one to go to; close() explicitly to see it
        m_fd = std::exchange(other.m_fd, -1);
        m_name = std::move(other.m_name);
    }
    return *this;
}

FileDescriptor::~FileDescriptor() { (void)close(); }

Result<FileDescriptor> FileDescriptor::open(std::string const& path, int flags, unsigned mode)
{
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0)
        return make_error(path + ": " + std::strerror(errno));
    return FileDescriptor(fd, path);
}

Result<void> FileDescriptor::write_all(std::string_view data) const
{
    while (!data.empty()) {
        ssize_t n = ::write(m_fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return make_error(m_name + ": " + std::strerror(errno));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Result<void> FileDescriptor::close()
{
    if (m_fd < 0)
        return {};
    // Linux releases the descriptor even when close() fails (EINTR included),
    // so it is never retried.
    int rc = ::close(std::exchange(m_fd, -1));
    if (rc != 0)
        return make_error(m_name + ": close: " + std::strerror(errno));
    return {};
}

} // namespace review::core
