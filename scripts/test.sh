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
home="$(mktemp -d)"
out="$(mktemp -d)"
cleanup() {
  for job in gtc-demo cnn-benchmark; do FASTGPU_HOME="$home" ./fastgpu kill "{$job}" --yes >/dev/null 2>&1 || true; done
  rm -rf "$home" "$out"
  if [ "$hosts_up" = 1 ]; then scripts/testhosts.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
if scripts/testhosts.sh up 4; then hosts_up=1; else echo "test hosts unavailable: the SSH tests will skip" >&2; fi
mvn -B -q -Dstyle.color=never verify
echo "== end to end: ./fastgpu launch examples/gesture --yes"
FASTGPU_HOME="$home" ./fastgpu launch examples/gesture --yes --out "$out"
test -s "$out/gtc-demo/save_model.pth" || { echo "the demo did not bring back save_model.pth" >&2; exit 1; }
FASTGPU_HOME="$home" ./fastgpu ls --stop | grep -q 'task0.gtc-demo .* stopped' \
  || { echo "the demo's machine is not stopped after the launch" >&2; exit 1; }
if [ "$hosts_up" = 1 ]; then
  # The same demos with backend: ssh, on 2 and 4 real sshd hosts.
  eval "$(scripts/testhosts.sh env)"
  mkdir -p "$home/fleets"
  { echo "defaults: {user: root, key: $FASTGPU_TESTHOSTS_KEY}"
    echo "known_hosts: $FASTGPU_TESTHOSTS_KNOWN_HOSTS"
    echo "hosts:"; sed 's/.*/  - {host: &}/' "$FASTGPU_TESTHOSTS_HOSTS"; } > "$home/fleets/testhosts.yaml"
  ssh_launch() { FASTGPU_HOME="$home" ./fastgpu launch "$@" --yes --backend ssh --fleet testhosts --out "$out"; }
  echo "== end to end over SSH: gesture demo on 2 hosts"
  ssh_launch examples/gesture --machines 2
  test -s "$out/gtc-demo/save_model.pth" || { echo "the ssh demo did not bring back save_model.pth" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{gtc-demo}" --yes
  for n in 2 4; do
    echo "== end to end over SSH: CNN benchmark on $n hosts"
    ssh_launch examples/cnn-benchmark --machines "$n"
    grep -q "^$n  *$n " "$out/cnn-benchmark/efficiency.txt" || { echo "no $n-node row in the efficiency table" >&2; exit 1; }
    FASTGPU_HOME="$home" ./fastgpu kill "{cnn-benchmark}" --yes
  done
fi
echo "All tests passed."
