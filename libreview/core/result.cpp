#include "libreview/core/result.h"

namespace review::core {

std::string Error::describe() const
{
    std::string out;
    if (!file.empty()) {
        out += file;
        if (line > 0)
            out += ":" + std::to_string(line);
        out += ": ";
    }
    out += message;
    return out;
}

Error make_error(std::string message, std::string file, int line)
{
    return Error{std::move(message), std::move(file), line};
}

} // namespace review::core
