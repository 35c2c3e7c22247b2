#pragma once
// Subject tags of a posted patch: "[RFC PATCH v3 02/13]", "[PATCH RESEND]",
// "[PATCH kvm-unit-tests v2 1/4]", "[PATCH 6.1.y 1/2]", and "Re:" replies.

#include <string>
#include <string_view>

namespace review::series {

struct SubjectTags {
    bool is_patch = false;  // a [PATCH ...] tag is present
    bool is_reply = false;  // "Re:", "Aw:", "Fwd:" before the tags
    bool rfc = false;
    bool resend = false;
    int version = 1;
    int index = 0;          // m of m/n; 0 for the cover letter or an unnumbered patch
    int total = 0;          // n of m/n; 0 when unnumbered
    bool numbered = false;
    std::string project;    // other words in the tag: "kvm-unit-tests", "6.1.y", "net-next"
    std::string title;      // the subject without tags

    // Series identity within one posting: project, RFC and version.
    std::string posting_key() const;
};

SubjectTags parse_subject(std::string_view subject);

} // namespace review::series
