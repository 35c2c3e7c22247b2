#pragma once
// Applied patches: commits of a branch matched to posted patches by
// patch-id, then by subject, then by a Link: to the posting; and the
// "Applied to kvm-x86 <branch>, thanks!" reply in the handbook's form. A
// patch that matches no commit is never listed as applied.

#include "libreview/core/result.h"
#include "libreview/git/repository.h"
#include "libreview/queue/store.h"

#include <optional>
#include <string>
#include <vector>

namespace review::queue {

struct BranchCommit {
    std::string id;
    std::string title;
    std::string patch_id;
    std::vector<std::string> links; // Message-IDs named by Link: trailers
};

// The branch's commits (newest first, merges skipped) since `since`.
Result<std::vector<BranchCommit>> read_branch(git::Repository const&, std::string const& branch, std::int64_t since,
                                              std::size_t max = 5000);

struct PatchMatch {
    std::string commit;
    std::string how; // patch-id, subject, link
};

// One entry per patch; each commit matches at most one patch.
std::vector<std::optional<PatchMatch>> match_applied(std::vector<PatchView> const&, std::vector<BranchCommit> const&);

// The Message-ID a Link: URL names ("https://lore.kernel.org/r/<id>", ".../all/<id>/").
std::string link_message_id(std::string_view url);

struct TyOptions {
    std::string branch;
    std::string tree = "kvm-x86";
    std::string url_mask = "https://github.com/kvm-x86/linux/commit/%s"; // %s: 12 hex digits
    std::string tree_url = "https://github.com/kvm-x86/linux/tree/next";
};

// The notification mail (headers and body). Error when no patch is applied.
Result<std::string> thanks_mail(VersionMails const&, std::vector<std::optional<PatchMatch>> const&, TyOptions const&);

} // namespace review::queue
