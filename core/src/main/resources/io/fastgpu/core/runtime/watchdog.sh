#!/bin/bash
# FastGPU's watchdog: stops this machine when it has been idle for the set period, or when it has run past
# the job's deadline, even with no FastGPU process alive anywhere. It listens on no port and runs nothing it
# is sent: it reads numbers from its settings file and, when one of them says so, runs stop.sh beside it,
# which FastGPU wrote when it installed it. Time is counted on /proc/uptime, so a clock jump changes nothing.
# Marked in its own environment (not only its children's), so that it never counts itself as work.
[ "${FASTGPU_WATCHDOG:-}" = 1 ] || exec env FASTGPU_WATCHDOG=1 bash "$0" "$@"
umask 077
dir=$(cd "$(dirname "$0")" && pwd) || exit 1
settings=$dir/settings; status=$dir/status; log=$dir/watchdog.log; used_file=$dir/used
# One watchdog per machine: a second one started while the first runs ends at once.
exec 9>>"$dir/lock"
if command -v flock >/dev/null 2>&1; then flock -n 9 || exit 0; fi
echo $$ > "$dir/pid"

say() { printf '%s %s\n' "$(date -u +%FT%TZ)" "$*" >> "$log"; }
# Hundredths of a second (what /proc/uptime gives): the deadline is counted exactly, never a second early.
uptime_cs() { local u _; read -r u _ < /proc/uptime; u=${u/./}; echo $((10#$u)); }

# The last good settings; none until a first good file is read.
idle=off; down=false; deadline=none; stamp=; instance=; poll=30; have=0; bad_seen=
load() {
    local text k v n_idle= n_down= n_deadline= n_stamp= n_instance= n_poll= why=
    text=$(cat "$settings" 2>/dev/null) || { [ $have = 1 ] || return; why="cannot read it"; }
    if [ -z "$why" ]; then
        while IFS='=' read -r k v; do
            case $k in
                ''|'#'*) ;;
                idle) [[ $v =~ ^([1-9][0-9]{0,8}|off)$ ]] && n_idle=$v || why="idle='$v'" ;;
                down) [[ $v =~ ^(true|false)$ ]] && n_down=$v || why="down='$v'" ;;
                deadline) [[ $v =~ ^([1-9][0-9]{0,9}|none)$ ]] && n_deadline=$v || why="deadline='$v'" ;;
                stamp) [[ $v =~ ^[0-9A-Za-z._-]{1,64}$ ]] && n_stamp=$v || why="stamp='$v'" ;;
                instance) [[ $v =~ ^[0-9A-Za-z._-]{1,128}$ ]] && n_instance=$v || why="instance='$v'" ;;
                poll) [[ $v =~ ^[1-9][0-9]{0,3}$ ]] && n_poll=$v || why="poll='$v'" ;;
                *) why="unknown line '${k:0:40}'" ;;
            esac
            [ -n "$why" ] && break
        done <<< "$text"
        if [ -z "$why" ]; then
            for k in idle down deadline stamp instance poll; do
                v=n_$k; [ -n "${!v}" ] || { why="no $k"; break; }
            done
        fi
    fi
    if [ -n "$why" ]; then
        if [ "$bad_seen" != "$text" ]; then
            bad_seen=$text
            say "settings file is corrupt ($why): keeping idle=$idle down=$down deadline=$deadline"
        fi
        return
    fi
    bad_seen=
    if [ "$n_stamp" != "$stamp" ] || [ $have = 0 ]; then
        say "settings: idle=$n_idle down=$n_down deadline=$n_deadline"
    fi
    idle=$n_idle; down=$n_down; deadline=$n_deadline; instance=$n_instance; poll=$n_poll
    if [ "$n_stamp" != "$stamp" ]; then
        stamp=$n_stamp
        # A new deadline counts from now; the same one keeps what it used before a reboot.
        local s u unit; read -r s u unit < "$used_file" 2>/dev/null
        if [ "$s" = "$stamp" ] && [[ $u =~ ^[0-9]+$ ]]; then used=$u; [ "$unit" = cs ] || used=$((u * 100)); else used=0; fi
        last_cs=$(uptime_cs) # what ran before this deadline was set does not count against it
    fi
    have=1
}

# Busy: a command of FastGPU's running on this machine (its processes carry the instance's marker), an
# interactive SSH session of this user, or a GPU at 5% or more.
busy_why() {
    local f
    for f in $(grep -l -s -z -x -F "FASTGPU_INSTANCE_ID=$instance" /proc/[0-9]*/environ 2>/dev/null); do
        grep -q -s -z -x 'FASTGPU_WATCHDOG=1' "$f" && continue
        local p=${f#/proc/}; p=${p%/environ}
        [ -r "/proc/$p/cmdline" ] || continue
        echo "a command of FastGPU's runs (pid $p: $(tr '\0' ' ' < /proc/$p/cmdline | cut -c1-60))"; return
    done
    for f in $(grep -l -s -z '^SSH_TTY=' /proc/[0-9]*/environ 2>/dev/null); do
        grep -q -s -z -x -F "HOME=$HOME" "$f" && grep -q -s -z -x -F "USER=$USER" "$f" \
            && { echo "an interactive session is open"; return; }
    done
    if command -v nvidia-smi >/dev/null 2>&1; then
        local u
        for u in $(nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits 2>/dev/null); do
            [[ $u =~ ^[0-9]+$ ]] && [ "$u" -ge 5 ] && { echo "a GPU is at $u%"; return; }
        done
    fi
}

fire() {
    say "$1: stopping the machine (down=$down)"
    echo "fired=$1" >> "$status"
    bash "$dir/stop.sh" "$down" >> "$log" 2>&1
    local rc=$?
    say "stop.sh exited $rc"
    # 42: the machine is not ours to stop (an ssh fleet's host): the task's processes ended, and so does this.
    if [ $rc = 42 ]; then rm -f "$dir/pid"; exit 0; fi
    sleep 60
}

used=0 # hundredths of a second
last_cs=$(uptime_cs)
load
idle_since=$(uptime_cs) # hundredths of a second, as the deadline
while true; do
    load
    now_cs=$(uptime_cs)
    step=$(( now_cs - last_cs )); [ $step -lt 0 ] && step=0
    last_cs=$now_cs
    used=$(( used + step ))
    [ -n "$stamp" ] && { echo "$stamp $used cs" > "$used_file.tmp" && mv -f "$used_file.tmp" "$used_file"; }
    why=
    [ $have = 1 ] && why=$(busy_why)
    [ -n "$why" ] && idle_since=$now_cs
    idle_cs=$(( now_cs - idle_since )); [ $idle_cs -lt 0 ] && idle_cs=0
    idle_for=$(( idle_cs / 100 ))
    printf 'idle=%s\ndown=%s\ndeadline=%s\nidle_for=%s\nused=%s\nbusy=%s\n' \
        "$idle" "$down" "$deadline" "$idle_for" "$((used / 100))" "$why" > "$status.tmp" && mv -f "$status.tmp" "$status"
    if [ $have = 1 ]; then
        if [ "$deadline" != none ] && [ "$used" -ge $((deadline * 100)) ]; then
            fire "deadline reached after $((used / 100))s"
        elif [ "$idle" != off ] && [ "$idle_cs" -ge $((idle * 100)) ]; then
            fire "idle for ${idle_for}s"
            idle_since=$(uptime_cs)
        fi
    fi
    sleep "$poll"
done
