#!/usr/bin/env bash
# Benchmark `kvmx check` over a real history against `git log -p`, which
# reads and diffs the same blobs, side by side in one run: median wall time,
# user time, peak memory, and (with valgrind) instruction counts.
#
#   tests/bench/bench_check_history.sh REPO [RANGE] [PROFILE] [RUNS] [KVMX]
#
# REPO is a clone of, for example, kvm-unit-tests; RANGE defaults to the
# whole history (root..HEAD), PROFILE to kvm-unit-tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${1:?usage: bench_check_history.sh REPO [RANGE] [PROFILE] [RUNS] [KVMX]}
range=${2:-}
profile=${3:-kvm-unit-tests}
runs=${4:-5}
kvmx=${5:-$here/../../build/apps/kvmx/kvmx}
if [ -z "$range" ]; then
  range="$(git -C "$repo" rev-list --max-parents=0 HEAD | tail -n 1)..HEAD"
fi
count=$(git -C "$repo" rev-list --no-merges --count "$range")

# median of RUNS: wall ms, user ms, max RSS KB (GNU time), one line each.
measure() {
  local label=$1
  shift
  local walls=() users=() rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp/time" -f '%e %U %M' "$@" >/dev/null 2>&1 || true
    read -r w u m < <(tail -n 1 "$tmp/time")
    walls+=("$(awk -v x="$w" 'BEGIN {printf "%d", x * 1000}')")
    users+=("$(awk -v x="$u" 'BEGIN {printf "%d", x * 1000}')")
    rss+=("$m")
  done
  med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-44s wall %6s ms  user %6s ms  max RSS %7s KB\n' "$label" "$(med "${walls[@]}")" "$(med "${users[@]}")" "$(med "${rss[@]}")"
  echo "$(med "${walls[@]}") $(med "${users[@]}")" > "$tmp/$(printf '%s' "$label" | tr -c 'a-z0-9' _)"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "commits: $count ($range in $repo), profile $profile, runs: $runs (medians)"
measure "git log -p --no-merges" git -C "$repo" log -p --no-merges "$range"
measure "kvmx check --jobs 1" "$kvmx" check --repo "$repo" --profile "$profile" --format json --jobs 1 "$range"
measure "kvmx check (all cores)" "$kvmx" check --repo "$repo" --profile "$profile" --format json "$range"
read -r gw gu < "$tmp/git_log__p___no_merges"
read -r kw ku < "$tmp/kvmx_check___jobs_1"
awk -v gw="$gw" -v gu="$gu" -v kw="$kw" -v ku="$ku" 'BEGIN {
  printf "ratio kvmx --jobs 1 / git log -p: wall %.2f, user %.2f\n", kw / gw, ku / gu }'
if command -v valgrind >/dev/null 2>&1 && [ "${KVMX_BENCH_CALLGRIND:-1}" = 1 ]; then
  ir() { valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>&1 || true
         awk '/^summary:/ {print $2}' "$tmp/cg.out"; }
  gi=$(ir git -C "$repo" log -p --no-merges "$range")
  ki=$(ir "$kvmx" check --repo "$repo" --profile "$profile" --format json --jobs 1 "$range")
  awk -v g="$gi" -v k="$ki" 'BEGIN {
    printf "instructions: git log -p %.0fM, kvmx check --jobs 1 %.0fM, ratio %.2f\n", g / 1e6, k / 1e6, k / g }'
fi
