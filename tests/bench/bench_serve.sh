#!/usr/bin/env bash
# Benchmark kvmx serve: the queue page over 2,000 series (a public-inbox
# epoch from make_epoch.py, synced) and a series page of 30 patches in two
# versions (make_big_series.py; the page includes the range-diff of v1 and
# v2, the findings at their lines and the kvmx am output). The figure is
# the server-side time of one page (queue read and rendering), from the
# Server-Timing header kvmx serve sends; side by side, in the same run, the
# CLI printing the same data (`queue list --format json`, `queue show
# --format json`), a whole process each.
#
#   tests/bench/bench_serve.sh [KVMX_BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kvmx=$(realpath "${1:-$here/../../build/apps/kvmx/kvmx}")
runs=${2:-20}
. "$here/timing.sh"

work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

git init -q --bare "$work/e2k/git/0.git"
python3 "$here/make_epoch.py" 2000 | git --git-dir="$work/e2k/git/0.git" fast-import --quiet
"$kvmx" queue sync --db "$work/q.sqlite" --inbox "$work/e2k" >/dev/null
python3 "$here/make_big_series.py" 30 > "$work/big.mbox"
"$kvmx" queue sync --db "$work/q.sqlite" --inbox "$work/big.mbox" >/dev/null
series=$("$kvmx" queue list --db "$work/q.sqlite" --format json | python3 -c '
import json, sys
print(len(json.load(sys.stdin)))')
big=$("$kvmx" queue show --db "$work/q.sqlite" "<big-v2-1@example.com>" --format json | python3 -c '
import json, sys
print(json.load(sys.stdin)["id"])')

"$kvmx" serve --db "$work/q.sqlite" --listen 127.0.0.1:0 > "$work/serve.out" &
server=$!
for _ in $(seq 50); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out")

# Median server-side wall and CPU time (ms) of a page over $runs requests.
page_ms() {
  local timings
  timings=$(for _ in $(seq "$runs"); do
    curl -s -D - -o /dev/null "$url${1#/}" | tr -d '\r' | sed -n 's/^Server-Timing: app;dur=\([0-9.]*\), cpu;dur=\([0-9.]*\)/\1 \2/p'
  done)
  local wall cpu
  wall=$(echo "$timings" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}')
  cpu=$(echo "$timings" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}')
  echo "$wall ms wall, $cpu ms CPU"
}
size_kib() { curl -s "$url${1#/}" | wc -c | awk '{printf "%d\n", $1 / 1024}'; }

q_ms=$(page_ms /)
q_kib=$(size_kib /)
s_ms=$(page_ms "/series/$big")
s_kib=$(size_kib "/series/$big")
a_ms=$(page_ms /api/series)
list_ms=$(median_wall 1000000 "$kvmx" queue list --db "$work/q.sqlite" --format json)
show_ms=$(median_wall 1000000 "$kvmx" queue show --db "$work/q.sqlite" "$big" --format json)

echo "kvmx serve, $runs runs each (median; server-side time from Server-Timing)"
echo "queue page, $series series:          ${q_ms} (${q_kib} KiB)   [kvmx queue list --format json: ${list_ms} ms wall]"
echo "/api/series, $series series:         ${a_ms}"
echo "series page, 30 patches, 2 versions: ${s_ms} (${s_kib} KiB)   [kvmx queue show --format json: ${show_ms} ms wall]"
