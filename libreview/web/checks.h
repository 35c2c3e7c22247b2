#pragma once
// Per-patch check results in patchwork's checks shape ({state, context,
// target_url, description}): "kvmx-checks" from the queue's findings on
// that patch, then the steps of the gate report imported for that version.

#include "libreview/queue/model.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace review::web {

// "<id@host>:12" -> {"id@host", 12}; {"", 0} when `where` names no mail line.
std::pair<std::string, int> finding_line(std::string_view where);

nlohmann::json patch_checks(queue::SeriesView const&, queue::VersionView const&, queue::PatchView const&);

} // namespace review::web
