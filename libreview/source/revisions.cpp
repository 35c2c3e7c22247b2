#include "libreview/source/revisions.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace review::source {

Result<void> read_commits(std::string const& repo_path, std::vector<std::string> const& ids, git::DiffDepth depth,
                          unsigned jobs, CommitVisitor const& visit)
{
    unsigned threads = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(ids.size())));
    std::size_t const chunk = std::max<std::size_t>(16, ids.size() / (threads * 8) + 1);
    std::atomic<std::size_t> next_chunk{0};
    std::atomic<bool> stop{false};
    // Several workers can fail at once: the first error is kept, under the lock.
    std::mutex error_lock;
    std::optional<Error> first_error;
    auto fail = [&](Error error) {
        std::lock_guard g(error_lock);
        if (!first_error)
            first_error = std::move(error);
        stop = true;
    };
    auto worker = [&] {
        auto repo = git::Repository::open(repo_path);
        if (!repo)
            return fail(repo.error());
        while (!stop) {
            std::size_t begin = next_chunk.fetch_add(1) * chunk;
            if (begin >= ids.size())
                break;
            for (std::size_t i = begin; i < std::min(begin + chunk, ids.size()) && !stop; ++i) {
                auto patch = repo->read_patch(ids[i], depth);
                if (!patch)
                    return fail(patch.error());
                visit(i, *patch, *repo);
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (first_error)
        return *first_error;
    return {};
}

} // namespace review::source
