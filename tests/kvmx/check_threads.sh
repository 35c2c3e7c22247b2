#!/bin/sh
# kvmx check over a range with worker threads: the findings with -j 4 must be
# those of -j 1, in the same order. Built with KVMX_SANITIZE=thread this is
# the ThreadSanitizer run of the checker's threads (a race exits 66).
# Usage: check_threads.sh <kvmx binary>
set -eu
kvmx=$1
command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
git init -q repo
cd repo
export GIT_AUTHOR_NAME="Jane Developer" GIT_AUTHOR_EMAIL=jane@example.com
export GIT_COMMITTER_NAME="Jane Developer" GIT_COMMITTER_EMAIL=jane@example.com
export GIT_AUTHOR_DATE=1700000000 GIT_COMMITTER_DATE=1700000000
mkdir -p arch/x86/kvm
echo "int x;" > arch/x86/kvm/x86.c
git add . && git commit -q -m "KVM: x86: Add the file" -m "Signed-off-by: Jane Developer <jane@example.com>"
base=$(git rev-parse HEAD)
# 64 commits, every third with findings (no sign-off, a lowercase shortlog),
# and a merge, so several chunks go to several threads.
i=1
while [ $i -le 64 ]; do
  echo "int x$i;" >> arch/x86/kvm/x86.c
  if [ $((i % 3)) -eq 0 ]; then
    git commit -q -a -m "kvm: x86: change $i" -m "Change the file for step $i."
  else
    git commit -q -a -m "KVM: x86: Change the file for step $i" -m "Add the variable of step $i." \
      -m "Signed-off-by: Jane Developer <jane@example.com>"
  fi
  if [ $i -eq 32 ]; then
    git checkout -q -b side "$base"
    echo "side" > arch/x86/kvm/side.c && git add arch/x86/kvm/side.c
    git commit -q -m "KVM: x86: Add a side file" -m "Signed-off-by: Jane Developer <jane@example.com>"
    git checkout -q - && git merge -q --no-edit side
  fi
  i=$((i + 1))
done
status=0
"$kvmx" check --format json -j 1 "$base..HEAD" > ../one.json || status=$?
[ $status -eq 1 ] || { echo "check -j 1 exited $status, not 1"; exit 1; }
for jobs in 4 8; do
  status=0
  "$kvmx" check --format json -j $jobs "$base..HEAD" > ../many.json || status=$?
  [ $status -eq 1 ] || { echo "check -j $jobs exited $status, not 1"; exit 1; }
  cmp -s ../one.json ../many.json || { echo "check -j $jobs differs from -j 1:"; diff ../one.json ../many.json | head; exit 1; }
done
grep -q '"patches": 65' ../one.json || { echo "expected 65 patches (merge left out):"; grep '"patches"' ../one.json; exit 1; }
echo "check -j 1, 4 and 8 agree over 66 commits"
