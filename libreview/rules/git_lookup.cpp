#include "libreview/rules/git_lookup.h"

namespace review {

Result<std::optional<CommitRef>> RepositoryLookup::lookup(std::string const& id) const
{
    auto found = TRY(m_repo.lookup(id));
    if (!found)
        return std::optional<CommitRef>{};
    return std::optional<CommitRef>(CommitRef{found->id, found->title});
}

} // namespace review
