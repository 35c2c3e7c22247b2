#pragma once
// Shared by the queue commands: the --db option, opening the queue, and
// naming a series or one of its versions ("12", "12:v3", a Message-ID).

#include "libreview/core/result.h"
#include "libreview/queue/store.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <utility>

namespace kvmx {

void add_db_option(CLI::App& cmd, std::string& db);
review::Result<review::queue::Queue> open_queue(std::string const& db);

// "ID", "ID:vN" (N as posted: 3, 5.5, "rfc" suffix allowed) or a Message-ID
// (that mail's version). Returns the series id and the version index
// (nullopt: the latest).
review::Result<std::pair<std::int64_t, std::optional<std::size_t>>> resolve_version_ref(review::queue::Queue&,
                                                                                       std::string const& ref);

// The patches of one version, named as resolve_version_ref() reads it, with
// the queue they came from: what kvmx am and kvmx ty start with.
struct ChosenVersion {
    review::queue::Queue queue;
    std::int64_t id = 0;
    std::optional<std::size_t> version; // nullopt: the latest
    review::queue::VersionMails mails;
};
review::Result<ChosenVersion> load_version(std::string const& db, std::string const& ref);

// `kvmx queue gate-result`, registered on the queue command (queue_gate.cpp).
void add_queue_gate_command(CLI::App& queue, int& status);

// "3d", "5h", "2w" since a date.
std::string age(std::int64_t seconds);

} // namespace kvmx
