#include "apps/kvmx/commands/queue_common.h"

#include "libreview/core/text.h"

#include <algorithm>
#include <ctime>

namespace kvmx {

void add_db_option(CLI::App& cmd, std::string& db)
{
    cmd.add_option("--db", db, "queue database (default: $XDG_DATA_HOME/kvmx/queue.sqlite)");
}

review::Result<review::queue::Queue> open_queue(std::string const& db)
{
    return review::queue::Queue::open(db.empty() ? review::queue::Queue::default_path() : db);
}

review::Result<std::pair<std::int64_t, std::optional<std::size_t>>> resolve_version_ref(review::queue::Queue& q,
                                                                                       std::string const& ref)
{
    std::size_t colon = ref.find(':');
    std::string head = ref.substr(0, colon);
    bool numeric = !head.empty() && std::all_of(head.begin(), head.end(), review::text::is_digit);
    if (numeric && colon != std::string::npos) {
        std::string want = ref.substr(colon + 1);
        if (!want.empty() && (want[0] == 'v' || want[0] == 'V'))
            want.erase(0, 1);
        auto id = TRY(q.resolve(head));
        auto view = TRY(q.show(id));
        for (std::size_t k = view.versions.size(); k-- > 0;) {
            auto const& v = view.versions[k];
            if (v.version == want || v.version + (v.rfc ? "rfc" : "") == want)
                return std::make_pair(id, std::optional<std::size_t>(k));
        }
        return review::make_error("series " + head + " has no version v" + want);
    }
    if (numeric) {
        auto id = TRY(q.resolve(head));
        return std::make_pair(id, std::optional<std::size_t>());
    }
    auto [id, k] = TRY(q.resolve_version(ref));
    return std::make_pair(id, std::optional<std::size_t>(k));
}

std::string age(std::int64_t seconds)
{
    std::int64_t d = static_cast<std::int64_t>(std::time(nullptr)) - seconds;
    if (seconds == 0)
        return "?";
    if (d < 3600)
        return std::to_string(std::max<std::int64_t>(0, d / 60)) + "m";
    if (d < 2 * 86400)
        return std::to_string(d / 3600) + "h";
    if (d < 14 * 86400)
        return std::to_string(d / 86400) + "d";
    if (d < 120 * 86400)
        return std::to_string(d / (7 * 86400)) + "w";
    return std::to_string(d / (365 * 86400 / 12)) + "mo";
}

} // namespace kvmx

namespace kvmx {

review::Result<ChosenVersion> load_version(std::string const& db, std::string const& ref)
{
    auto queue = TRY(open_queue(db));
    auto [id, version] = TRY(resolve_version_ref(queue, ref));
    auto mails = TRY(queue.version_mails(id, version));
    if (mails.patches.empty())
        return review::make_error("series " + std::to_string(id) + " has no patches in the queue");
    return ChosenVersion{std::move(queue), id, version, std::move(mails)};
}

} // namespace kvmx
