#!/usr/bin/env bash
# slurm.sh: a real, throw-away Slurm cluster of N nodes on this one Linux machine, for the Slurm tests,
# the demos and the benchmark.
#
# One munged (as user munge, with its own key and socket), one slurmctld and one `slurmd -N n<i>` per
# node, each node with its own Port=, NodeHostname = this host's short hostname and NodeAddr=127.0.1.<i>
# (a loopback address of its own, so a job's tasks have distinct addresses as on a real cluster).
# With FASTGPU_SLURM_BRIDGE=1 the daemons are reached on the bridge of scripts/testhosts.sh instead
# (fgbr0, 10.77.0.1/24): slurmctld at 10.77.0.1 and node i at 10.77.0.<200+i> (an address of its own,
# added to fgbr0; the test hosts are 10.77.0.11..42), so that a test host can be the cluster's login
# node over SSH. The hosts share this machine's /usr, /etc and /var: Slurm's commands, slurm.conf and
# the munge socket. Such a cluster needs its own FASTGPU_SLURM_DIR and FASTGPU_SLURM_PORT.
# Debian's slurm-wlm 22.05 + munge. Config, state, logs and PID files all live under one work folder;
# daemons are stopped by the PIDs this script recorded, and nothing else on the machine is touched.
#
# Usage: scripts/slurm.sh up N | down | status | env | --help
# Exit codes: 0 ok, 1 failure, 2 bad usage, 3 cannot run here (not root, no Slurm): skip the tests.
set -euo pipefail

readonly WORK_DEFAULT=/var/lib/fastgpu-slurm
readonly MARKER=.fastgpu-slurm
readonly MAX_NODES=16
PROG="slurm"
W="${FASTGPU_SLURM_DIR:-$WORK_DEFAULT}"
CTLD_PORT="${FASTGPU_SLURM_PORT:-16817}"
# The test hosts' bridge (scripts/testhosts.sh): with FASTGPU_SLURM_BRIDGE=1 the daemons are reached on it.
readonly BRIDGE=fgbr0 BRIDGE_NET=10.77.0 BRIDGE_IP=10.77.0.1 BRIDGE_NODE_BASE=200
ON_BRIDGE="${FASTGPU_SLURM_BRIDGE:-0}"

usage() {
  cat <<'EOF'
Usage: scripts/slurm.sh COMMAND

A real Slurm cluster on this machine: munged, slurmctld and N slurmd (nodes n1..nN, partition
"debug", 2 fake GPUs per node) for the Slurm backend's tests, demos and benchmark. Needs root.

Commands:
  up N      bring up exactly N nodes (1..16); idempotent: a running cluster of N nodes is kept,
            another size is restarted. Installs slurm-wlm and munge first when missing.
  down      stop the daemons this script started (by their recorded PIDs); keeps the work folder.
  status    one line per daemon and the nodes' states; exit 0 only if all run and the nodes answer.
  env       print `export SLURM_CONF=... FASTGPU_SLURM_*=...` lines (eval "$(scripts/slurm.sh env)").
  --help    this text.

Environment:
  FASTGPU_SLURM_DIR    work folder (default /var/lib/fastgpu-slurm)
  FASTGPU_SLURM_PORT   slurmctld's port (default 16817); node i's slurmd listens on PORT+i
  FASTGPU_SLURM_BRIDGE 1: on the test hosts' bridge (below); needs FASTGPU_SLURM_DIR and
                       FASTGPU_SLURM_PORT other than the defaults, and `scripts/testhosts.sh up`

Addresses: slurmctld at 127.0.0.1 and node i at 127.0.1.i; with FASTGPU_SLURM_BRIDGE=1, slurmctld
at 10.77.0.1 and node i at 10.77.0.<200+i> (added to fgbr0), so that a test host of
scripts/testhosts.sh can log in over SSH and run sbatch/srun. `up` restarts a running cluster whose
addresses do not fit. The node addresses stay on fgbr0 after `down`; they go with the bridge, and
then slurmctld cannot reach its nodes (a cancelled job stays COMPLETING, its steps run on): `status`
says so, `up` puts them back. Hence the bridge cluster is a separate one, not the shared default.
Example (a second cluster, beside the default one):
  FASTGPU_SLURM_BRIDGE=1 FASTGPU_SLURM_DIR=/var/lib/fastgpu-slurm-login FASTGPU_SLURM_PORT=16917 \
    scripts/slurm.sh up 3

Files (under the work folder): slurm.conf, gres.conf, munge/ (key, socket, log), state/, spool/,
log/ (slurmctld.log, slurmd-n<i>.log), run/ (PID files).
Exit codes: 0 ok, 1 failure, 2 usage, 3 cannot run here (not root, Slurm or munge missing).
EOF
}

say()  { printf '%s: %s\n' "$PROG" "$*"; }
die()  { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
cannot_run() { printf '%s: cannot run here: %s\n' "$PROG" "$*" >&2; exit 3; }
usage_error() { printf '%s: %s (see scripts/slurm.sh --help)\n' "$PROG" "$*" >&2; exit 2; }

need_root() { [ "$(id -u)" = 0 ] || cannot_run "needs root (slurmd and munged run as system daemons)"; }

install_missing() {
  local need=()
  command -v slurmctld >/dev/null || need+=(slurmctld)
  command -v slurmd >/dev/null || need+=(slurmd)
  command -v sbatch >/dev/null || need+=(slurm-client)
  command -v munged >/dev/null || need+=(munge)
  [ ${#need[@]} -eq 0 ] && return 0
  say "installing ${need[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      slurm-wlm "${need[@]}" >/dev/null; } || cannot_run "cannot install ${need[*]} (apt-get failed)"
}

# A PID file's process, if it is still alive and is the daemon named $2.
alive() {
  local f=$1 name=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -qx "$name" "/proc/$pid/comm" 2>/dev/null
}

stop_pidfile() {
  local f=$1 name=$2 pid i
  alive "$f" "$name" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

# True when the test hosts' bridge is up with its address.
bridge_up() {
  local a
  a=$(ip -4 -o addr show dev "$BRIDGE" 2>/dev/null) || return 1   # not `ip | grep -q`: pipefail and SIGPIPE
  [[ "$a" == *" inet $BRIDGE_IP/24 "* ]]
}
ctld_addr() { if [ "$ON_BRIDGE" = 1 ]; then echo "$BRIDGE_IP"; else echo 127.0.0.1; fi; }
node_addr() { if [ "$ON_BRIDGE" = 1 ]; then echo "$BRIDGE_NET.$((BRIDGE_NODE_BASE + $1))"; else echo "127.0.1.$1"; fi; }

# On the bridge: the checks before anything starts, and node i's address on fgbr0 (idempotent).
check_bridge() {
  [ "$ON_BRIDGE" = 1 ] || return 0
  [ "$W" != "$WORK_DEFAULT" ] && [ "$CTLD_PORT" != 16817 ] \
    || usage_error "FASTGPU_SLURM_BRIDGE=1 needs its own FASTGPU_SLURM_DIR and FASTGPU_SLURM_PORT (not $WORK_DEFAULT, 16817)"
  bridge_up || cannot_run "the test hosts' bridge $BRIDGE ($BRIDGE_IP) is not up: run 'scripts/testhosts.sh up 4' first"
}
add_node_addrs() {
  local n=$1 i
  [ "$ON_BRIDGE" = 1 ] || return 0
  for i in $(seq "$n"); do
    ip addr replace "$(node_addr "$i")/32" dev "$BRIDGE" || die "cannot add $(node_addr "$i") to $BRIDGE"
  done
}

write_config() {
  local n=$1 host
  host=$(hostname -s)
  mkdir -p "$W"/{munge,state,spool,log,run}
  touch "$W/$MARKER"
  chmod 755 "$W"
  {
    echo "# Written by scripts/slurm.sh: a $n-node test cluster on this machine."
    echo "ClusterName=fastgpu"
    echo "SlurmctldHost=$host($(ctld_addr))"
    echo "SlurmctldPort=$CTLD_PORT"
    echo "SlurmUser=root"
    echo "SlurmdUser=root"
    echo "AuthType=auth/munge"
    echo "CredType=cred/munge"
    echo "AuthInfo=socket=$W/munge/munge.socket"
    echo "StateSaveLocation=$W/state"
    echo "SlurmdSpoolDir=$W/spool/%n"
    echo "SlurmctldPidFile=$W/run/slurmctld.pid"
    echo "SlurmdPidFile=$W/run/slurmd-%n.pid"
    echo "SlurmctldLogFile=$W/log/slurmctld.log"
    echo "SlurmdLogFile=$W/log/slurmd-%n.log"
    echo "ProctrackType=proctrack/linuxproc"
    echo "TaskPlugin=task/none"
    echo "MpiDefault=none"
    echo "SelectType=select/cons_tres"
    echo "SelectTypeParameters=CR_Core"
    echo "SchedulerType=sched/backfill"
    echo "SlurmdParameters=config_overrides"
    echo "ReturnToService=2"
    echo "AccountingStorageType=accounting_storage/none"
    echo "JobCompType=jobcomp/none"
    echo "MailProg=/bin/true"
    echo "JobAcctGatherType=jobacct_gather/none"
    echo "GresTypes=gpu"
    echo "KillWait=5"
    echo "MinJobAge=30"
    echo "InactiveLimit=0"
    echo "SlurmctldTimeout=30"
    echo "SlurmdTimeout=60"
    echo "SlurmctldDebug=info"
    echo "SlurmdDebug=info"
    for i in $(seq "$n"); do
      echo "NodeName=n$i NodeHostname=$host NodeAddr=$(node_addr "$i") Port=$((CTLD_PORT + i)) CPUs=2 RealMemory=1000 Gres=gpu:2 State=UNKNOWN"
    done
    echo "PartitionName=debug Nodes=n[1-$n] Default=YES MaxTime=01:00:00 State=UP OverSubscribe=NO"
  } > "$W/slurm.conf.new"
  # Two fake GPUs per node (character devices like /dev/null), so jobs can ask for gres and see it scheduled.
  mkdir -p "$W/dev"
  for i in 0 1; do [ -c "$W/dev/gpu$i" ] || mknod "$W/dev/gpu$i" c 1 3; done
  echo "NodeName=n[1-$n] Name=gpu File=$W/dev/gpu[0-1]" > "$W/gres.conf"
  mv "$W/slurm.conf.new" "$W/slurm.conf"
  chmod 644 "$W/slurm.conf" "$W/gres.conf"
}

start_munge() {
  alive "$W/run/munged.pid" munged && return 0
  chown munge:munge "$W/munge"
  chmod 700 "$W/munge"
  if [ ! -s "$W/munge/munge.key" ]; then
    dd if=/dev/urandom of="$W/munge/munge.key" bs=1 count=1024 status=none
  fi
  chown munge:munge "$W/munge/munge.key"
  chmod 400 "$W/munge/munge.key"
  rm -f "$W/munge/munge.socket" "$W/munge/munge.socket.lock"
  runuser -u munge -- /usr/sbin/munged --socket="$W/munge/munge.socket" --key-file="$W/munge/munge.key" \
    --pid-file="$W/munge/munged.pid" --log-file="$W/munge/munged.log" --seed-file="$W/munge/munged.seed" --force \
    || die "munged did not start; see $W/munge/munged.log"
  local i
  for i in $(seq 50); do [ -S "$W/munge/munge.socket" ] && [ -s "$W/munge/munged.pid" ] && break; sleep 0.1; done
  cp "$W/munge/munged.pid" "$W/run/munged.pid"
  alive "$W/run/munged.pid" munged || die "munged did not start; see $W/munge/munged.log"
  # The socket folder must be reachable for the clients (root here) and slurmd.
  chmod 711 "$W/munge"
}

nodes_configured() { sed -n 's/^NodeName=\(n[0-9]*\) .*/\1/p' "$W/slurm.conf" 2>/dev/null | wc -l; }

all_running() {
  local n=$1 i
  [ -f "$W/slurm.conf" ] || return 1
  [ "$(nodes_configured)" = "$n" ] || return 1
  grep -qxF "SlurmctldHost=$(hostname -s)($(ctld_addr))" "$W/slurm.conf" || return 1
  alive "$W/run/munged.pid" munged && alive "$W/run/slurmctld.pid" slurmctld || return 1
  for i in $(seq "$n"); do alive "$W/run/slurmd-n$i.pid" slurmd || return 1; done
}

# The nodes together, then slurmctld and munged together (each daemon takes about 2 s to end).
stop_all() {
  local f pids=()
  for f in "$W"/run/slurmd-*.pid; do [ -e "$f" ] && { stop_pidfile "$f" slurmd & pids+=($!); }; done
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
  stop_pidfile "$W/run/slurmctld.pid" slurmctld &
  stop_pidfile "$W/run/munged.pid" munged
  wait
  return 0
}

wait_idle() {
  local n=$1 i states
  for i in $(seq 100); do
    states=$(SLURM_CONF="$W/slurm.conf" sinfo -h -N -o '%N %t %E' 2>/dev/null | sort -u)
    [ "$(grep -cE ' (idle|alloc|mix) ' <<<"$states")" = "$n" ] && return 0
    grep -q ' inval ' <<<"$states" && die "nodes refused: $(grep ' inval ' <<<"$states" | head -1); see $W/log/"
    sleep 0.3
  done
  die "nodes did not become idle: $(tr '\n' ';' <<<"$states") see $W/log/"
}

cmd_up() {
  local n=${1:-}
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le $MAX_NODES ] || usage_error "up needs N in 1..$MAX_NODES"
  need_root
  [ "$ON_BRIDGE" = 0 ] || [ "$ON_BRIDGE" = 1 ] || usage_error "FASTGPU_SLURM_BRIDGE must be 0 or 1 (got '$ON_BRIDGE')"
  check_bridge
  install_missing
  local t0=$SECONDS
  if all_running "$n"; then
    add_node_addrs "$n"
    wait_idle "$n"
    say "$n node(s) already up (SLURM_CONF=$W/slurm.conf)"
    return 0
  fi
  stop_all
  write_config "$n"
  add_node_addrs "$n"
  start_munge
  export SLURM_CONF="$W/slurm.conf"
  # -c: a fresh controller state each time (no jobs of a former cluster come back)
  /usr/sbin/slurmctld -c -f "$W/slurm.conf" >>"$W/log/slurmctld.out" 2>&1 || die "slurmctld did not start; see $W/log/slurmctld.log"
  local i
  for i in $(seq "$n"); do
    mkdir -p "$W/spool/n$i"
    /usr/sbin/slurmd -N "n$i" -f "$W/slurm.conf" >>"$W/log/slurmd-n$i.out" 2>&1 || die "slurmd n$i did not start; see $W/log/slurmd-n$i.log"
  done
  for i in $(seq 50); do all_running "$n" && break; sleep 0.1; done
  all_running "$n" || die "not every daemon is running; see $W/log/"
  wait_idle "$n"
  say "$n node(s) up in $((SECONDS - t0))s (SLURM_CONF=$W/slurm.conf, slurmctld at $(ctld_addr):$CTLD_PORT)"
}

cmd_down() {
  need_root
  [ -d "$W" ] || { say "nothing to stop"; return 0; }
  stop_all
  say "stopped"
}

cmd_status() {
  local ok=0 f name
  [ -f "$W/slurm.conf" ] || { say "not set up ($W/slurm.conf missing)"; return 1; }
  for f in "$W/run/munged.pid" "$W/run/slurmctld.pid" "$W"/run/slurmd-*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    if alive "$f" "${name%%-*}"; then say "$name running (pid $(cat "$f"))"; else say "$name NOT running"; ok=1; fi
  done
  alive "$W/run/slurmctld.pid" slurmctld || { say "slurmctld NOT running"; return 1; }
  # On the bridge: a node whose address went with the bridge (scripts/testhosts.sh down) cannot be reached by
  # slurmctld; a job cancelled then stays COMPLETING and its steps run on. `up` puts the addresses back.
  local a
  for a in $(sed -n "s/^NodeName=.* NodeAddr=\($BRIDGE_NET\.[0-9]*\) .*/\1/p" "$W/slurm.conf"); do
    [ -n "$(ip -4 -o addr show to "$a/32" 2>/dev/null)" ] \
      || { say "node address $a is not on this machine (the bridge $BRIDGE went away?): slurmctld cannot reach that node; run up again"; ok=1; }
  done
  SLURM_CONF="$W/slurm.conf" sinfo -N -o '%N %P %t %G' || ok=1
  return $ok
}

cmd_env() {
  echo "export SLURM_CONF=$W/slurm.conf"
  echo "export FASTGPU_SLURM_CONF=$W/slurm.conf"
  echo "export FASTGPU_SLURM_DIR=$W"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h|--help|help) usage ;;
  "") usage_error "missing command" ;;
  *) usage_error "unknown command '$1'" ;;
esac
