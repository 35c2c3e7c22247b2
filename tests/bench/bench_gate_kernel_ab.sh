#!/usr/bin/env bash
# Gate overhead on a kernel tree, alternating sides: the gate in a fresh
# --work-dir, then the same commands by hand (gate_by_hand.py, a fresh
# clone), ROUNDS times, over the clean range bench_gate_kernel.sh leaves
# (branch kvmx-bench-clean), with the ccache it filled.
#
#   tests/bench/bench_gate_kernel_ab.sh KVMX_BINARY CCACHE_DIR [ROUNDS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
kvmx=$(realpath "$1")
export CCACHE_DIR=$2
rounds=${3:-2}
cache=${KVMX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmx-kernel}
repo=$cache/linux-6.12
base=$(git -C "$repo" rev-list --max-parents=0 master)
c4=$(git -C "$repo" rev-parse kvmx-bench-clean)
out=$(mktemp -d "${TMPDIR:-/tmp}/bench-gate-ab-XXXXXX")
for round in $(seq "$rounds"); do
  s=$(date +%s%N)
  "$kvmx" gate --config kvm-x86 --tier queue --repo "$repo" -j 2 --no-checks --format json \
    --output "$out/g$round" --work-dir "$out/w$round" "$base..$c4" > "$out/g$round.json" 2> /dev/null
  e=$(date +%s%N)
  mkdir -p "$out/h$round"
  hand=$(python3 "$here/gate_by_hand.py" "$src/rules/gate/kvm-x86.yaml" "$repo" "$base..$c4" "$out/h$round" 2 queue)
  python3 - "$out/g$round.json" "$(( (e - s) / 1000000 ))" "$hand" "$round" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = int(sys.argv[2]) / 1000
hand = json.loads(sys.argv[3])
steps = sum(s["seconds"] for c in r["commits"] for s in c["steps"])
print("round %s: gate fresh work dir %.1f s (steps %.1f s); by hand loop %.1f s (commands %.1f s); ratio %.3f"
      % (sys.argv[4], wall, steps, hand["loop_seconds"], hand["command_seconds"], wall / hand["loop_seconds"]))
PY
  rm -rf "$out/h$round" "$out/w$round"
done
rm -rf "$out"
