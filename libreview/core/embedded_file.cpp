#include "libreview/core/embedded_file.h"

namespace review::core {

std::vector<std::string> embedded_file_names(std::span<EmbeddedFile const> files)
{
    std::vector<std::string> names;
    names.reserve(files.size());
    for (auto const& f : files)
        names.emplace_back(f.name);
    return names;
}

char const* embedded_file_text(std::span<EmbeddedFile const> files, std::string const& name)
{
    for (auto const& f : files)
        if (name == f.name)
            return f.text;
    return nullptr;
}

} // namespace review::core
