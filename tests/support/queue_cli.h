#pragma once
// Helpers for the kvmx queue tests: fixture and corpus paths, and a queue
// listed or synced through the real binary (failing the test on a non-zero
// exit).

#include "tests/support/fixtures.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace testsupport {

// tests/fixtures/queue/<name>.
std::filesystem::path queue_fixture(std::string const& name);
// ../shared/corpora beside the checkout (tests skip when it is absent).
std::filesystem::path corpora();
// `kvmx queue list --all --format json` of `db`.
nlohmann::json list_all(std::filesystem::path const& db);
// Sync queue fixture `fixture` into a new queue in `dir`, then list it.
nlohmann::json sync_one(TempDir const& dir, std::string const& fixture);
// A series' versions as "v1", "rfcv2", ... in the order listed.
std::vector<std::string> versions(nlohmann::json const& series);

} // namespace testsupport
