// Typed errors without exceptions, shaped like std::expected so a later
// switch to C++23 is a rename.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace xenvmm {

struct Error {
    std::string message;
    int sys_errno = 0;

    static Error from_errno(std::string what)
    {
        int e = errno;
        return Error{what + ": " + std::strerror(e), e};
    }
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    explicit operator bool() const { return m_v.index() == 0; }
    bool has_value() const { return m_v.index() == 0; }
    T& value() & { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    const T& value() const& { return std::get<0>(m_v); }
    T* operator->() { return &std::get<0>(m_v); }
    T& operator*() { return std::get<0>(m_v); }
    const Error& error() const& { return std::get<1>(m_v); }
    Error&& error() && { return std::get<1>(std::move(m_v)); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    explicit operator bool() const { return !m_failed; }
    bool has_value() const { return !m_failed; }
    void value() const {}
    const Error& error() const& { return m_error; }
    Error&& error() && { return std::move(m_error); }

private:
    Error m_error;
    bool m_failed = false;
};

}  // namespace xenvmm

// Propagate an error to the caller; evaluates to the value otherwise.
#define TRY(expr)                                  \
    ({                                             \
        auto _try_result = (expr);                 \
        if (!_try_result)                          \
            return std::move(_try_result).error(); \
        std::move(_try_result).value();            \
    })

#define TRY_VOID(expr)                             \
    do {                                           \
        auto _try_result = (expr);                 \
        if (!_try_result)                          \
            return std::move(_try_result).error(); \
    } while (0)
