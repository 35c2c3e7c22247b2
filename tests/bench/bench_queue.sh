#!/usr/bin/env bash
# Benchmark kvmx queue: a first sync of a ~6,000-message public-inbox epoch
# (synthesized with git fast-import by make_epoch.py: KVM series with cover
# letters, reviews and v2 reposts, every posting checked by the kvm-x86
# rules), an incremental sync of 100 new messages, `queue list` over 2,000
# series, and the real linux-ppp epoch of ../shared/corpora when present.
# Side by side, in the same run: git reading the same epoch (git log -p),
# the floor any reader of the archive pays.
#
#   tests/bench/bench_queue.sh [KVMX_BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kvmx=$(realpath "${1:-$here/../../build/apps/kvmx/kvmx}")
runs=${2:-5}
corpus=$here/../../../shared/corpora/linux-ppp.vger.kernel.org.0.bundle

. "$here/timing.sh"
time_ms() { median_wall 1000000 "$@"; }
# Median CPU time (user + system of the command and its children) in ms:
# robust on a loaded machine, where wall time is not.
cpu_ms() {
  python3 - "$runs" "$@" <<'PY'
import resource, subprocess, sys
runs, cmd = int(sys.argv[1]), sys.argv[2:]
samples = []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    samples.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
samples.sort()
print(int(samples[len(samples) // 2]))
PY
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

epoch() { # DIR SERIES: a v2 archive DIR/git/0.git with SERIES series
  git init -q --bare "$1/git/0.git"
  python3 "$here/make_epoch.py" "$2" | git --git-dir="$1/git/0.git" fast-import --quiet
}
epoch "$work/e6k" 1580
epoch "$work/e2k" 2000
messages=$(git --git-dir="$work/e6k/git/0.git" rev-list --count master)

first_sync() { rm -f "$work/first.sqlite"*; "$kvmx" queue sync --db "$work/first.sqlite" --inbox "$work/e6k"; }
git_read() { git --git-dir="$work/e6k/git/0.git" log -p --format=%H master >/dev/null; }
export -f first_sync git_read
export kvmx work
t_first=$(time_ms first_sync)
c_first=$(cpu_ms bash -c first_sync)
t_git=$(time_ms git_read)
c_git=$(cpu_ms bash -c git_read)

# Incremental: the synced queue, then 100 more messages on top each run.
# (The cursor is kept per epoch path: sync the copy that grows.)
cp -r "$work/e6k" "$work/inc-epoch"
"$kvmx" queue sync --db "$work/inc.sqlite" --inbox "$work/inc-epoch" >/dev/null
cp "$work/inc.sqlite" "$work/inc.base"
python3 "$here/make_epoch.py" 26 5000 --append | git --git-dir="$work/inc-epoch/git/0.git" fast-import --quiet
added=$(( $(git --git-dir="$work/inc-epoch/git/0.git" rev-list --count master) - messages ))
inc_sync() {
  rm -f "$work/inc.sqlite"*; cp "$work/inc.base" "$work/inc.sqlite"
  "$kvmx" queue sync --db "$work/inc.sqlite" --inbox "$work/inc-epoch"
}
export -f inc_sync
t_copy=$(time_ms sh -c "rm -f '$work/inc.sqlite'*; cp '$work/inc.base' '$work/inc.sqlite'")
c_copy=$(cpu_ms sh -c "rm -f '$work/inc.sqlite'*; cp '$work/inc.base' '$work/inc.sqlite'")
t_inc=$(time_ms inc_sync)
c_inc=$(cpu_ms bash -c inc_sync)
t_noop=$(time_ms "$kvmx" queue sync --db "$work/inc.sqlite" --inbox "$work/inc-epoch")
c_noop=$(cpu_ms "$kvmx" queue sync --db "$work/inc.sqlite" --inbox "$work/inc-epoch")

"$kvmx" queue sync --db "$work/list.sqlite" --inbox "$work/e2k" >/dev/null
series=$("$kvmx" queue list --db "$work/list.sqlite" --all --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
t_list=$(time_ms "$kvmx" queue list --db "$work/list.sqlite")
c_list=$(cpu_ms "$kvmx" queue list --db "$work/list.sqlite")
t_list_json=$(time_ms "$kvmx" queue list --db "$work/list.sqlite" --all --format json)
c_list_json=$(cpu_ms "$kvmx" queue list --db "$work/list.sqlite" --all --format json)
t_version=$(time_ms "$kvmx" --version)
c_version=$(cpu_ms "$kvmx" --version)

echo "runs: $runs (median; wall time and CPU time, process start included)"
row() { printf '%-58s %7s ms wall %7s ms CPU\n' "$1" "$2" "$3"; }
row "first sync, synthetic epoch, $messages messages" "$t_first" "$c_first"
row "  git log -p over the same epoch (read floor)" "$t_git" "$c_git"
awk -v a="$c_first" -v b="$c_git" 'BEGIN { printf "  ratio sync / git log -p (CPU): %.1f\n", a / (b ? b : 1) }'
row "incremental sync of $added new messages (db restore excluded)" "$(( t_inc - t_copy ))" "$(( c_inc - c_copy ))"
row "sync with nothing new" "$t_noop" "$c_noop"
row "queue list, $series series (text)" "$t_list" "$c_list"
row "queue list --all --format json, $series series" "$t_list_json" "$c_list_json"
row "kvmx --version (process start alone)" "$t_version" "$c_version"
if [ -f "$corpus" ]; then
  git clone -q --mirror "$corpus" "$work/ppp.git" 2>/dev/null
  ppp_sync() { rm -f "$work/ppp.sqlite"*; "$kvmx" queue sync --db "$work/ppp.sqlite" --inbox "$work/ppp.git"; }
  ppp_git() { git --git-dir="$work/ppp.git" log -p --format=%H master >/dev/null; }
  export -f ppp_sync ppp_git
  row "first sync, real linux-ppp epoch, $(git --git-dir="$work/ppp.git" rev-list --count master) messages" \
    "$(time_ms ppp_sync)" "$(cpu_ms bash -c ppp_sync)"
  row "  git log -p over the same epoch" "$(time_ms ppp_git)" "$(cpu_ms bash -c ppp_git)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
