#pragma once
// Helpers the code.* rules share: which files are C, and the comment text of
// added lines.
#include "libreview/patch/diff.h"

#include <functional>
#include <string_view>

namespace review {

// C, header and assembly files.
bool is_c_source(std::string_view path);
// Call `visit` with the comment text of every added line that is, or ends
// in, a comment. Stops when `visit` returns false.
void for_each_added_comment(Diff const&, std::function<bool(FileDiff const&, DiffLine const&, std::string_view)> const& visit);
} // namespace review
