#pragma once
// XML text for the JUnit writers.

#include <string>
#include <string_view>

namespace review {

// Escape text for XML attributes and character data: markup characters as
// entities, invalid UTF-8 replaced, control characters XML 1.0 forbids as '?'.
std::string xml_escape(std::string_view);

} // namespace review
