#pragma once
// One mail header as the mail layer decodes it and patches carry it: name,
// unfolded and decoded value, and the input line the header starts on.

#include <string>

namespace review::core {

struct MailHeader {
    std::string name;
    std::string value;
    int line = 0;
};

} // namespace review::core

namespace review {
using namespace core; // core names are used by every layer
}
