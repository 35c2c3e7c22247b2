#pragma once
// `/`: the queue in handbook order as `kvmx queue list` shows it, filtered
// by state, topic, author and text, sorted by any column.

#include "libreview/queue/model.h"
#include "libreview/web/query.h"

#include <cstdint>
#include <string>
#include <vector>

namespace review::web {

struct QueueQuery {
    std::string state;  // "" (open series), "all", or a state name
    std::string topic;  // "KVM: x86/mmu:"
    std::string author; // substring, any case
    std::string text;   // substring of the subject, any case
    std::string sort;   // "" (handbook order) or a column key
    bool descending = false;

    static QueueQuery from(Params const&);
    queue::ListFilter list_filter() const; // what Queue::list() is asked for
};

// "KVM: x86/mmu:" for "KVM: x86/mmu: Fix the frob" (the leading words
// ending in ':' without spaces); "" when there is none.
std::string topic_of(std::string_view subject);

// Filter and sort (stable: the handbook order breaks ties).
std::vector<queue::SeriesView const*> select(std::vector<queue::SeriesView> const&, QueueQuery const&);

std::string queue_page(std::vector<queue::SeriesView> const&, QueueQuery const&, std::int64_t now);

} // namespace review::web
