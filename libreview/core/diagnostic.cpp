#include "libreview/core/diagnostic.h"

namespace review::core {

std::string_view severity_name(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return "info";
    case Severity::Warning:
        return "warning";
    case Severity::Error:
        return "error";
    }
    return "error";
}

std::optional<Severity> parse_severity(std::string_view text)
{
    if (text == "info" || text == "note")
        return Severity::Info;
    if (text == "warning" || text == "warn")
        return Severity::Warning;
    if (text == "error")
        return Severity::Error;
    return std::nullopt;
}

std::string Location::describe() const
{
    std::string out;
    if (!file.empty())
        out = file;
    else if (!commit.empty())
        out = commit.substr(0, 12);
    else
        out = "<input>";
    if (line > 0)
        out += ":" + std::to_string(line);
    return out;
}

} // namespace review::core
