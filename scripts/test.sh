#!/usr/bin/env bash
# The project's test command: unit, contract and end-to-end tests, then the README's main job
# (the gesture demo launched on the local backend) as a new user would run it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/install-prereqs.sh
# Real machines for the SSH tests: network-namespace hosts with their own sshd (needs root; without
# root the SSH tests skip and say why).
hosts_up=0
if scripts/testhosts.sh up 4; then hosts_up=1; else echo "test hosts unavailable: the SSH tests will skip" >&2; fi
mvn -B -q -Dstyle.color=never verify
home="$(mktemp -d)"
out="$(mktemp -d)"
cleanup() {
  FASTGPU_HOME="$home" ./fastgpu kill "{gtc-demo}" --yes >/dev/null 2>&1 || true
  rm -rf "$home" "$out"
  [ "$hosts_up" = 1 ] && scripts/testhosts.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT
echo "== end to end: ./fastgpu launch examples/gesture --yes"
FASTGPU_HOME="$home" ./fastgpu launch examples/gesture --yes --out "$out"
test -s "$out/gtc-demo/save_model.pth" || { echo "the demo did not bring back save_model.pth" >&2; exit 1; }
FASTGPU_HOME="$home" ./fastgpu ls --stop | grep -q 'task0.gtc-demo .* stopped' \
  || { echo "the demo's machine is not stopped after the launch" >&2; exit 1; }
echo "All tests passed."
