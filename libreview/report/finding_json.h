#pragma once
// The one JSON encoding of a finding (docs/output-formats.md, "Finding"):
// check's JSON, the gate's report.json and anything else that writes a
// finding use finding_to_json(); the gate reads shard reports back with
// finding_from_json(). SARIF and JUnit map the same fields.

#include "libreview/core/diagnostic.h"
#include "libreview/core/result.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace review {

// {rule, severity, message, commit, file, line, subject, fix[, series]}:
// commit, file and fix are null when absent; series only when set.
nlohmann::json finding_to_json(Finding const&);

// The inverse; also accepts "" for an absent commit or file (gate reports
// written before the encoding was shared). `name` names the input in errors.
Result<Finding> finding_from_json(nlohmann::json const&, std::string const& name);

} // namespace review
