#pragma once
// JSON encoding of the queue's read API (model.h), shared by the CLI's
// --format json and the web view.

#include "libreview/queue/model.h"

#include <nlohmann/json.hpp>

namespace review::queue {

nlohmann::json to_json(TrailerView const&);
nlohmann::json to_json(VersionView const&, bool detail);
nlohmann::json to_json(SeriesView const&, bool detail);
nlohmann::json to_json(std::vector<SeriesView> const&);

// "2024-05-09T04:47:10Z"
std::string iso_date(std::int64_t seconds);

} // namespace review::queue
