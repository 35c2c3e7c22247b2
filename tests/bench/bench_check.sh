#!/usr/bin/env bash
# Benchmark `kvmx check --format json A..B` against
# `git log --no-merges --format=%B --name-only A..B` on the same range of a
# synthetic repository of KVM-looking commits, in one run, and print the ratio.
#
#   tests/bench/bench_check.sh [KVMX_BINARY] [COMMITS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kvmx=${1:-$here/../../build/apps/kvmx/kvmx}
commits=${2:-3000}
runs=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git init -q "$work/repo"
python3 "$here/make_history.py" "$commits" | git -C "$work/repo" fast-import --quiet
git -C "$work/repo" gc -q --aggressive 2>/dev/null || true
first=$(git -C "$work/repo" rev-list --max-parents=0 main)
range="$first..main"
count=$(git -C "$work/repo" rev-list --count "$range")

. "$here/timing.sh"
time_ms() { median_wall 1000000 "$@"; }

git_ms=$(time_ms git -C "$work/repo" log --no-merges --format=%B --name-only "$range")
kvmx_ms=$(time_ms "$kvmx" check --repo "$work/repo" --format json "$range")
kvmx1_ms=$(time_ms "$kvmx" check --repo "$work/repo" --format json --jobs 1 "$range")
quick_ms=$(time_ms "$kvmx" check --profile kvm-x86-quick --repo "$work/repo" --format json "$range")
echo "commits: $count  runs: $runs (median wall time)"
echo "git log --no-merges --format=%B --name-only: ${git_ms} ms"
echo "kvmx check --format json (all cores):        ${kvmx_ms} ms"
echo "kvmx check --format json --jobs 1:           ${kvmx1_ms} ms"
echo "kvmx check --profile kvm-x86-quick:          ${quick_ms} ms"
# Instruction counts do not depend on what else the machine runs: count
# them with callgrind over the last 500 commits when valgrind is present.
if command -v valgrind >/dev/null 2>&1; then
  sub="main~500..main"
  ir() { valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null 2>&1 || true
         awk '/^summary:/ {print $2}' "$work/cg.out"; }
  git_ir=$(ir git -C "$work/repo" log --no-merges --format=%B --name-only "$sub")
  gitp_ir=$(ir git -C "$work/repo" log --no-merges -p --format=%B "$sub")
  kvmx_ir=$(ir "$kvmx" check --repo "$work/repo" --format json --jobs 1 "$sub")
  quick_ir=$(ir "$kvmx" check --profile kvm-x86-quick --repo "$work/repo" --format json --jobs 1 "$sub")
  awk -v k="$kvmx_ir" -v g="$git_ir" -v p="$gitp_ir" -v q="$quick_ir" 'BEGIN {
    printf "instructions, last 500 commits, one thread: git log --name-only %.0fM, git log -p %.0fM, kvmx check %.0fM, kvmx check (quick) %.0fM\n", g/1e6, p/1e6, k/1e6, q/1e6
    printf "instruction ratio kvmx/git-name-only: %.2f; kvmx/git-log-p: %.2f; quick/git-name-only: %.2f\n", k/g, k/p, q/g }'
fi
awk -v k="$kvmx_ms" -v g="$git_ms" -v k1="$kvmx1_ms" -v q="$quick_ms" 'BEGIN {
  printf "ratio kvmx/git: %.2f (one thread: %.2f; quick profile: %.2f); per commit: %.3f ms\n", k / g, k1 / g, q / g, k / '"$count"' }'
