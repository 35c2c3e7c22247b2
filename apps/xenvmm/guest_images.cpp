#include "guest_images.h"

#include <fstream>
#include <iterator>

namespace xenvmm {

std::optional<std::span<const uint8_t>> find_guest_image(const std::string& name)
{
    for (const auto& g : guest_images())
        if (name == g.name)
            return g.bytes();
    return std::nullopt;
}

Result<std::vector<uint8_t>> load_image_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error("cannot open guest image " + path);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        return make_error("cannot read guest image " + path);
    return data;
}

}  // namespace xenvmm
