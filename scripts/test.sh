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
slurm_up=0
# A run's downloads land in a folder named like its log folder (gtc-demo, then gtc-demo.01 ...): the newest one.
newest() { ls -dt "$out"/$1 2>/dev/null | head -n 1; }
home="$(mktemp -d)"
out="$(mktemp -d)"
emu="$(mktemp -d)"
quick="$(mktemp -d)"
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$emu"
  for job in gtc-demo cnn-benchmark; do FASTGPU_HOME="$home" ./fastgpu kill "{$job}" --yes >/dev/null 2>&1 || true; done
  # The commands above started the home's resident agent: it goes with the home.
  FASTGPU_HOME="$home" ./fastgpu agent stop >/dev/null 2>&1 || true
  rm -rf "$home" "$out" "$quick"
  # The Slurm cluster on the test hosts' bridge that cli's SlurmLoginTest brings up and downs itself: gone
  # also when the run was cut short (by recorded PIDs; nothing to do when it is not there).
  FASTGPU_SLURM_DIR=/var/lib/fastgpu-slurm-login scripts/slurm.sh down >/dev/null 2>&1 || true
  if [ "$hosts_up" = 1 ]; then scripts/testhosts.sh down >/dev/null 2>&1 || true; fi
  if [ "$slurm_up" = 1 ]; then scripts/slurm.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
if scripts/testhosts.sh up 4; then hosts_up=1; else echo "test hosts unavailable: the SSH tests will skip" >&2; fi
# PyTorch 2.x for the torchrun tests (Debian's torch 1.13 has a torchrun that does not start on Python
# 3.11): a venv on the file system the test hosts and Slurm nodes share, made once (30-60 s), then found (3 s).
if torch_py="$(scripts/torch-venv.sh path)"; then :; else
  rc=$?; [ "$rc" = 3 ] || exit "$rc"; torch_py=; echo "no PyTorch >= 2 here: the torchrun tests skip" >&2
fi
# With the test hosts up, this includes Slurm through a login host over SSH (cli's SlurmLoginTest, on a cluster
# of its own on the hosts' bridge).
# Two modules at a time: their tests mostly wait (on machines, daemons and timeouts), and modules that can run
# together share no test resource (the test hosts serve providers/ssh alone, the Slurm cluster providers/slurm).
mvn -B -q -T 2 -Dstyle.color=never verify
echo "== end to end: ./fastgpu launch examples/gesture --yes"
FASTGPU_HOME="$home" ./fastgpu launch examples/gesture --yes --out "$out"
test -s "$(newest "gtc-demo*")/GTC/save_model.pth" || { echo "the demo did not bring back save_model.pth" >&2; exit 1; }
FASTGPU_HOME="$home" ./fastgpu ls --stop | grep -q 'task0.gtc-demo .* stopped' \
  || { echo "the demo's machine is not stopped after the launch" >&2; exit 1; }
# Metrics and models: the accuracy curve the training pushed, and the model the job file registered, byte-identical.
FASTGPU_HOME="$home" ./fastgpu metrics gtc-demo
FASTGPU_HOME="$home" ./fastgpu metrics gtc-demo --json | python3 -c 'import json, sys
m = {x["name"]: x for x in json.load(sys.stdin)[0]["metrics"]}
assert "test_acc" in m and m["test_acc"]["count"] >= 10 and m["test_acc"]["latest"] >= 0.9, sorted(m)' \
  || { echo "'fastgpu metrics gtc-demo' does not show the accuracy curve" >&2; exit 1; }
FASTGPU_HOME="$home" ./fastgpu models download gesture:v1 --out "$out/registry"
cmp "$(newest "gtc-demo*")/GTC/save_model.pth" "$out/registry/save_model.pth" \
  || { echo "'fastgpu models download gesture:v1' is not the model the demo brought back" >&2; exit 1; }
# A job's machines live on one backend: release the local one before the same job goes to the cloud.
FASTGPU_HOME="$home" ./fastgpu kill "{gtc-demo}" --yes
# On the other backends the same demo trains 16 epochs instead of 30 (what they test is the backend, not the
# training, which the run above covers): a copy of it, the training step's one line changed.
cp -r examples/gesture "$quick/gesture"
sed -i 's|\./run\.sh 2>&1|./run.sh --epochs 16 2>\&1|' "$quick/gesture/job.yaml"
grep -q 'run.sh --epochs 16 2>&1' "$quick/gesture/job.yaml" || { echo "the gesture job's training step has changed: update test.sh" >&2; exit 1; }
# The same demo, and the CNN benchmark on 2 machines, with backend: aliyun against the emulated Alibaba Cloud
# (the official SDKs, real SSH machines behind its instances): from the cost prompt to the stopped instances.
echo "== end to end on the emulated Alibaba Cloud"
export ALIYUN_EMULATOR_ACCESS_KEY_SECRET="$(head -c 18 /dev/urandom | base64)"
FASTGPU_HOME="$home" ./fastgpu emulator aliyun --access-key-id ci-emulator --state "$emu/state.json" \
  --boot-latency-ms 1000 --env-file "$emu/env" > "$emu/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 120); do [ -s "$emu/env" ] && grep -q '^Point FastGPU at it with:' "$emu/emulator.log" && break; sleep 0.5; done
[ -s "$emu/env" ] || { cat "$emu/emulator.log" >&2; echo "the emulator did not start" >&2; exit 1; }
# Its machines obey their security groups (the default): a launch that forgets the caller's SSH rule fails here.
grep -q 'security groups are enforced' "$emu/emulator.log" \
  || { cat "$emu/emulator.log" >&2; echo "the emulator does not enforce security groups" >&2; exit 1; }
(
  . "$emu/env"
  export FASTGPU_HOME="$home"
  echo "== gesture demo on aliyun, answering the cost prompt"
  printf 'y\n' | ./fastgpu launch "$quick/gesture" --backend aliyun --out "$out" 2> >(tee "$emu/launch.err" >&2)
  grep -q 'Costs of the resources (ECS/VPC/NAS) will be charged on your Aliyun account: about [0-9.]* per hour. Confirm to continue? (y/n)' \
    "$emu/launch.err" || { echo "no cost prompt before buying" >&2; exit 1; }
  test -s "$(newest "gtc-demo*")/GTC/save_model.pth" || { echo "the aliyun demo did not bring back save_model.pth" >&2; exit 1; }
  ./fastgpu ls --stop | grep -q 'task0.gtc-demo .* stopped' || { echo "the aliyun instance is not stopped" >&2; exit 1; }
  echo "== CNN benchmark on 2 aliyun machines"
  ./fastgpu launch examples/cnn-benchmark --backend aliyun --machines 2 --yes --out "$out"
  grep -q "^2  *2 " "$(newest "cnn-benchmark*")/efficiency.txt" || { echo "no 2-node row in the efficiency table" >&2; exit 1; }
  ./fastgpu kill "{gtc-demo}" --yes && ./fastgpu kill "{cnn-benchmark}" --yes
  left="$(./fastgpu ls -a --stop --json | grep -c '"backend" : "aliyun"' || true)"
  [ "$left" = 0 ] || { echo "$left aliyun instance(s) left after kill" >&2; exit 1; }
)
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=
# The Tikit tutorial on the emulated TI-ONE + COS (backend: tione, the official SDKs): data uploaded to COS,
# a 2-node training task whose logs stream back, its output downloaded, the task listed, then deleted.
tione="$(mktemp -d)"
TIONE_EMULATOR_SECRET_KEY=ci-tione-secret FASTGPU_HOME="$home" ./fastgpu emulator tione --access-key-id AKIDciemulator \
  --state "$tione/state" --boot-latency-ms 200 --env-file "$tione/env" > "$tione/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 120); do [ -s "$tione/env" ] && break; sleep 0.5; done
[ -s "$tione/env" ] || { cat "$tione/emulator.log" >&2; echo "the tione emulator did not start" >&2; exit 1; }
(
  set -a; TIONE_EMULATOR_SECRET_KEY=ci-tione-secret; . "$tione/env"; set +a
  export FASTGPU_HOME="$home"
  echo "== Tikit image classification on TI-ONE (emulated)"
  ./fastgpu tione upload examples/tione-classify/data cos://fastgpu-1250000000/notebook-demo-classification/data/
  ./fastgpu launch examples/tione-classify --yes --out "$tione/out" | tee "$tione/launch.out"
  grep -q '\[worker-1\] node 1 of 2' "$tione/launch.out" || { echo "no log line from the second node" >&2; exit 1; }
  test -s "$tione/out/model/model.txt" || { echo "the TI-ONE task's model did not come back" >&2; exit 1; }
  ./fastgpu logs tione-classify | grep -q 'Acc@1' || { echo "'fastgpu logs' lacks the task's output" >&2; exit 1; }
  ./fastgpu metrics tione-classify --json | grep -q '"acc1"' || { echo "'fastgpu metrics' lacks the pushed acc1" >&2; exit 1; }
  ./fastgpu ls --stop | grep -q 'tione-classify .*TI.GN10.2XLARGE40.POST' || { echo "the task is not listed" >&2; exit 1; }
  ./fastgpu kill tione-classify --yes
  echo "== the same tutorial as a single-file Java program against the API"
  java -cp cli/target/fastgpu.jar examples/tione-classify/TioneClassify.java | tee "$tione/java.out"
  grep -q '^model ' "$tione/java.out" || { echo "the Java example registered no model" >&2; exit 1; }
  id=$(sed -n 's/^run [^ ]* (\([0-9]*\))$/\1/p' "$tione/java.out")
  [ -n "$id" ] && ./fastgpu logs "$id" | grep -q 'Acc@1' || { echo "the Java example's run is not recorded" >&2; exit 1; }
  rm -rf fastgpu-out/tione-classify # what the Java example downloaded
)
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=
if [ "$hosts_up" = 1 ]; then
  # The same demos with backend: ssh, on 2 and 4 real sshd hosts.
  eval "$(scripts/testhosts.sh env)"
  mkdir -p "$home/fleets"
  { echo "defaults: {user: root, key: $FASTGPU_TESTHOSTS_KEY}"
    echo "known_hosts: $FASTGPU_TESTHOSTS_KNOWN_HOSTS"
    echo "hosts:"; sed 's/.*/  - {host: &}/' "$FASTGPU_TESTHOSTS_HOSTS"; } > "$home/fleets/testhosts.yaml"
  ssh_launch() { FASTGPU_HOME="$home" ./fastgpu launch "$@" --yes --backend ssh --fleet testhosts --out "$out"; }
  echo "== end to end over SSH: gesture demo on 2 hosts"
  ssh_launch "$quick/gesture" --machines 2
  test -s "$(newest "gtc-demo*")/GTC/save_model.pth" || { echo "the ssh demo did not bring back save_model.pth" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{gtc-demo}" --yes
  # On 4 hosts (2 machines: the aliyun run above; 3 nodes: the Slurm run below).
  echo "== end to end over SSH: CNN benchmark on 4 hosts"
  ssh_launch examples/cnn-benchmark --machines 4
  grep -q "^4  *4 " "$(newest "cnn-benchmark*")/efficiency.txt" || { echo "no 4-node row in the efficiency table" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{cnn-benchmark}" --yes
  echo "== end to end over SSH: mpirun (OpenMPI, mpi4py allreduce) on 4 hosts"
  ssh_launch examples/mpi-allreduce --machines 4 2>&1 | tee "$home/mpi.out"
  for r in 0 1 2 3; do grep -q "rank $r of 4 on fgh[0-9]*: allreduce sum 6" "$home/mpi.out" || { echo "rank $r did not take part" >&2; exit 1; }; done
  [ "$(grep -o 'of 4 on fgh[0-9]*' "$home/mpi.out" | sort -u | wc -l)" = 4 ] || { echo "the 4 ranks did not run on 4 hosts" >&2; exit 1; }
  grep -q 'allreduce ok: 4 ranks, sum 6' "$home/mpi.out" || { echo "the mpirun allreduce was not checked" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{mpi-allreduce}" --yes
  # torchrun (2 hosts x 2 ranks, a failing rank) is providers/ssh's TorchrunLauncherTest, on Slurm (3 nodes x 2
  # ranks) providers/slurm's SlurmTorchrunTest, on the local backend providers/local's DistributedStepTest.
fi
# The same demos with backend: slurm, on a real 3-node Slurm cluster on this machine (munged, slurmctld, 3 slurmd).
if scripts/slurm.sh up 3; then
  slurm_up=1
  eval "$(scripts/slurm.sh env)"
  mkdir -p "$home/clusters"
  printf 'local: true\nslurm_conf: %s\nworkdir: %s\n' "$SLURM_CONF" "$home/slurm-work" > "$home/clusters/test.yaml"
  slurm_launch() { FASTGPU_HOME="$home" ./fastgpu launch "$@" --yes --backend slurm --cluster test --out "$out"; }
  echo "== end to end on Slurm: gesture demo"
  slurm_launch "$quick/gesture"
  test -s "$(newest "gtc-demo*")/GTC/save_model.pth" || { echo "the Slurm demo did not bring back save_model.pth" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{gtc-demo}" --yes
  echo "== end to end on Slurm: CNN benchmark on 3 nodes"
  slurm_launch examples/cnn-benchmark --machines 3
  grep -q "^3  *3 " "$(newest "cnn-benchmark*")/efficiency.txt" || { echo "no 3-node row in the efficiency table" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{cnn-benchmark}" --yes
  echo "== end to end on Slurm: mpirun (Slurm's own launch, mpi4py allreduce) on 3 nodes"
  slurm_launch examples/mpi-allreduce --machines 3 2>&1 | tee "$home/mpi.out"
  for r in 0 1 2; do grep -q "rank $r of 3 on .*: allreduce sum 3" "$home/mpi.out" || { echo "rank $r did not take part" >&2; exit 1; }; done
  grep -q 'allreduce ok: 3 ranks, sum 3' "$home/mpi.out" || { echo "the mpirun allreduce was not checked" >&2; exit 1; }
  FASTGPU_HOME="$home" ./fastgpu kill "{mpi-allreduce}" --yes
  left=$(squeue -h | wc -l)
  [ "$left" = 0 ] || { echo "$left Slurm job(s) left in the queue after kill:" >&2; squeue >&2; exit 1; }
  scripts/slurm.sh down
  slurm_up=0
else
  echo "Slurm cannot start here: the Slurm demos are skipped" >&2
fi
echo "All tests passed."
