#!/usr/bin/env bash
# Gate overhead: `kvmx gate` wall time over the sum of the same build and
# test commands run by hand (tests/bench/gate_by_hand.py) over the same
# commits, in one run. Both start from empty build directories.
#
#   tests/bench/bench_gate.sh [KVMX_BINARY] [REPO] [RANGE] [CONFIG] [JOBS]
#
# Defaults: the project's own history, range 9b4f296..8ececa2 (four commits,
# the last changing xenvmm), the embedded xenvmm configuration
# (rules/gate/xenvmm.yaml), all cores. Use a range the gate passes: failures
# make the gate re-run them on the base, which the loop by hand does not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
kvmx=${1:-$src/build/apps/kvmx/kvmx}
repo=${2:-$src}
range=${3:-9b4f296..8ececa2}
config=${4:-xenvmm}
jobs=${5:-$(nproc)}
config_file=$config
[ -f "$config_file" ] || config_file=$src/rules/gate/$config.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/hand" "$work/gate"

hand=$(python3 "$here/gate_by_hand.py" "$config_file" "$repo" "$range" "$work/hand" "$jobs")
rm -rf "$work/hand/build" # free the disk before the gate builds the same
s=$(date +%s%N)
status=0
"$kvmx" gate --repo "$repo" --config "$config_file" -j "$jobs" --format json --output "$work/gate/out" "$range" \
  > "$work/gate/report.json" 2> "$work/gate/stderr" || status=$?
e=$(date +%s%N)
python3 - "$hand" "$(( (e - s) / 1000000 ))" "$status" "$work/gate/report.json" <<'PY'
import json, sys
hand = json.loads(sys.argv[1])
gate_s = int(sys.argv[2]) / 1000
report = json.load(open(sys.argv[4]))
steps = sum(s["seconds"] for c in report["commits"] for s in c["steps"])
print(f"commits: {hand['commits']}  (by-hand failures: {hand['failures']}, gate exit: {sys.argv[3]})")
print(f"by hand, sum of build and test commands: {hand['command_seconds']:.1f} s (loop with checkouts: {hand['loop_seconds']:.1f} s)")
print(f"kvmx gate wall time:                     {gate_s:.1f} s (its steps: {steps:.1f} s, baseline steps: {len(report['baseline'])})")
print(f"overhead ratio (gate wall / by-hand sum): {gate_s / hand['command_seconds']:.3f}")
PY
