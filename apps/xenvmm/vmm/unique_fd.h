// Owning file descriptor and mapping handles: every fd and mmap in the VMM
// lives in one of these so no error path can leak it.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <utility>

namespace xenvmm {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

class UniqueMapping {
public:
    UniqueMapping() = default;
    UniqueMapping(void* addr, size_t size) : m_addr(addr), m_size(size) {}
    UniqueMapping(UniqueMapping&& other) noexcept
        : m_addr(std::exchange(other.m_addr, nullptr)), m_size(std::exchange(other.m_size, 0))
    {
    }
    UniqueMapping& operator=(UniqueMapping&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_addr = std::exchange(other.m_addr, nullptr);
            m_size = std::exchange(other.m_size, 0);
        }
        return *this;
    }
    UniqueMapping(const UniqueMapping&) = delete;
    UniqueMapping& operator=(const UniqueMapping&) = delete;
    ~UniqueMapping() { reset(); }

    void* get() const { return m_addr; }
    size_t size() const { return m_size; }
    void reset()
    {
        if (m_addr)
            ::munmap(m_addr, m_size);
        m_addr = nullptr;
        m_size = 0;
    }

private:
    void* m_addr = nullptr;
    size_t m_size = 0;
};

}  // namespace xenvmm
