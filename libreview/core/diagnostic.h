#pragma once
// Findings are data: rule id, severity, location, message and an optional
// corrected text. Rules produce them; reports print them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace review::core {

enum class Severity { Info = 0, Warning = 1, Error = 2 };

std::string_view severity_name(Severity);
std::optional<Severity> parse_severity(std::string_view);

struct Location {
    std::string commit;  // full commit id, when the patch came from git
    std::string file;    // patch or mail file, when it came from a file
    int line = 0;        // 1-based line in the file, or in the commit message
    std::string subject; // the patch's title, for humans

    // "file:line" or "commit:line" (abbreviated commit), as editors expect.
    std::string describe() const;
};

struct Finding {
    std::string rule;
    Severity severity = Severity::Warning;
    std::string message;
    Location location;
    std::optional<std::string> fix; // the corrected text, where one exists
    std::string series;             // series key, when produced in series context
};

// A rule that could not run on some input, and why.
struct Skipped {
    std::string rule;
    std::string reason;
};

} // namespace review::core

namespace review {
using namespace core; // core names are used by every layer
}
