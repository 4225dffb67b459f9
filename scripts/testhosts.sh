#!/usr/bin/env bash
# testhosts.sh: N throw-away "test hosts" on this one Linux machine, for the SSH tests and benchmarks.
#
# Each host fgh<i> is, from the client's point of view, a real machine on a private network:
#   - its own network namespace, joined to the bridge fgbr0 (10.77.0.1/24, the client side, in the
#     root namespace) by a veth pair (fgv<i> on the bridge, eth0 inside) with address 10.77.0.<10+i>;
#   - a real OpenSSH sshd on port 22, root login by key only, with its own config, host keys and log
#     under <work>/h<i>/;
#   - its own mount, UTS and PID namespaces: /root, /tmp and /etc/hosts are bind-mounted from
#     <work>/h<i>/, `hostname` says fgh<i>, and `ps`/`pkill` see only that host's processes.
#     Every session sshd spawns inherits those namespaces.
# Everything else (binaries, /usr, /etc, /home, /var, /dev/shm) is this machine's, shared by all hosts.
#
# Usage: scripts/testhosts.sh up N | down | status | env | purge | --help   (see usage() below)
# Exit codes: 0 ok, 1 failure, 2 bad usage, 3 cannot run here (not root, no namespaces): skip the tests.
set -euo pipefail

# ---------------------------------------------------------------------------------------------------
# Fixed names. Everything this script creates or removes has one of these names (fgh<digits>,
# fgv<digits>, fgbr0) or lives under its work folder; nothing else is ever touched.
# ---------------------------------------------------------------------------------------------------
readonly NS_PREFIX=fgh VETH_PREFIX=fgv BRIDGE=fgbr0
readonly NET=10.77.0 CLIENT_IP=10.77.0.1 MAX_HOSTS=32
readonly BRIDGE_MAC=02:77:00:00:00:01        # locally administered
readonly SSHD=/usr/sbin/sshd
readonly MARKER=.fastgpu-testhosts          # in the work folder: proves the folder is ours (purge)
readonly WORK_DEFAULT=/var/lib/fastgpu-testhosts
PROG="testhosts"

usage() {
  cat <<'EOF'
Usage: scripts/testhosts.sh COMMAND

Brings up N test hosts on this machine: network namespaces fgh1..fghN at 10.77.0.11.. on the bridge
fgbr0 (10.77.0.1), each running a real sshd (root, key only) with its own /root, /tmp, hostname and
process table. For the SSH-backend tests and benchmarks. Needs root.

Commands:
  up N      bring up exactly N hosts (1..32); idempotent, repairs broken hosts, removes hosts > N.
            Installs missing Debian packages (openssh-server, iproute2, tmux, rsync, pdsh, python3,
            procps) first.
  down      stop every process on the hosts, delete fgh*/fgv*/fgbr0; keeps keys and home folders.
  status    one line per host: name, IP, whether `ssh true` answers; exit 0 only if all answer.
  env       print `export FASTGPU_TESTHOSTS_*=...` lines for tests (eval "$(... env)").
  purge     down, then delete the work folder (keys, homes, logs).
  --help    this text.

Environment:
  FASTGPU_TESTHOSTS_DIR   work folder (default /var/lib/fastgpu-testhosts); must not be under /root
                          or /tmp, which each host sees its own copy of.

Files (under the work folder):
  client/id_ed25519   client key         client/known_hosts   every host's keys (name and IP)
  client/ssh_config   Host fgh<i> / IP   client/hosts         one IP per line
  h<i>/root, h<i>/tmp the host's /root and /tmp     h<i>/sshd.log   the host's sshd log

Exit codes: 0 ok, 1 failure, 2 usage, 3 cannot run here (not root, namespaces unavailable).
Example:
  sudo scripts/testhosts.sh up 4 && eval "$(sudo scripts/testhosts.sh env)"
  ssh -F "$FASTGPU_TESTHOSTS_SSH_CONFIG" fgh2 hostname
EOF
}

say()  { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die()  { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
# The harness's skip signal: one line, exit 3.
cannot_run() { printf '%s: cannot run here: %s\n' "$PROG" "$*" >&2; exit 3; }
usage_error() { printf '%s: %s (see scripts/testhosts.sh --help)\n' "$PROG" "$*" >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

TMP=""
POLICY_RC_CREATED=0
cleanup() {
  [ -n "$TMP" ] && rm -rf "$TMP"
  # Only the policy-rc.d that install_missing() put there itself.
  [ "$POLICY_RC_CREATED" = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------
# Pre-flight
# ---------------------------------------------------------------------------------------------------
require_root() {
  [ "$(id -u)" = 0 ] || cannot_run "needs root to create network namespaces (running as uid $(id -u))"
}

require_ip_netns() {
  command -v ip >/dev/null 2>&1 || cannot_run "'ip' (iproute2) is not installed"
  ip netns list >/dev/null 2>&1 || cannot_run "'ip netns' does not work here: $(ip netns list 2>&1 | head -n1)"
}

# The kernel must let us make every namespace a host needs (fails in unprivileged containers).
require_namespaces() {
  local err
  if ! err=$(unshare --net --mount --uts --pid --fork true 2>&1); then
    cannot_run "cannot create namespaces (unprivileged container?): ${err:-unshare failed}"
  fi
}

# The work folder: absolute, and not under /root or /tmp. Those two are bind-mounted per host, so
# inside a host a work folder there would be hidden and sshd could not re-read its keys or config.
resolve_work_dir() {
  local w="${FASTGPU_TESTHOSTS_DIR:-$WORK_DEFAULT}"
  [[ "$w" = /* ]] || die "FASTGPU_TESTHOSTS_DIR must be an absolute path (got '$w')"
  w=$(realpath -m -- "$w")
  case "$w" in
    / | /root | /root/* | /tmp | /tmp/* | /proc | /proc/* | /sys | /sys/* | /dev | /dev/*)
      die "FASTGPU_TESTHOSTS_DIR=$w is not allowed: each host mounts its own /root and /tmp, so the work folder must be elsewhere (default $WORK_DEFAULT)";;
  esac
  W="$w"
}

# A folder that exists, is not empty and lacks our marker belongs to someone else: refuse it.
claim_work_dir() {
  if [ -d "$W" ] && [ ! -e "$W/$MARKER" ] && [ -n "$(ls -A "$W" 2>/dev/null)" ]; then
    die "$W exists, is not empty and is not a testhosts work folder (no $MARKER); pick another FASTGPU_TESTHOSTS_DIR"
  fi
  mkdir -p "$W"
  chmod 755 "$W"
  [ -e "$W/$MARKER" ] || echo "work folder of scripts/testhosts.sh (FastGPU test hosts); safe to delete when they are down" >"$W/$MARKER"
}

# One run at a time per work folder (two test jobs calling `up` together must not interleave).
# The lock is an flock on the folder itself; fd 9 is closed in everything we leave running.
lock_work_dir() {
  exec 9<"$W"
  flock -w 300 9 || die "another testhosts.sh is still running on $W (waited 300s)"
}

# Installs only what is missing, from Debian's packages (CI starts from a fresh machine).
install_missing() {
  local need=()
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  [ -x "$SSHD" ] || need+=(openssh-server)
  { command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; } || need+=(openssh-client)
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
  command -v rsync >/dev/null 2>&1 || need+=(rsync)
  command -v pdsh >/dev/null 2>&1 || need+=(pdsh)
  [ -x /usr/bin/python3 ] || need+=(python3)      # sessions get sshd's default PATH: /usr/bin
  command -v pgrep >/dev/null 2>&1 || need+=(procps)
  { command -v unshare >/dev/null 2>&1 && command -v flock >/dev/null 2>&1 && command -v setsid >/dev/null 2>&1; } || need+=(util-linux)
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || cannot_run "missing ${need[*]} and there is no apt-get to install them"
  say "installing ${need[*]}" >&2
  # openssh-server would otherwise start (and enable) the machine's own sshd on port 22 of every
  # interface; the test hosts don't need it, so keep services from starting during this install.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from scripts/testhosts.sh: do not start services\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  local out
  out=$(apt-get update -qq 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" 2>&1) \
    || { printf '%s\n' "$out" | tail -n 20 >&2; die "could not install ${need[*]} with apt-get"; }
  if [ "$POLICY_RC_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
}

# ---------------------------------------------------------------------------------------------------
# Discovery: what of ours exists right now (names are ours by prefix; processes by their mount view)
# ---------------------------------------------------------------------------------------------------
ns_name()   { echo "$NS_PREFIX$1"; }
veth_name() { echo "$VETH_PREFIX$1"; }
host_ip()   { echo "$NET.$((10 + $1))"; }

existing_ns_indexes() {
  local p n
  for p in /run/netns/"$NS_PREFIX"*; do
    n=${p##*/}
    [[ "$n" =~ ^${NS_PREFIX}([0-9]+)$ ]] && echo "${BASH_REMATCH[1]}"
  done
  return 0
}
existing_veth_indexes() {
  local p n
  for p in /sys/class/net/"$VETH_PREFIX"*; do
    n=${p##*/}
    [[ "$n" =~ ^${VETH_PREFIX}([0-9]+)$ ]] && echo "${BASH_REMATCH[1]}"
  done
  return 0
}
existing_dir_indexes() {
  local p n
  [ -d "$W" ] || return 0
  for p in "$W"/h*; do
    n=${p##*/}
    [[ "$n" =~ ^h([0-9]+)$ ]] && [ -d "$p/root" ] && echo "${BASH_REMATCH[1]}"
  done
  return 0
}

# Finds every process of every host, whatever state the network is in: a process belongs to host i
# when its /root is <work>/h<i>/root (same device:inode), which is only true inside host i's mount
# namespace (sshd, every session, everything they started). Fills HOST_PIDS[i] ("pid pid ...") and
# LISTENER[i], host i's sshd: comm sshd and PID 1 of its PID namespace.
declare -A HOST_PIDS=() LISTENER=()
scan_host_procs() {
  HOST_PIDS=(); LISTENER=()
  local -A host_of=()
  local key path i pid comm k v nspid
  [ -d "$W" ] || return 0
  while read -r key path; do
    i=${path%/root}; i=${i##*/h}
    host_of[$key]=$i
  done < <(stat -c '%d:%i %n' "$W"/h[0-9]*/root 2>/dev/null || true)
  [ ${#host_of[@]} -gt 0 ] || return 0
  # One stat over all processes; vanished ones just drop out.
  while read -r key path; do
    i=${host_of[$key]:-}
    [ -n "$i" ] || continue
    pid=${path#/proc/}; pid=${pid%%/*}
    HOST_PIDS[$i]+=" $pid"
    comm=""; read -r comm 2>/dev/null <"/proc/$pid/comm" || true
    [ "$comm" = sshd ] || continue
    nspid=""
    while read -r k v; do [ "$k" = "NSpid:" ] && nspid=$v && break; done 2>/dev/null <"/proc/$pid/status" || true
    # "NSpid: <root-ns pid> 1": the init of a nested PID namespace
    [[ "$nspid" =~ [[:space:]]1$ ]] && LISTENER[$i]=$pid
  done < <(stat -L -c '%d:%i %n' /proc/[0-9]*/root/root 2>/dev/null || true)
  return 0
}

# Processes in host i's network namespace that are not in its mount namespace (e.g. a test's
# `ip netns exec fgh1 ...`).
netns_pids() { ip netns pids "$(ns_name "$1")" 2>/dev/null || true; }

# Running, not a zombie: an exited process whose parent is PID 1 stays a zombie until init reaps
# it, which some inits (containers, VMs) do only every second or so.
is_running() {
  local s
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  read -r s 2>/dev/null <"/proc/$1/stat" || return 1
  s=${s##*) }
  [ "${s%% *}" != Z ] && [ "${s%% *}" != X ]
}

# TERM, up to 5 s to go, then KILL. Killing a host's sshd (its PID 1) ends the whole host.
kill_and_wait() {
  local pids=("$@") alive p
  [ ${#pids[@]} -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive=()
    for p in "${pids[@]}"; do is_running "$p" && alive+=("$p"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.05
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
  pids=("${alive[@]}")
  for _ in $(seq 1 40); do
    alive=()
    for p in "${pids[@]}"; do is_running "$p" && alive+=("$p"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.05
  done
  warn "processes still alive after KILL: ${alive[*]}"
}

# Every process of hosts "$@" (mount-namespace members and netns members), after scan_host_procs.
pids_of_hosts() {
  local i
  for i in "$@"; do
    # shellcheck disable=SC2086
    printf '%s\n' ${HOST_PIDS[$i]:-}
    netns_pids "$i"
  done | grep -E '^[0-9]+$' | sort -un || true
}

# Deletes the networks of hosts "$@" (after their processes are gone). Deleting a namespace destroys
# its eth0 and so the veth pair; the kernel does that asynchronously and in one batch, which is much
# faster than deleting each veth (each waits for an RCU grace period). Veths still there after 3 s
# (their namespace is pinned by something, or a veth has no namespace) are deleted one by one.
delete_hosts_net() {
  local i left=()
  for i in "$@"; do
    if [ -e "/run/netns/$(ns_name "$i")" ]; then ip netns del "$(ns_name "$i")" 2>/dev/null || true; fi
    rm -f "$W/h$i/sshd.pid" 2>/dev/null || true
  done
  for _ in $(seq 1 60); do
    left=()
    for i in "$@"; do [ -e "/sys/class/net/$VETH_PREFIX$i" ] && left+=("$i"); done
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.05
  done
  for i in "${left[@]}"; do ip link del "$(veth_name "$i")" 2>/dev/null || true; done
}

# ---------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------
ensure_bridge() {
  if [ -e "/sys/class/net/$BRIDGE" ] && [ ! -d "/sys/class/net/$BRIDGE/bridge" ]; then
    ip link del "$BRIDGE"            # our name, but not a bridge: a leftover of something broken
  fi
  if [ ! -e "/sys/class/net/$BRIDGE" ]; then
    # Another interface already in 10.77.0.0/24 would make the hosts unreachable or hijack traffic.
    local clash
    clash=$(ip -4 -o addr show to "$NET.0/24" 2>/dev/null | awk -v b="$BRIDGE" '$2 != b { print $2 " " $4 }' | head -n1)
    [ -z "$clash" ] || die "$NET.0/24 is already used on this machine ($clash); the test hosts need it"
    local err
    # STP off: ports forward at once (no 15-30 s listening/learning delay).
    err=$(ip link add "$BRIDGE" type bridge stp_state 0 forward_delay 0 2>&1) \
      || cannot_run "cannot create a Linux bridge: $err"
  fi
  # A fixed MAC: otherwise the bridge takes its lowest port's, which changes when that host is
  # recreated, and the other hosts' ARP entries for 10.77.0.1 go stale for many seconds.
  ip link set "$BRIDGE" address "$BRIDGE_MAC"
  ip addr replace "$CLIENT_IP/24" dev "$BRIDGE"
  # Nothing the hosts send is routed beyond this machine, even where IPv4 forwarding is on globally
  # (Docker machines): forwarding is decided per input interface, and this one is ours.
  echo 0 >"/proc/sys/net/ipv4/conf/$BRIDGE/forwarding"
  ip link set "$BRIDGE" up
}

# True when fgv<i> exists and its peer is the eth0 inside fgh<i>.
veth_ok() {
  local i=$1 v ns idx line
  v=$(veth_name "$i"); ns=$(ns_name "$i")
  [ -e "/sys/class/net/$v" ] || return 1
  idx=$(<"/sys/class/net/$v/ifindex")
  line=$(ip -n "$ns" -o link show eth0 2>/dev/null) || return 1
  [[ "$line" == *"eth0@if$idx:"* ]]
}

# Creates what is missing of host i's network and (re)applies its settings; every step is idempotent.
ensure_host_net() {
  local i=$1 ns v ip
  ns=$(ns_name "$i"); v=$(veth_name "$i"); ip=$(host_ip "$i")
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! veth_ok "$i"; then
    ip link del "$v" 2>/dev/null || true
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link add "$v" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$v" master "$BRIDGE" up
  ip -n "$ns" -batch - <<EOF
link set lo up
link set eth0 up
addr replace $ip/24 dev eth0
route replace default via $CLIENT_IP dev eth0
EOF
}

# ---------------------------------------------------------------------------------------------------
# Files: client key, per-host sshd config / keys / home, client ssh_config / known_hosts / hosts
# ---------------------------------------------------------------------------------------------------
ensure_client_key() {
  mkdir -p "$W/client"
  chmod 700 "$W/client"
  if [ ! -s "$W/client/id_ed25519" ] || [ ! -s "$W/client/id_ed25519.pub" ]; then
    rm -f "$W/client/id_ed25519" "$W/client/id_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C fastgpu-testhosts-client -f "$W/client/id_ed25519"
  fi
  chmod 600 "$W/client/id_ed25519"
}

# Root's password locked with '!' makes sshd refuse even key logins when it does not use PAM;
# only then use PAM (which skips that check but runs the machine's PAM session stack).
use_pam() {
  local pw
  pw=$(getent shadow root 2>/dev/null | cut -d: -f2)
  [[ "$pw" == '!'* ]] && echo yes || echo no
}

render_sshd_config() {
  local i=$1 h="$W/h$1"
  cat <<EOF
# sshd config of test host $(ns_name "$i"), generated by scripts/testhosts.sh; rewritten on every 'up'.
Port 22
HostKey $h/ssh_host_ed25519_key
HostKey $h/ssh_host_ecdsa_key
PidFile $h/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
UsePAM $USE_PAM
UseDNS no
# fan-out tests open many connections and sessions at once
MaxSessions 100
MaxStartups 200:30:400
LoginGraceTime 30
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding yes
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
LogLevel INFO
$EXTRA_SSHD_OPTIONS
EOF
}

# /etc/hosts as the hosts see it: every test host by name, like a private network with DNS.
render_etc_hosts() {
  local j
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
  for j in $(seq 1 "$N"); do printf '%s\t%s\n' "$(host_ip "$j")" "$(ns_name "$j")"; done
}

# Writes host i's files. Sets CONFIG_CHANGED[i]=1 when its sshd config is new or different.
declare -A CONFIG_CHANGED=()
ensure_host_files() {
  local i=$1 h="$W/h$1" t new pub
  mkdir -p "$h/root/.ssh" "$h/tmp"
  chmod 700 "$h/root" "$h/root/.ssh"
  chmod 1777 "$h/tmp"
  for t in ed25519 ecdsa; do
    [ -s "$h/ssh_host_${t}_key" ] && [ -s "$h/ssh_host_${t}_key.pub" ] && continue
    rm -f "$h/ssh_host_${t}_key" "$h/ssh_host_${t}_key.pub"
    ssh-keygen -q -t "$t" -N '' -C "$(ns_name "$i")" -f "$h/ssh_host_${t}_key"
  done
  # A fresh Debian root home: root's default dotfiles.
  [ -e "$h/root/.profile" ] || { [ -f /usr/share/base-files/dot.profile ] && cp /usr/share/base-files/dot.profile "$h/root/.profile"; } || true
  [ -e "$h/root/.bashrc" ] || { [ -f /usr/share/base-files/dot.bashrc ] && cp /usr/share/base-files/dot.bashrc "$h/root/.bashrc"; } || true
  # Authorize the client key; keys a test added itself stay.
  pub=$(<"$W/client/id_ed25519.pub")
  touch "$h/root/.ssh/authorized_keys"
  grep -qxF -- "$pub" "$h/root/.ssh/authorized_keys" || printf '%s\n' "$pub" >>"$h/root/.ssh/authorized_keys"
  chmod 600 "$h/root/.ssh/authorized_keys"
  # Rewritten in place (same inode): running hosts see it through their bind mount of /etc/hosts.
  [ -f "$h/etc-hosts" ] && [ "$(<"$h/etc-hosts")" = "$ETC_HOSTS" ] || printf '%s\n' "$ETC_HOSTS" >"$h/etc-hosts"
  new=$(render_sshd_config "$i")
  if [ ! -f "$h/sshd_config" ] || [ "$(<"$h/sshd_config")" != "$new" ]; then
    printf '%s\n' "$new" >"$h/sshd_config"
    CONFIG_CHANGED[$i]=1
  fi
}

write_client_files() {
  local c="$W/client" i ip ns t
  {
    for i in $(seq 1 "$N"); do
      ns=$(ns_name "$i"); ip=$(host_ip "$i")
      for t in ed25519 ecdsa; do
        printf '%s,%s %s\n' "$ns" "$ip" "$(cut -d' ' -f1-2 "$W/h$i/ssh_host_${t}_key.pub")"
      done
    done
  } >"$TMP/known_hosts"
  {
    echo "# Test hosts of scripts/testhosts.sh: ssh -F $c/ssh_config fgh1 (or 10.77.0.11)"
    for i in $(seq 1 "$N"); do
      printf 'Host %s %s\n    HostName %s\n' "$(ns_name "$i")" "$(host_ip "$i")" "$(host_ip "$i")"
    done
    cat <<EOF
Host $NS_PREFIX* $NET.*
    User root
    Port 22
    IdentityFile $c/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $c/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
    ConnectTimeout 10
    LogLevel ERROR
EOF
  } >"$TMP/ssh_config"
  for i in $(seq 1 "$N"); do host_ip "$i"; done >"$TMP/hosts"
  # Replaced atomically: a test may be reading the old ones.
  for t in known_hosts ssh_config hosts; do
    chmod 644 "$TMP/$t"
    mv -f "$TMP/$t" "$c/$t"
  done
}

# ---------------------------------------------------------------------------------------------------
# sshd
# ---------------------------------------------------------------------------------------------------
# Runs inside the host's fresh namespaces (mount, UTS, PID; the network one comes from ip netns exec),
# before exec'ing sshd as the PID namespace's init. Propagation "slave": our bind mounts stay in the
# host, while unmounts in the root namespace (ip netns del of another host) still reach it, so no host
# pins another's deleted namespace.
# shellcheck disable=SC2016
readonly LAUNCH='set -e
h=$1
echo "$2" >/proc/sys/kernel/hostname
mount --bind "$h/root" /root
mount --bind "$h/tmp" /tmp
if [ -f /etc/hosts ]; then mount --bind "$h/etc-hosts" /etc/hosts; fi
exec '"$SSHD"' -D -f "$h/sshd_config" -E "$h/sshd.log"'

# Host i's sshd is healthy when it runs in host i's network namespace with the current config.
sshd_healthy() {
  local i=$1 pid=${LISTENER[$1]:-} a b
  [ -n "$pid" ] || return 1
  [ -z "${CONFIG_CHANGED[$i]:-}" ] || return 1
  [ -s "$W/h$i/sshd.pid" ] || return 1
  a=$(stat -L -c '%d:%i' "/proc/$pid/ns/net" 2>/dev/null) || return 1
  b=$(stat -L -c '%d:%i' "/run/netns/$(ns_name "$i")" 2>/dev/null) || return 1
  [ "$a" = "$b" ]
}

declare -A LAUNCHER=()
start_sshd() {
  local i=$1 h="$W/h$1"
  rm -f "$h/sshd.pid"
  # Keep the log from growing without bound across many runs: one old generation.
  if [ -f "$h/sshd.log" ] && [ "$(stat -c %s "$h/sshd.log")" -gt 1048576 ]; then mv -f "$h/sshd.log" "$h/sshd.log.old"; fi
  # setsid: not in the caller's session (a Ctrl-C on `up` must not take the hosts down); no fd 9 (the
  # lock) and no caller's stdout (a `$(testhosts.sh up 4)` would never end); a clean environment.
  setsid ip netns exec "$(ns_name "$i")" \
    unshare --mount --uts --pid --fork --mount-proc --propagation slave -- \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 /bin/sh -c "$LAUNCH" sh "$h" "$(ns_name "$i")" \
    </dev/null >>"$h/sshd.log" 2>&1 9<&- &
  LAUNCHER[$i]=$!
}

# sshd writes its pid file only once it listens. Returns non-zero if a host failed to start.
wait_sshd_ready() {
  local pending=("$@") left i failed=0
  for _ in $(seq 1 400); do          # 20 s
    left=()
    for i in "${pending[@]}"; do
      if [ -s "$W/h$i/sshd.pid" ]; then continue; fi
      if ! is_running "${LAUNCHER[$i]}"; then
        warn "sshd of $(ns_name "$i") did not start; end of $W/h$i/sshd.log:"
        tail -n 5 "$W/h$i/sshd.log" >&2 || true
        failed=1; continue
      fi
      left+=("$i")
    done
    [ ${#left[@]} -eq 0 ] && return $failed
    pending=("${left[@]}")
    sleep 0.05
  done
  warn "sshd of ${pending[*]/#/$NS_PREFIX} not listening after 20s"
  return 1
}

# ssh to every host at once; a few tries (the first packets of a fresh veth can race ARP).
# Prints one "i ok|error..." line per host into $TMP/ssh.<i>.
probe_hosts() {
  local i pids=() timeout=${PROBE_TIMEOUT:-5}
  for i in "$@"; do
    (
      for _ in 1 2 3; do
        if out=$(ssh -F "$W/client/ssh_config" -o ConnectTimeout="$timeout" "$(ns_name "$i")" true </dev/null 2>&1); then
          echo ok >"$TMP/ssh.$i"; exit 0
        fi
        sleep 0.3
      done
      printf '%s\n' "${out:-no answer}" | tail -n1 >"$TMP/ssh.$i"
      exit 1
    ) 9<&- &
    pids+=($!)
  done
  local rc=0 p
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

# Hosts must reach each other too (e.g. distributed training). A bridge's traffic between two of its
# ports goes through iptables' FORWARD chain when br_netfilter's bridge-nf-call-iptables=1 (a
# Docker machine: policy DROP). We do not change that global setting; we only say so.
check_inter_host() {
  [ "$N" -ge 2 ] || return 0
  if ! ip netns exec "$(ns_name 1)" timeout 3 bash -c "exec 3<>/dev/tcp/$(host_ip 2)/22" 2>/dev/null 9<&-; then
    local nf; nf=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo n/a)
    warn "$(ns_name 1) cannot reach $(ns_name 2) over the bridge (bridge-nf-call-iptables=$nf; a firewall FORWARD rule may drop bridged traffic). The client still reaches every host. See scripts/TESTHOSTS.md."
  fi
}

# sshd's privilege-separation folder (compiled in as /run/sshd); the machine's own sshd would create
# it on start. Remember whether we did, to remove it again on `down`.
ensure_privsep_dir() {
  if [ ! -d /run/sshd ]; then
    mkdir -p /run/sshd; chmod 755 /run/sshd
    echo created >"$W/created-run-sshd"
  fi
}

# `ip netns add` turns /run/netns into a shared bind mount of itself (and creates it). Remember
# whether that was us, so that `down` can undo it when no namespace is left there.
note_run_netns() {
  [ -e "$W/created-run-netns" ] && return 0
  mountpoint -q /run/netns 2>/dev/null && return 0
  if [ -d /run/netns ]; then echo mount >"$W/created-run-netns"; else echo dir >"$W/created-run-netns"; fi
}
undo_run_netns() {
  [ -e "$W/created-run-netns" ] || return 0
  if [ -d /run/netns ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
    for _ in 1 2 3; do mountpoint -q /run/netns && { umount /run/netns 2>/dev/null || break; }; done
    [ "$(cat "$W/created-run-netns")" = dir ] && ! mountpoint -q /run/netns && { rmdir /run/netns 2>/dev/null || true; }
  fi
  rm -f "$W/created-run-netns"
}

# ---------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------
cmd_up() {
  local t0 i start=() reused=0 extra=() pids=()
  t0=$(now)
  N=$1
  if ! [[ "$N" =~ ^[0-9]+$ ]] || [ "$N" -lt 1 ] || [ "$N" -gt $MAX_HOSTS ]; then
    usage_error "up needs a host count from 1 to $MAX_HOSTS (got '$N')"
  fi
  N=$((10#$N))                            # "08" is 8, not an octal error
  require_root
  resolve_work_dir
  install_missing
  require_ip_netns
  require_namespaces
  claim_work_dir
  lock_work_dir
  TMP=$(mktemp -d)
  rm -f "$W/state"                        # `env` says "not up" until this run succeeds

  # Hosts above N, and leftovers of any earlier run of these names: gone first.
  scan_host_procs
  for i in $( { existing_ns_indexes; existing_veth_indexes; existing_dir_indexes; printf '%s\n' "${!HOST_PIDS[@]}"; } | sort -un); do
    [ "$i" -gt "$N" ] && extra+=("$i")
  done
  if [ ${#extra[@]} -gt 0 ]; then
    mapfile -t pids < <(pids_of_hosts "${extra[@]}")
    kill_and_wait "${pids[@]}"
    delete_hosts_net "${extra[@]}"
  fi

  USE_PAM=$(use_pam)
  ensure_client_key
  ensure_privsep_dir
  # OpenSSH >= 9.8 penalizes sources with many failed or unauthenticated connections; a fan-out
  # test from 10.77.0.1 must never be throttled. Older sshd (Debian 12's 9.2) lacks the option.
  EXTRA_SSHD_OPTIONS=""
  if "$SSHD" -t -f /dev/null -h "$W/client/id_ed25519" -o PerSourcePenalties=no >/dev/null 2>&1; then
    EXTRA_SSHD_OPTIONS="PerSourcePenalties no"
  fi
  ensure_bridge
  note_run_netns
  for i in $(seq 1 "$N"); do ensure_host_net "$i"; done
  ETC_HOSTS=$(render_etc_hosts)
  for i in $(seq 1 "$N"); do ensure_host_files "$i"; done
  "$SSHD" -t -f "$W/h1/sshd_config" || die "the generated sshd config is invalid: $W/h1/sshd_config"

  # (Re)start only the sshds that are missing, broken (wrong namespace) or have a changed config.
  # A restart ends every process of that host, like a reboot.
  scan_host_procs
  for i in $(seq 1 "$N"); do
    if sshd_healthy "$i"; then reused=$((reused + 1)); else start+=("$i"); fi
  done
  if [ ${#start[@]} -gt 0 ]; then
    mapfile -t pids < <(pids_of_hosts "${start[@]}")
    kill_and_wait "${pids[@]}"
    for i in "${start[@]}"; do start_sshd "$i"; done
    wait_sshd_ready "${start[@]}" || die "some hosts did not start (logs: $W/h<i>/sshd.log); 'down' cleans up"
  fi

  write_client_files
  if ! probe_hosts $(seq 1 "$N"); then
    for i in $(seq 1 "$N"); do
      [ "$(cat "$TMP/ssh.$i")" = ok ] || warn "$(ns_name "$i") ($(host_ip "$i")): ssh failed: $(cat "$TMP/ssh.$i")"
    done
    die "not every host answers ssh (logs: $W/h<i>/sshd.log)"
  fi
  check_inter_host
  # The client folder belongs to whoever asked: run through sudo, the calling user's tests (mvn as
  # that user) can use the key; run as root, root's.
  local owner=root
  if [ -n "${SUDO_USER:-}" ] && id -u "$SUDO_USER" >/dev/null 2>&1; then owner=$SUDO_USER; fi
  chown -R "$owner:" "$W/client"
  printf 'n=%s\n' "$N" >"$W/state"
  chmod 644 "$W/state"
  say "$N hosts up ($(ns_name 1)..$(ns_name "$N") = $(host_ip 1)..$(host_ip "$N"); ${#start[@]} started, $reused kept) in $(elapsed "$t0"); try: ssh -F $W/client/ssh_config $(ns_name 1) hostname"
}

cmd_down() {
  local t0 i idx=() pids=() nns=0
  t0=$(now)
  require_root
  resolve_work_dir
  require_ip_netns
  if [ -d "$W" ]; then lock_work_dir; fi
  mapfile -t idx < <( { existing_ns_indexes; existing_veth_indexes; existing_dir_indexes; } | sort -un)
  scan_host_procs
  mapfile -t pids < <(pids_of_hosts "${idx[@]}" "${!HOST_PIDS[@]}")
  kill_and_wait "${pids[@]}"
  for i in "${idx[@]}"; do [ -e "/run/netns/$(ns_name "$i")" ] && nns=$((nns + 1)); done
  delete_hosts_net "${idx[@]}"
  [ -e "/sys/class/net/$BRIDGE" ] && ip link del "$BRIDGE"
  if [ -d "$W" ]; then
    rm -f "$W/state"
    undo_run_netns
    if [ -e "$W/created-run-sshd" ]; then
      # Ours, and no other sshd may be using it.
      pgrep -x sshd >/dev/null 2>&1 || rmdir /run/sshd 2>/dev/null || true
      rm -f "$W/created-run-sshd"
    fi
  fi
  say "down: ${#pids[@]} processes stopped, $nns namespaces removed, in $(elapsed "$t0")"
}

current_n() {
  [ -f "$W/state" ] || return 1
  sed -n 's/^n=//p' "$W/state"
}

# status and env also work without root once the hosts are up and the client key is readable
# (`sudo testhosts.sh up` hands the client folder to $SUDO_USER); otherwise they exit 3 like up.
require_up_readable() {
  local n
  if [ "$(id -u)" != 0 ]; then
    if [ ! -r "$W/state" ] || [ ! -r "$W/client/id_ed25519" ]; then
      cannot_run "the test hosts are not up for uid $(id -u) (no readable $W/state and client key; 'sudo scripts/testhosts.sh up N' first)"
    fi
  fi
  n=$(current_n) || die "not up (no $W/state); run: scripts/testhosts.sh up N"
  echo "$n"
}

cmd_status() {
  local n i all=0
  resolve_work_dir
  n=$(require_up_readable)
  N=$n
  TMP=$(mktemp -d)
  PROBE_TIMEOUT=3 probe_hosts $(seq 1 "$n") || all=1
  for i in $(seq 1 "$n"); do
    printf '%-6s %-12s %s\n' "$(ns_name "$i")" "$(host_ip "$i")" "$(cat "$TMP/ssh.$i")"
  done
  return $all
}

cmd_env() {
  local n
  resolve_work_dir
  n=$(require_up_readable)
  q() { printf 'export %s=%q\n' "$1" "$2"; }
  q FASTGPU_TESTHOSTS_DIR "$W"
  q FASTGPU_TESTHOSTS_N "$n"
  q FASTGPU_TESTHOSTS_KEY "$W/client/id_ed25519"
  q FASTGPU_TESTHOSTS_KNOWN_HOSTS "$W/client/known_hosts"
  q FASTGPU_TESTHOSTS_SSH_CONFIG "$W/client/ssh_config"
  q FASTGPU_TESTHOSTS_HOSTS "$W/client/hosts"
}

cmd_purge() {
  cmd_down
  [ -d "$W" ] || return 0
  [ -e "$W/$MARKER" ] || die "$W has no $MARKER; not deleting it"
  if grep -qF " $W/" /proc/self/mountinfo; then die "something is still mounted under $W; not deleting it"; fi
  rm -rf -- "$W"
  say "purged $W"
}

main() {
  local cmd=${1:-}
  case "$cmd" in
    up)     [ $# -eq 2 ] || usage_error "usage: up N"; cmd_up "$2";;
    down | status | env | purge)
            [ $# -eq 1 ] || usage_error "$cmd takes no arguments"; "cmd_$cmd";;
    -h | --help | help) usage;;
    "")     usage >&2; exit 2;;
    *)      usage_error "unknown command '$cmd'";;
  esac
}

main "$@"
