#pragma once
// The repository service the engine hands to rules that need one
// (tags.fixes-target, changelog.commit-ref, ...). Absent when no repository
// was given; rules are then skipped and the report says so.

#include "libreview/core/result.h"

#include <optional>
#include <string>

namespace review {

struct CommitRef {
    std::string id;
    std::string title;
};

class RepoLookup {
public:
    virtual ~RepoLookup() = default;
    // Possibly abbreviated id to commit; nullopt when absent; error when ambiguous.
    virtual Result<std::optional<CommitRef>> lookup(std::string const& id) const = 0;
    // The commit is contained in a release tag (vX.Y[.Z]).
    virtual bool in_release(std::string const& id) const = 0;
    virtual bool is_ancestor(std::string const& ancestor, std::string const& descendant) const = 0;
    virtual std::optional<std::string> resolve(std::string const& rev) const = 0;
};

} // namespace review
