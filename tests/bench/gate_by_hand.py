#!/usr/bin/env python3
"""Run a gate configuration's build and test commands by hand over the
commits of a range: a local clone, `git checkout` per commit (which rewrites
only changed files, as a developer's loop would), the same commands, the same
environment variables, the same path triggers. Prints the sum of the
commands' wall time and the loop's wall time, in seconds, as JSON.

    gate_by_hand.py CONFIG.yaml REPO RANGE WORKDIR JOBS [TIER]

A step's `requires` check runs first, as the gate runs it (a failing check
skips the step); with TIER only that tier's steps run (following `extends`);
`ccache: true` sets KVMX_GATE_CCACHE, CCACHE_BASEDIR and a stats log as the
gate does.
"""
import fnmatch
import json
import os
import subprocess
import sys
import time

config_path, repo, rng, work, jobs = sys.argv[1:6]
tier = sys.argv[6] if len(sys.argv) > 6 else ""
import yaml  # python3-yaml

with open(config_path) as f:
    config = yaml.safe_load(f)

src = os.path.join(work, "src")
subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", repo, src], check=True)
commits = subprocess.run(["git", "-C", src, "rev-list", "--reverse", "--no-merges", rng],
                         check=True, capture_output=True, text=True).stdout.split()

steps = list(config.get("tests", []))
steps += [dict(v, kind="variant") for v in config.get("variants", [])]
if "docs" in config:
    docs = dict(config["docs"])
    docs.setdefault("name", "docs")
    docs.setdefault("paths", ["*.rst"])
    steps.append(docs)
if tier:
    wanted, t = [], tier
    while t:
        wanted = list(config["tiers"][t].get("tests", [])) + wanted
        t = config["tiers"][t].get("extends", "")
    steps = [s for s in steps if s["name"] in wanted]
ccache = ""
if config.get("ccache"):
    ccache = subprocess.run(["sh", "-c", "command -v ccache"], capture_output=True, text=True).stdout.strip()
base_env = dict(os.environ, KVMX_GATE_CCACHE=ccache)
if ccache:
    base_env.update(CCACHE_BASEDIR=work, CCACHE_NOHASHDIR="1",
                    CCACHE_STATSLOG=os.path.join(work, "ccache-stats.log"))


def listed(x):
    return [x] if isinstance(x, str) else list(x or [])


def run(commands, env, log):
    total = 0.0
    for c in listed(commands):
        start = time.monotonic()
        r = subprocess.run(["sh", "-c", c], cwd=src, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        total += time.monotonic() - start
        if r.returncode != 0:
            return total, r.returncode
    return total, 0


builds = {b["name"]: b for b in config.get("builds", [])}
command_seconds = 0.0
loop_start = time.monotonic()
failures = 0
with open(os.path.join(work, "by-hand.log"), "w") as log:
    for commit in commits:
        subprocess.run(["git", "-C", src, "checkout", "-q", "--detach", "--force", commit], check=True)
        parent = subprocess.run(["git", "-C", src, "rev-parse", commit + "^"], capture_output=True, text=True).stdout.strip()
        paths = subprocess.run(["git", "-C", src, "diff", "--name-only", parent, commit],
                               capture_output=True, text=True).stdout.split()
        failed = set()
        for name, b in builds.items():
            bdir = os.path.join(work, "build", name)
            os.makedirs(bdir, exist_ok=True)
            env = dict(base_env, KVMX_GATE_SOURCE=src, KVMX_GATE_BUILD=bdir, KVMX_GATE_JOBS=jobs,
                       KVMX_GATE_COMMIT=commit, **{k: str(v) for k, v in (b.get("env") or {}).items()})
            seconds, status = run(b["commands"], env, log)
            command_seconds += seconds
            if status:
                failed.add(name)
                failures += 1
        for s in steps:
            if s.get("paths") and not any(fnmatch.fnmatchcase(p, g) for p in paths for g in listed(s["paths"])):
                continue
            build = s.get("build", "")
            if build in failed:
                continue
            bdir = os.path.join(work, "build", build or "none")
            os.makedirs(bdir, exist_ok=True)
            env = dict(base_env, KVMX_GATE_SOURCE=src, KVMX_GATE_BUILD=bdir, KVMX_GATE_JOBS=jobs,
                       KVMX_GATE_COMMIT=commit)
            env.update({k: str(v) for k, v in (builds.get(build, {}).get("env") or {}).items()})
            env.update({k: str(v) for k, v in (s.get("env") or {}).items()})
            if s.get("requires"):
                seconds, status = run(s["requires"]["check"], env, log)
                command_seconds += seconds
                if status:
                    continue  # not run here, as the gate reports it
            seconds, status = run(s["commands"], env, log)
            command_seconds += seconds
            if status and status != s.get("skip-status", 77):
                failures += 1
print(json.dumps({"commits": len(commits), "command_seconds": command_seconds,
                  "loop_seconds": time.monotonic() - loop_start, "failures": failures}))
