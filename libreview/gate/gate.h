#pragma once
// The gate: for each commit of a range or an applied series, the message
// checks, then every build configuration, then the selected tests, in a
// private source tree; failures are re-run on the base commit afterwards.

#include "libreview/core/result.h"
#include "libreview/gate/config.h"
#include "libreview/gate/run.h"
#include "libreview/git/repository.h"
#include "libreview/patch/patch.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace review {
class Engine;
}

namespace review::gate {

struct GateItem {
    Patch patch;        // for the message checks
    std::string commit; // commit id (range input), empty for an applied patch
    std::string tree;   // the tree to build
    std::string parent_tree; // the tree it changes (its first parent's; empty: the empty tree)
    std::string source; // the patch file (series input)
};

struct GateInput {
    std::string description; // the range or the series path
    std::string base_commit;
    std::string base_tree;   // empty when the range starts at a root commit
    std::vector<GateItem> items;
};

// Commits of a revision range ("A..B", or one revision: that commit), oldest
// first, merges skipped (never checked, built or tested; each commit's
// changed paths are against its own first parent); the base is the first
// gated commit's first parent.
Result<GateInput> read_range(git::Repository const&, std::string const& spec);

// A series from an mbox, a patch file or a directory of format-patch output,
// applied in order onto `base` (default: its base-commit: line) with libgit2.
// New objects go to the object database only; nothing else changes.
Result<GateInput> read_series(git::Repository const&, std::string const& path, std::string const& base);

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
