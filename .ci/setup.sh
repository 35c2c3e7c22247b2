#!/usr/bin/env bash
# Install the Debian 12 packages kvmx needs; do nothing when all are present.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config git git-email libmailtools-perl clang libclang-rt-14-dev
      libgit2-dev libcli11-dev libyaml-cpp-dev catch2 nlohmann-json3-dev
      libgmime-3.0-dev zlib1g-dev libsqlite3-dev sqlite3 libcpp-httplib-dev python3
      python3-jsonschema
      flex bison bc libelf-dev libssl-dev ccache
      chromium fonts-dejavu-core)
# python3-jsonschema: the SARIF 2.1.0 schema test. The line from flex to
# ccache: what the kvm-x86 gate configuration's preflight asks of a kernel
# build host; tests/kvmx/gate_kernel_test.cpp runs it on a stand-in kernel
# tree. chromium and a font: the browser test of kvmx serve
# (tests/browser/serve_browser_test.py).
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
