#!/usr/bin/env bash
# The kvm-x86 gate on a real kernel tree (not part of ctest: it builds
# arch/x86/kvm/ of Linux 6.12 in three configurations).
#
#   tests/bench/bench_gate_kernel.sh [KVMX_BINARY]
#
# 1. Unpacks Debian's linux-source-6.12 (/usr/src/linux-source-6.12.tar.xz)
#    into a git repository once, cached in $KVMX_KERNEL_CACHE (default
#    ${XDG_CACHE_HOME:-$HOME/.cache}/kvmx-kernel).
# 2. Makes a series of three commits on a branch: a clean change in
#    arch/x86/kvm/x86.c, a change in arch/x86/kvm/mmu/ that breaks the
#    KVM_WERROR build (an unused variable), its repair. The user's checkout
#    also carries an uncommitted change and an untracked file.
# 3. Runs `kvmx gate --config kvm-x86 --tier hardware` over the series with an
#    empty ccache (the first build is a cold one) and checks that exactly the
#    breaking commit is blamed, the mmu variants are triggered only by the mmu
#    commits, the hardware steps say "not run here", and the user's tree,
#    index, HEAD, refs and TMPDIR are untouched.
# 4. Gate overhead: a clean two-commit range (x86.c, then a comment in mmu/)
#    through `kvmx gate --tier queue` once to warm ccache, then the same
#    commands by hand (tests/bench/gate_by_hand.py: a fresh clone, empty
#    build directories), then the gate in a fresh --work-dir (the same
#    work), then the gate again in that work dir (kept tree and builds).
#
# Environment: JOBS (default 2), KVMX_SELFTESTS (the host tier's selftests,
# default: all of them), KVMX_SELFTESTS_TIMEOUT. Run it under nice on a shared
# machine: nice -n 19 tests/bench/bench_gate_kernel.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
kvmx=$(realpath "${1:-$src/build/apps/kvmx/kvmx}")
cache=${KVMX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmx-kernel}
jobs=${JOBS:-2}
tarball=/usr/src/linux-source-6.12.tar.xz
repo=$cache/linux-6.12
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

mkdir -p "$cache"
if [ ! -d "$repo/.git" ]; then
  [ -f "$tarball" ] || { echo "bench: $tarball missing: apt-get install linux-source-6.12" >&2; exit 2; }
  s=$(now)
  rm -rf "$repo.tmp" && mkdir -p "$repo.tmp"
  tar -xJf "$tarball" -C "$repo.tmp" --strip-components=1
  # Debian's packaging appends "ignore everything at the top level" to
  # .gitignore; upstream has no such lines.
  python3 - "$repo.tmp/.gitignore" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
i = t.find("#\n# Debian packaging")
if i > 0:
    open(p, "w").write(t[:i])
PY
  git -C "$repo.tmp" init -q -b master
  git -C "$repo.tmp" add -A
  git -C "$repo.tmp" -c user.name=bench -c user.email=bench@example.org commit -q -m "Linux 6.12 (Debian linux-source-6.12)"
  mv "$repo.tmp" "$repo"
  echo "unpacked $tarball into $repo in $(secs "$s" "$(now)") s"
fi
git() { command git -C "$repo" -c user.name="Jane Developer" -c user.email=jane@example.com "$@"; }
base=$(git rev-list --max-parents=0 master)

# A clean checkout of the base, then the series, as a developer makes it.
git checkout -q -f master
git clean -q -fdx
git checkout -q -B kvmx-bench "$base"
sob=$'\n\nSigned-off-by: Jane Developer <jane@example.com>'
python3 - "$repo/arch/x86/kvm/x86.c" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
anchor = "int kvm_arch_enable_virtualization_cpu(void)\n{\n"
assert anchor in t, "anchor missing in x86.c"
t = t.replace(anchor, "/* Runs on each CPU; see kvm_arch_enable_virtualization() for the once-only part. */\n" + anchor, 1)
open(p, "w").write(t)
PY
git commit -q -a -m "KVM: x86: Say where the once-only part of enabling virtualization is${sob}"
c1=$(git rev-parse HEAD)
mmu=arch/x86/kvm/mmu/mmu.c
cp "$repo/$mmu" "$cache/mmu.c.orig"
python3 - "$repo/$mmu" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
anchor = "int kvm_mmu_load(struct kvm_vcpu *vcpu)\n{\n"
assert anchor in t, "anchor missing in mmu.c"
t = t.replace(anchor, anchor + "\tint roots_loaded;\n\n", 1)
open(p, "w").write(t)
PY
git commit -q -a -m "KVM: x86/mmu: Count the roots kvm_mmu_load() loads${sob}"
c2=$(git rev-parse HEAD)
cp "$cache/mmu.c.orig" "$repo/$mmu"
git commit -q -a -m "KVM: x86/mmu: Drop the unused root count${sob}"
c3=$(git rev-parse HEAD)

# The user's work in progress, which the gate must not touch.
echo "/* work in progress */" >> "$repo/arch/x86/kvm/x86.c"
echo "notes" > "$repo/NOTES.untracked"
snapshot() {
  {
    export GIT_OPTIONAL_LOCKS=0 # git status must not refresh the index itself
    git rev-parse HEAD
    git symbolic-ref HEAD
    git status --porcelain=v1 --untracked-files=all
    git for-each-ref
    git stash list
    sha256sum "$repo/.git/index" "$repo/arch/x86/kvm/x86.c" "$repo/NOTES.untracked"
    stat -c '%n %Y' "$repo/.git/index" "$repo/arch/x86/kvm/x86.c"
  } 2>&1
}
before=$(snapshot)
tmp=${TMPDIR:-/tmp}
tmp_before=$(ls -d "$tmp"/kvmx-gate-[A-Za-z0-9]* 2>/dev/null | grep -v report | sort || true)

out=$(mktemp -d "$tmp/bench-gate-kernel-XXXXXX")
export CCACHE_DIR=$out/ccache # empty: the first build is a cold one
echo "kernel: $(git log -1 --format=%s "$base"), series $base..$c3 (3 commits), jobs $jobs, ccache $CCACHE_DIR"
s=$(now)
status=0
"$kvmx" gate --config kvm-x86 --tier hardware --repo "$repo" -j "$jobs" --output "$out/blame" "$base..$c3" \
  > "$out/blame.txt" 2> "$out/blame.err" || status=$?
e=$(now)
cat "$out/blame.txt"
echo "gate exit $status, wall $(secs "$s" "$e") s"
after=$(snapshot)
tmp_after=$(ls -d "$tmp"/kvmx-gate-[A-Za-z0-9]* 2>/dev/null | grep -v report | sort || true)

checks=0
python3 - "$out/blame/report.json" "$status" "$c1" "$c2" "$c3" <<'PY' || checks=1
import json, sys
r = json.load(open(sys.argv[1]))
status = int(sys.argv[2])
c1, c2, c3 = sys.argv[3:6]
problems = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        problems.append(what)
commits = [c["commit"] for c in r["commits"]]
check(commits == [c1, c2, c3], "the gate ran the three commits in order")
check(status == 1, "exit 1: a failure found")
blamed = sorted({(f["rule"], f["commit"]) for f in r["findings"]
                 if f["rule"].startswith("gate.") and f["rule"] not in ("gate.branch-tier", "gate.baseline")})
check(blamed == [("gate.build", c2)], "exactly the breaking commit is blamed: %s" % blamed)
builds = ["kvm", "no-smm-no-xen", "prove-locking"]
def steps(i):
    return {s["kind"] + ":" + s["name"]: s for s in r["commits"][i]["steps"]}
for b in builds:
    st = [steps(i).get("build:" + b, {}).get("status") for i in range(3)]
    check(st == ["pass", "fail", "pass"], "build %s: pass, fail, pass (%s)" % (b, st))
log = open(sys.argv[1].rsplit("/", 1)[0] + "/" + steps(1)["build:kvm"]["log"]).read()
check("unused variable" in log and "roots_loaded" in log, "the log names the unused variable")
for v in ["variant:prove-mmu", "variant:tdp-disabled"]:
    present = [v in steps(i) for i in range(3)]
    check(present == [False, True, True], "%s triggered by the mmu commits only (%s)" % (v, present))
check(steps(2)["variant:prove-mmu"]["status"] == "pass", "prove-mmu builds KVM_PROVE_MMU at the repair")
for i in range(3):
    for name, s in steps(i).items():
        if s["reason"].startswith("not run here"):
            check(s["status"] == "skip", "[%d] %s: skip, %s" % (i + 1, name, s["reason"]))
for name in ["test:selftests-new-kvm", "test:kvm-unit-tests"]:
    check(steps(0)[name]["reason"].startswith("not run here"), name + " is not run here")
first = r["first_failures"]
check(all(first.get(b, {}).get("commit") == c2 for b in builds), "first failing commit per build: the second")
if problems:
    sys.exit(1)
PY
if [ "$before" = "$after" ]; then
  echo "ok   the user's tree, index, HEAD, refs and stash are untouched"
else
  echo "FAIL the user's repository changed:"; diff <(echo "$before") <(echo "$after") || true; checks=1
fi
if [ "$tmp_before" = "$tmp_after" ]; then
  echo "ok   no private tree left in $tmp"
else
  echo "FAIL left in $tmp: $tmp_after"; checks=1
fi

# Figures of the blame run.
python3 - "$out/blame/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("figures (blame run, cold ccache):")
for c in r["commits"]:
    by = {}
    for s in c["steps"]:
        by.setdefault(s["kind"], 0.0)
        by[s["kind"]] += s["seconds"]
    hits = sum(s.get("ccache", {}).get("hits", 0) for s in c["steps"])
    total = hits + sum(s.get("ccache", {}).get("misses", 0) for s in c["steps"])
    print("  [%d] %s: %s; ccache %d/%d" % (c["index"] + 1, c["title"][:50],
          ", ".join("%s %.1f s" % kv for kv in by.items()), hits, total))
    for s in c["steps"]:
        if s["kind"] == "build":
            print("        build %-14s %7.1f s  %s" % (s["name"], s["seconds"], s["status"]))
print("  baseline re-runs: %s" % ", ".join("%s %s %s %.1f s" % (s["kind"], s["name"], s["status"], s["seconds"]) for s in r["baseline"]))
steps = sum(s["seconds"] for c in r["commits"] for s in c["steps"]) + sum(s["seconds"] for s in r["baseline"])
print("  gate total %.1f s (its steps and baseline re-runs %.1f s; outside them %.1f s: the private tree, checks, reports)"
      % (r["seconds"], steps, r["seconds"] - steps))
for n in r["notes"]:
    print("  " + n)
PY
for f in "$out"/blame/logs/001-*/test-selftests-host.log; do
  [ -f "$f" ] && { echo "host tier (selftests on this host's KVM):"; grep -E '^(ok|not ok) |^# kvm selftests' "$f" | sed 's/^/  /'; }
done

# Overhead: a clean range (x86.c, then a comment in mmu/), tier queue, all
# with the ccache the blame run filled. A warm-up gate run first (its new
# objects enter the cache), then by hand (a fresh clone, empty build
# directories), then the gate in a fresh --work-dir (a fresh tree, empty
# build directories: the same work as by hand), then the gate again in that
# work dir (tree and build directories kept: a CI runner that keeps its disk).
git checkout -q -f kvmx-bench
git clean -q -fdx
git checkout -q -B kvmx-bench-clean "$c1"
python3 - "$repo/$mmu" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
anchor = "int kvm_mmu_load(struct kvm_vcpu *vcpu)\n{\n"
t = t.replace(anchor, "/* Loads the roots of the current MMU; see mmu_alloc_direct_roots(). */\n" + anchor, 1)
open(p, "w").write(t)
PY
git commit -q -a -m "KVM: x86/mmu: Say what kvm_mmu_load() loads${sob}"
c4=$(git rev-parse HEAD)
git checkout -q -f kvmx-bench
gate_run() { # NAME ARGS...: wall milliseconds on stdout
  local name=$1 s e
  shift
  s=$(now)
  "$kvmx" gate --config kvm-x86 --tier queue --repo "$repo" -j "$jobs" --no-checks --format json \
    --output "$out/$name" "$@" "$base..$c4" > "$out/$name.json" 2> "$out/$name.err" || true
  e=$(now)
  echo $(( (e - s) / 1000000 ))
}
warm_ms=$(gate_run warmup)
mkdir -p "$out/hand"
hand=$(python3 "$here/gate_by_hand.py" "$src/rules/gate/kvm-x86.yaml" "$repo" "$base..$c4" "$out/hand" "$jobs" queue)
fresh_ms=$(gate_run fresh --work-dir "$out/work")
kept_ms=$(gate_run kept --work-dir "$out/work")
python3 - "$hand" "$out" "$warm_ms" "$fresh_ms" "$kept_ms" <<'PY'
import json, sys
hand = json.loads(sys.argv[1])
out = sys.argv[2]
def load(name):
    return json.load(open(f"{out}/{name}.json"))
def cc(r):
    steps = [s for c in r["commits"] for s in c["steps"]]
    hits = sum(s.get("ccache", {}).get("hits", 0) for s in steps)
    return hits, hits + sum(s.get("ccache", {}).get("misses", 0) for s in steps)
def steps(r):
    return sum(s["seconds"] for c in r["commits"] for s in c["steps"])
try:
    lines = open(f"{out}/hand/ccache-stats.log").read().split("\n")
    probe, hh, ht = False, 0, 0
    for l in lines:
        if l.startswith("# "):
            probe = l in ("# /dev/null", "# -")
        elif not probe and l in ("direct_cache_hit", "preprocessed_cache_hit"):
            hh += 1; ht += 1
        elif not probe and l == "cache_miss":
            ht += 1
except OSError:
    hh = ht = 0
print("overhead (clean range of %d commits, tier queue, warm ccache):" % hand["commits"])
for name, ms, what in [("warmup", sys.argv[3], "scratch tree, warm-up"), ("fresh", sys.argv[4], "fresh --work-dir"),
                       ("kept", sys.argv[5], "kept --work-dir")]:
    r = load(name)
    h, t = cc(r)
    w = int(ms) / 1000
    print("  kvmx gate (%-21s): wall %6.1f s, its steps %6.1f s, outside them %5.1f s; ccache %d/%d"
          % (what, w, steps(r), w - steps(r), h, t))
print("  by hand (fresh clone):            loop %6.1f s, commands %6.1f s, checkouts %5.1f s; ccache %d/%d; failures %d"
      % (hand["loop_seconds"], hand["command_seconds"], hand["loop_seconds"] - hand["command_seconds"], hh, ht,
         hand["failures"]))
fresh = int(sys.argv[4]) / 1000
print("  overhead ratio, gate in a fresh work dir / by-hand loop: %.3f" % (fresh / hand["loop_seconds"]))
print("  overhead ratio, gate wall / its own steps (fresh):        %.3f" % (fresh / steps(load("fresh"))))
for n in load("fresh")["notes"]:
    print("  gate " + n)
PY
du -sh "$out/hand/build"/* 2>/dev/null | sed 's/^/  by hand: /' || true
du -sh "$CCACHE_DIR" | sed 's/^/  ccache directory: /'
# Leave the cache repository clean for the next run.
git checkout -q -f master && git clean -q -fdx
rm -rf "$out/hand" "$out/work"
echo "reports and logs: $out"
exit $checks
