#include "libreview/core/file.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace review::core {

Result<std::string> read_file_bounded(std::string const& path, std::size_t limit)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return make_error(std::string("cannot read: ") + std::strerror(errno), path);
    if (S_ISDIR(st.st_mode))
        return make_error("is a directory, expected a file", path);
    if (static_cast<std::uint64_t>(st.st_size) > limit)
        return make_error("file is larger than the " + std::to_string(limit >> 20) + " MiB limit", path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(std::string("cannot open: ") + std::strerror(errno), path);
    std::string data;
    data.resize(static_cast<std::size_t>(st.st_size));
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    return data;
}

} // namespace review::core
