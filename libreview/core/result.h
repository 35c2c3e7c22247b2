#pragma once
// Result<T>: a value or an Error, shaped like std::expected so a later switch
// is a rename. Errors carry a one-line message and, where known, the file and
// line the problem sits at.

#include <string>
#include <utility>
#include <variant>

namespace review::core {

struct Error {
    std::string message;
    std::string file;
    int line = 0;

    // "file:line: message", or the parts that are known.
    std::string describe() const;
};

Error make_error(std::string message, std::string file = {}, int line = 0);

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_value(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const { return m_value.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(m_value); }
    T const& value() const& { return std::get<0>(m_value); }
    T&& value() && { return std::get<0>(std::move(m_value)); }
    T& operator*() & { return value(); }
    T const& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    T const* operator->() const { return &value(); }

    Error const& error() const& { return std::get<1>(m_value); }
    Error&& error() && { return std::get<1>(std::move(m_value)); }

private:
    std::variant<T, Error> m_value;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return has_value(); }
    Error const& error() const& { return m_error; }
    Error&& error() && { return std::move(m_error); }

private:
    Error m_error;
    bool m_failed = false;
};

} // namespace review::core

// Propagate an error out of the enclosing function returning a Result.
#define TRY(expr)                                        \
    ({                                                   \
        auto _try_result = (expr);                       \
        if (!_try_result.has_value())                    \
            return std::move(_try_result).error();       \
        std::move(_try_result).value();                  \
    })

#define TRY_VOID(expr)                                   \
    do {                                                 \
        auto _try_result = (expr);                       \
        if (!_try_result.has_value())                    \
            return std::move(_try_result).error();       \
    } while (0)

namespace review {
using namespace core; // core names are used by every layer
}
