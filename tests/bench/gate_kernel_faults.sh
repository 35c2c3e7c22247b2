#!/usr/bin/env bash
# The kvm-x86 gate against a real kernel tree when the machine fails, not
# the commit (not part of ctest). Needs the repository bench_gate_kernel.sh
# caches, and root for the tmpfs.
#
#   tests/bench/gate_kernel_faults.sh [KVMX_BINARY]
#
# 1. A full disk: TMPDIR on a 64 MiB tmpfs, so writing the private tree of
#    Linux 6.12 fails with ENOSPC.
# 2. A killed build: cc1 of the first build gets SIGKILL (as from the OOM
#    killer) while the gate runs.
# 3. Not a kernel: the gate pointed at this project's own repository.
# Each must exit 2 naming the commit and what failed, keep the logs written
# so far, and leave no private tree behind.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
kvmx=$(realpath "${1:-$src/build/apps/kvmx/kvmx}")
cache=${KVMX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmx-kernel}
repo=$cache/linux-6.12
[ -d "$repo/.git" ] || { echo "run tests/bench/bench_gate_kernel.sh first ($repo missing)" >&2; exit 2; }
base=$(git -C "$repo" rev-list --max-parents=0 master)
tip=$(git -C "$repo" rev-parse kvmx-bench)
work=$(mktemp -d)
trap 'umount "$work/tmpfs" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
expect() { # NAME STATUS STDERR-FILE PATTERN...
  local name=$1 status=$2 err=$3
  shift 3
  local ok=1
  [ "$status" -eq 2 ] || ok=0
  for p in "$@"; do grep -q -- "$p" "$err" || ok=0; done
  if [ $ok = 1 ]; then echo "ok   $name: exit $status: $(tail -1 "$err")"; else
    echo "FAIL $name: exit $status: $(cat "$err")"; failures=$((failures + 1)); fi
}

# 1. A full disk.
mkdir -p "$work/tmpfs"
if mount -t tmpfs -o size=64m tmpfs "$work/tmpfs" 2>/dev/null; then
  status=0
  TMPDIR=$work/tmpfs "$kvmx" gate --config kvm-x86 --no-checks --repo "$repo" -j 2 --output "$work/out1" \
    "$base..$tip" > /dev/null 2> "$work/err1" || status=$?
  expect "full disk" "$status" "$work/err1" "No space left on device" "\[1/3\]" "writing the private tree"
  left=$(ls "$work/tmpfs")
  [ -z "$left" ] && echo "ok   full disk: no private tree left" || { echo "FAIL full disk: left $left"; failures=$((failures + 1)); }
  umount "$work/tmpfs"
else
  echo "not run here: full disk (mounting a tmpfs needs root)"
fi

# 2. A killed build: SIGKILL to the first cc1 of the gate's build.
status=0
CCACHE_DISABLE=1 TMPDIR=$work "$kvmx" gate --config kvm-x86 --no-checks --repo "$repo" -j 2 --output "$work/out2" \
  "$base..$tip" > /dev/null 2> "$work/err2" &
gate=$!
for _ in $(seq 600); do
  pid=$(pgrep -n -f "cc1 .*$work/kvmx-gate-" || true)
  if [ -n "$pid" ]; then kill -9 "$pid"; echo "     killed cc1 (pid $pid) with SIGKILL"; break; fi
  sleep 0.5
done
wait "$gate" || status=$?
expect "killed build" "$status" "$work/err2" "\[1/3\]" "build 'kvm'" "killed"
ls "$work"/out2/logs/001-*/build-kvm.log > /dev/null 2>&1 && echo "ok   killed build: log kept" ||
  { echo "FAIL killed build: no log"; failures=$((failures + 1)); }
left=$(ls -d "$work"/kvmx-gate-* 2>/dev/null | grep -v report || true)
[ -z "$left" ] && echo "ok   killed build: no private tree left" || { echo "FAIL killed build: left $left"; failures=$((failures + 1)); }

# 3. Not a kernel tree.
status=0
TMPDIR=$work "$kvmx" gate --config kvm-x86 --no-checks --repo "$src" --output "$work/out3" HEAD~1..HEAD \
  > /dev/null 2> "$work/err3" || status=$?
expect "not a kernel" "$status" "$work/err3" "not a kernel tree" "\[1/1\]"

exit $failures
