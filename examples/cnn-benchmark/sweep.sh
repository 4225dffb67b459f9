#!/usr/bin/env bash
# Runs the benchmark on this machine with 1, 2 and 4 processes (loopback rendezvous, no FastGPU) and
# prints the parallel-efficiency table.
#
#   sweep.sh [benchmark.py options...]
#
# Environment: PROCS (default "1 2 4" on a CPU; 1 2 4 8 up to the GPU count on GPUs), OUT (the records' folder, default ./sweep-results; emptied of
# earlier cnn-*.json first), PYTHON (default /usr/bin/python3), TIMEOUT (seconds per run, default 300).
# Default benchmark options on a CPU: --model small --batch-size 16 --image-size 64 --steps 20
# --warmup-steps 3 --threads 1 (one thread per process: the table then shows how throughput grows with
# workers, up to the number of cores); on GPUs: --model resnet50 --batch-size 32 --image-size 224
# --steps 20 --warmup-steps 5. Options given here are added after them, so they win.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/usr/bin/python3}
out=${OUT:-./sweep-results}
limit=${TIMEOUT:-300}
gpus=$("$py" -c 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)' 2>/dev/null || echo 0)
if [ "$gpus" -gt 0 ]; then
  defaults=(--model resnet50 --batch-size 32 --image-size 224 --steps 20 --warmup-steps 5)
  procs=${PROCS:-$(n=1; while [ $n -le "$gpus" ]; do printf '%s ' $n; n=$((n * 2)); done)}
else
  defaults=(--model small --batch-size 16 --image-size 64 --steps 20 --warmup-steps 3 --threads 1)
  procs=${PROCS:-1 2 4}
fi

mkdir -p "$out"
rm -f "$out"/cnn-*.json
free_port() {
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
for n in $procs; do
  echo "== $n process(es)"
  # FastGPU's variables, if any, must not turn this local run into a piece of a multi-node job.
  env -u FASTGPU_NUM_NODES -u FASTGPU_NODE_RANK -u FASTGPU_MASTER_ADDR -u FASTGPU_MASTER_PORT \
    timeout -k 5 "$limit" bash "$here/run_node.sh" --nproc "$n" --nnodes 1 --node-rank 0 \
      --master-addr 127.0.0.1 --master-port "$(free_port)" \
      "$py" "$here/benchmark.py" "${defaults[@]}" "$@" --json-out "$out/cnn-$n-1.json"
done
echo
"$py" "$here/efficiency.py" "$out"
