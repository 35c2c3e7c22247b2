#pragma once
// The gate: for each commit of a range or an applied series, the message
// checks, then every build configuration, then the selected tests, in a
// private source tree; failures are re-run on the base commit afterwards.

#include "libreview/core/result.h"
#include "libreview/gate/config.h"
#include "libreview/gate/input.h"
#include "libreview/gate/run.h"
#include "libreview/git/repository.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace review {
class Engine;
}

namespace review::gate {

struct Progress {
    std::size_t commit = 0, commits = 0; // 1-based position within this shard
    std::string title;
    std::string step;
    double elapsed = 0;
    double eta = -1; // seconds, -1 while unknown
};

struct GateOptions {
    Config config;
    std::string tier;                  // --tier, empty for none
    std::vector<std::string> steps;    // the steps to run (tier or all)
    unsigned jobs = 1;
    std::size_t shard = 1, shards = 1;
    std::filesystem::path output;      // logs go to output/logs
    // --work-dir: keep the private tree (src/) and the build directories
    // (build/<configuration>) here across runs instead of a scratch
    // directory removed at the end; one gate at a time (a lock file).
    std::filesystem::path work_dir;
    Engine const* engine = nullptr;    // message checks; null to skip them
    std::string tool_version;
    std::function<void(Progress const&)> progress;
};

// Run the gate. Errors are setup problems (unwritable output, a tree that
// cannot be written, an interrupt), never step failures.
Result<GateRun> run_gate(git::Repository const&, GateInput const&, GateOptions const&);

} // namespace review::gate
