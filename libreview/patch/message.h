#pragma once
// The commit message model: title, body, trailers and the notes below "---",
// in kernel conventions. Line numbers are those of the input the message came
// from (a commit message counts from 1; a patch file from its first line).

#include <string>
#include <string_view>
#include <vector>

namespace review::patch {

struct Line {
    std::string text;
    int number = 0;
};

struct Trailer {
    std::string key;     // as written, e.g. "Signed-off-by"
    std::string value;   // without the "# comment" part, trimmed
    std::string comment; // text after " # ", if any
    std::string raw;     // the whole line(s) as written
    int line = 0;
    bool continued = false; // the value ran over onto following indented lines

    bool is(std::string_view name) const; // case-insensitive key match
};

struct Message {
    std::string title; // the subject, unfolded, without "[PATCH ...]"
    int title_line = 0;
    std::vector<Line> body;     // prose between the title and the trailers
    std::vector<Trailer> trailers;
    std::vector<Line> trailer_notes; // "[ maintainer: ... ]" lines inside the trailer block
    std::vector<Line> notes;    // below the "---" line, up to the diff
    bool has_notes_separator = false;

    std::vector<Trailer const*> trailers_named(std::string_view key) const;
    // Body lines joined with '\n', for rules that match across wrapped lines.
    std::string body_text() const;
    // True when the body holds prose, not only blank lines.
    bool has_body() const;
};

// Parse a commit message (title first). `first_line` is the input line number
// of the title. Text after a line that is exactly "---" becomes notes.
Message parse_message(std::string_view text, int first_line = 1);

// Parse body lines (after the title) into body, trailers and notes.
void parse_body(Message&, std::vector<Line> lines);

// Strip "[PATCH v2 3/7]"-style tags (and "Re:") from a mail subject.
// Returns the bracketed tag text (without brackets) through `tags`.
std::string strip_subject_tags(std::string_view subject, std::string* tags = nullptr);

// A "Key: value" trailer line: key of letters, digits and '-', no spaces.
bool looks_like_trailer(std::string_view line);

} // namespace review::patch

namespace review {
using namespace patch; // the patch model is used by every layer above it
}
