// Guest images embedded at build time (see CMakeLists.txt) and flat images
// loaded from disk.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vmm/errors.h"

namespace xenvmm {

struct GuestImageRange {
    const uint8_t* begin;
    const uint8_t* end;
};

struct GuestImage {
    const char* name;
    GuestImageRange range;
    std::span<const uint8_t> bytes() const { return {range.begin, static_cast<size_t>(range.end - range.begin)}; }
};

const std::vector<GuestImage>& guest_images();
std::optional<std::span<const uint8_t>> find_guest_image(const std::string& name);
Result<std::vector<uint8_t>> load_image_file(const std::string& path);

}  // namespace xenvmm
