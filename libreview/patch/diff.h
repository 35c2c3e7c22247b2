#pragma once
// The diff model: touched files, hunks, added and removed lines, and the
// function context git prints after "@@ ... @@".

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace review::patch {

struct DiffLine {
    std::string text; // without the leading '+', '-' or ' '
    int new_line = 0; // line in the new file (added and context lines)
    int old_line = 0; // line in the old file (removed and context lines)
    int source_line = 0; // line in the patch file, when parsed from text
};

struct Hunk {
    int old_start = 0, old_count = 0, new_start = 0, new_count = 0;
    std::string function_context;
    std::vector<DiffLine> added;
    std::vector<DiffLine> removed;
    std::vector<DiffLine> context;
    int source_line = 0;
};

struct FileDiff {
    std::string old_path; // empty for a new file
    std::string new_path; // empty for a deleted file
    bool binary = false;
    bool is_new = false;
    bool is_deleted = false;
    bool is_rename = false;
    std::vector<Hunk> hunks;
    int source_line = 0;

    std::string const& path() const { return new_path.empty() ? old_path : new_path; }
};

struct Diff {
    std::vector<FileDiff> files;

    std::vector<std::string> paths() const;
    std::size_t changed_lines() const; // added + removed
    bool empty() const { return files.empty(); }
};

struct DiffLimits {
    std::size_t max_files = 20000;
    std::size_t max_lines = 2000000;
};

// Parse unified diff text ("diff --git" sections). `first_line` is the input
// line number of the first line of `text`. Stops at the mail signature and at
// anything that is not diff. Returns the number of lines consumed through
// `consumed`, so the caller can look for trailing "base-commit:" lines.
Diff parse_diff(std::string_view text, int first_line = 1, std::size_t* consumed = nullptr,
                DiffLimits limits = {});

// C identifiers followed by '(' in added, removed and context lines, and in
// hunk function contexts: the functions a diff defines, calls or changes. The
// name of an object-like macro ("#define NAME (1 << 7)") is not one; that of
// a function-like macro ("#define name(x) ...") is.
std::vector<std::string> functions_in_diff(Diff const&);

} // namespace review::patch

namespace review {
using namespace patch; // the patch model is used by every layer above it
}
