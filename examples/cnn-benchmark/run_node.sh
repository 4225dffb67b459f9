#!/usr/bin/env bash
# Starts this node's share of a distributed job: NPROC local processes of COMMAND, each with RANK,
# LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, NODE_RANK, MASTER_ADDR and MASTER_PORT in its environment, the
# way torchrun would (Debian's torchrun fails on Python 3.11). Waits for all of them; when one fails, stops
# the others and exits with its code, naming the rank.
#
#   run_node.sh [--nproc N] [--nnodes N] [--node-rank R] [--master-addr A] [--master-port P] [--] COMMAND [ARG...]
#
# Each setting comes from its option, else FastGPU's variable (FASTGPU_NUM_NODES, FASTGPU_NODE_RANK,
# FASTGPU_MASTER_ADDR, FASTGPU_MASTER_PORT), else the plain one (NNODES, NODE_RANK, MASTER_ADDR,
# MASTER_PORT), else 1 node, rank 0, 127.0.0.1:29500. NPROC (processes on this node) defaults to 1.
set -u
me=run_node

nproc=${NPROC:-1}
nnodes=${FASTGPU_NUM_NODES:-${NNODES:-1}}
node_rank=${FASTGPU_NODE_RANK:-${NODE_RANK:-0}}
addr=${FASTGPU_MASTER_ADDR:-${MASTER_ADDR:-127.0.0.1}}
port=${FASTGPU_MASTER_PORT:-${MASTER_PORT:-29500}}

usage() { sed -n '7p' "$0" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --nproc) nproc=${2-}; shift 2 || usage ;;
    --nnodes) nnodes=${2-}; shift 2 || usage ;;
    --node-rank) node_rank=${2-}; shift 2 || usage ;;
    --master-addr) addr=${2-}; shift 2 || usage ;;
    --master-port) port=${2-}; shift 2 || usage ;;
    --) shift; break ;;
    -h|--help) usage ;;
    -*) echo "$me: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "$me: no command to run" >&2; usage; }
for v in nproc nnodes node_rank port; do
  case ${!v} in ''|*[!0-9]*) echo "$me: $v must be a whole number, was '${!v}'" >&2; exit 2 ;; esac
done
[ "$nproc" -ge 1 ] && [ "$nnodes" -ge 1 ] && [ "$node_rank" -lt "$nnodes" ] \
  || { echo "$me: need nproc >= 1, nnodes >= 1 and node-rank < nnodes (got $nproc, $nnodes, $node_rank)" >&2; exit 2; }
world=$((nnodes * nproc))

# Job control: each rank gets its own process group, so stopping a rank stops whatever it started too.
set -m
pids=() ranks=()
stop_all() {  # stop_all SIGNAL: signal every rank still running, then kill what is left after 5 s
  local sig=$1 p alive i
  for p in "${pids[@]}"; do [ -n "$p" ] && kill -s "$sig" -- "-$p" 2>/dev/null; done
  for ((i = 0; i < 50; i++)); do
    alive=0
    for p in "${pids[@]}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do [ -n "$p" ] && kill -s KILL -- "-$p" 2>/dev/null; done
  for p in "${pids[@]}"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
}
exec 3>&2  # this script's own messages; see the wait loop
trap 'echo "$me: interrupted; stopping the ranks of node $node_rank" >&3; stop_all TERM 2>/dev/null; exit 130' INT
trap 'echo "$me: terminated; stopping the ranks of node $node_rank" >&3; stop_all TERM 2>/dev/null; exit 143' TERM HUP

for ((l = 0; l < nproc; l++)); do
  r=$((node_rank * nproc + l))
  RANK=$r LOCAL_RANK=$l WORLD_SIZE=$world LOCAL_WORLD_SIZE=$nproc NODE_RANK=$node_rank NNODES=$nnodes \
    MASTER_ADDR=$addr MASTER_PORT=$port "$@" &
  pids[l]=$!
  ranks[l]=$r
done
set +m  # the groups stay; this only silences bash's job notices ("Terminated ...")

# Wait for every rank; the first that fails stops the others. Bash's own notices of ranks ended by a signal
# ("run_node.sh: line N: 1234 Killed ...") are dropped: this loop's stderr is /dev/null, its messages go to fd 3.
left=$nproc
while [ "$left" -gt 0 ]; do
  for ((l = 0; l < nproc; l++)); do
    p=${pids[l]}
    [ -n "$p" ] || continue
    kill -0 "$p" 2>/dev/null && continue
    wait "$p" 2>/dev/null
    rc=$?
    pids[l]=
    left=$((left - 1))
    if [ "$rc" -ne 0 ]; then
      why="code $rc"
      [ "$rc" -gt 128 ] && why="$why (signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128))))"
      if [ "$left" -gt 0 ]; then
        echo "$me: rank ${ranks[l]} (node $node_rank, local $l) exited with $why; stopping the other $left rank(s) of this node" >&3
        stop_all TERM
      fi
      echo "$me: node $node_rank failed: rank ${ranks[l]} exited with $why" >&3
      exit "$rc"
    fi
  done
  [ "$left" -gt 0 ] && sleep 0.2
done 2>/dev/null
exit 0
