#pragma once
// Compare two versions of a series without a repository, as `git
// range-diff` does: each patch becomes text (its message, then its diff
// with index lines and hunk line numbers dropped), patches are paired by
// the least total cost (the size of the diff between two patches; a patch
// left unpaired costs its size times the creation factor), and the output
// is the diff of each pair plus the patches added, dropped and moved.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace review::queue {

inline constexpr std::size_t max_range_patches = 256;
inline constexpr std::size_t max_range_lines = 4000; // per patch; longer patches compare by equality alone

struct RangePatch {
    int index = 0;
    std::string title;
    std::string patch_id;
    std::vector<std::string> lines;
    std::string raw; // the mail, when kept for rebuilding the version as commits
};

// The comparable text of one mail (raw RFC 822), decoded with GMime.
RangePatch range_patch(std::string_view raw, std::string const& name, int index);

enum class PairKind { Same, Changed, Added, Dropped };

struct RangePair {
    PairKind kind = PairKind::Same;
    int a = -1; // position in the old version (0-based), -1 when added
    int b = -1; // position in the new version, -1 when dropped
    bool moved = false;
    std::vector<std::string> diff; // " line", "-line", "+line" and "@@" separators
};

struct RangeDiff {
    std::vector<RangePair> pairs; // in the new version's order, dropped ones where they stood
};

RangeDiff range_diff(std::vector<RangePatch> const& a, std::vector<RangePatch> const& b, int creation_factor = 60);

// git range-diff's layout: "1:  id = 1:  id title", "!" with the diff, "<" dropped, ">" added.
std::string format_range_diff(RangeDiff const&, std::vector<RangePatch> const& a, std::vector<RangePatch> const& b);

// Line diff with `context` lines around changes; empty when equal.
std::vector<std::string> line_diff(std::vector<std::string> const& a, std::vector<std::string> const& b,
                                   std::size_t context = 3);

} // namespace review::queue
