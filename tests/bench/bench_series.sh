#!/usr/bin/env bash
# Benchmark `kvmx check` on a 13-patch series from an mbox (seed 000's v3,
# with v2 in a second mbox so the version rules run), process start
# included. Prints the median wall time over RUNS runs.
#
#   tests/bench/bench_series.sh [KVMX_BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kvmx=${1:-$here/../../build/apps/kvmx/kvmx}
runs=${2:-21}
fixtures=$here/../fixtures/series/seed000

. "$here/timing.sh"
time_us() { median_wall 1000 "$@"; }

one=$(time_us "$kvmx" check "$fixtures/v3.mbox")
two=$(time_us "$kvmx" check "$fixtures/v2.mbox" "$fixtures/v3.mbox")
base=$(time_us "$kvmx" --version)
noop=$(time_us /bin/true)
echo "runs: $runs (median wall time, process start included)"
awk -v u="$one" 'BEGIN { printf "kvmx check v3.mbox (13 patches + cover + 1 reply):      %.1f ms\n", u / 1000 }'
awk -v u="$two" 'BEGIN { printf "kvmx check v2.mbox v3.mbox (two versions, 28 mails):   %.1f ms\n", u / 1000 }'
awk -v u="$base" 'BEGIN { printf "kvmx --version (process start alone):                 %.1f ms\n", u / 1000 }'
awk -v u="$noop" 'BEGIN { printf "/bin/true (fork and exec of the shell, machine load):  %.1f ms\n", u / 1000 }'
if command -v perf >/dev/null 2>&1; then
  # CPU time is robust against a loaded machine, where wall time is not.
  perf stat -r "$runs" -x, -e task-clock "$kvmx" check "$fixtures/v3.mbox" 2>&1 >/dev/null |
    awk -F, '/task-clock/ { printf "kvmx check v3.mbox, CPU time (perf task-clock):       %.1f ms\n", $1 }'
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
