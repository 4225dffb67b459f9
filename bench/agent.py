#!/usr/bin/env python3
"""The resident agent's figures, side by side in one run (medians, load noted), against the tools users compare with.

  exec16 warm:  `fastgpu exec '{bench}' -- hostname` on 16 SSH test hosts, the agent running (its connections open)
                vs `pdsh -R ssh -w <16 hosts> hostname` (new OpenSSH connections).
  exec16 first: the same exec, the agent stopped before each run and its process gone (it writes its class-data
                archive as it exits; the command starts a new one: through ./fastgpu, the native client; and through
                the JVM client) vs pdsh.
  warm in-JVM:  `job.run("hostname")` in one JVM (bench/FanoutWarm.java) vs pdsh over OpenSSH ControlMaster.
  exec1:        `fastgpu exec task0.bench -- true` on one SSH test host, agent warm, vs `ssh HOST true`.
  local exec:   `fastgpu exec task0.warm -- true` on the local backend, agent warm, vs `fastgpu --version`.
  local launch: trivial one-step `fastgpu launch` on the local backend (machine reused), agent warm, vs `--version`.
Every fastgpu command runs twice: as a user runs it, through ./fastgpu (with the agent warm, the native client
cli/src/main/c/fastgpu-client.c, no JVM start), and through the JVM client as ./fastgpu starts that (C1 only, serial GC,
a class-data archive made by one untimed run);
`FASTGPU_AGENT=off` figures of the same commands are printed for scale, and the agent's own share of each command
(from its log). Alternating runs, median of N.

Usage (as root, from the repository root, after a build):
  scripts/testhosts.sh up 16 && bench/agent.py [--runs 7] [--hosts 16]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from fanout import prepare, write_fleet, loadavg, timed  # noqa: E402

LAUNCHER = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss1m", "-Xlog:disable", "-Xlog:all=error:stderr"]


def med(samples):
    walls = [w for w, _ in samples]
    return statistics.median(walls), min(walls), max(walls)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--hosts", type=int, default=16)
    ap.add_argument("--jar", default="cli/target/fastgpu.jar")
    args = ap.parse_args()
    jar, key, known_hosts, hosts = prepare(args.jar, "pdsh", args.hosts)
    n = len(hosts)
    work = tempfile.mkdtemp(prefix="fastgpu-agent-bench-")
    home = os.path.join(work, "home")
    write_fleet(home, "bench", hosts, key, known_hosts)
    jsa = os.path.join(work, "fastgpu.jsa")
    env = dict(os.environ, FASTGPU_HOME=home, NO_COLOR="1", FASTGPU_AGENT_IDLE="30m")
    env.pop("FASTGPU_AGENT", None)
    off = dict(env, FASTGPU_AGENT="off")
    ssh_args = f"-i {key} -o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes -o BatchMode=yes"
    pdsh_env = dict(env, PDSH_SSH_ARGS_APPEND=ssh_args)
    cm_dir = os.path.join(work, "cm")
    os.makedirs(cm_dir)
    cm_env = dict(env, PDSH_SSH_ARGS_APPEND=ssh_args + f" -o ControlMaster=auto -o ControlPath={cm_dir}/%h"
                  " -o ControlPersist=600")

    def fg(*a):
        return ["java"] + LAUNCHER + [f"-XX:SharedArchiveFile={jsa}", "-jar", jar] + list(a)

    def nat(*a):  # as a user runs it: the launcher, which hands the commands the agent serves to the native client
        return [os.path.join(ROOT, "fastgpu")] + list(a)

    pdsh = ["pdsh", "-R", "ssh", "-f", "32", "-l", "root", "-w", ",".join(hosts), "hostname"]
    ssh1 = ["ssh"] + ssh_args.split() + [f"root@{hosts[0]}", "true"]
    local = os.path.join(work, "local")
    os.makedirs(os.path.join(local, "trivial"))
    with open(os.path.join(local, "trivial", "job.yaml"), "w") as f:
        f.write("name: trivial\nsteps:\n  - {name: hello, run: echo hello}\n")
    with open(os.path.join(local, "keep.yaml"), "w") as f:
        f.write("name: warm\nafter: keep\nsteps:\n  - {name: cd, run: cd /tmp}\n")

    def run_in(cwd, cmd, e, lines=None):
        old = os.getcwd()
        os.chdir(cwd)
        try:
            return timed(cmd, e, lines)
        finally:
            os.chdir(old)

    stop = fg("agent", "stop")

    def stop_and_wait():
        """Stops the agent and waits until its process is gone: an agent writes its class-data archive as it exits,
        and the next agent starts from it. A user's first command of the day finds it written; one started within a
        second of the stop, and any command meanwhile, would share the two cores with the writing."""
        try:
            with open(os.path.join(home, "agent", "agent.pid")) as f:
                pid = int(f.readline().strip())
        except (OSError, ValueError):
            pid = None
        subprocess.run(stop, env=env, stdout=subprocess.DEVNULL, check=True)
        for _ in range(600):
            if pid is None or not os.path.exists(f"/proc/{pid}"):
                break
            time.sleep(0.05)
        time.sleep(1.0)  # the hosts' sshd end the closed connections' sessions
    try:
        print(f"{n} hosts, {args.runs} runs each; before: {loadavg()}", flush=True)
        subprocess.run(["java", "-cp", jar, os.path.join(HERE, "FanoutWarm.java"), home, "bench", str(n), "0"], env=off,
                       check=True, stdout=subprocess.DEVNULL)
        # The class-data archive of the client, as ./fastgpu makes it (one untimed run), then the agent and its JIT warm.
        subprocess.run(["java"] + LAUNCHER + [f"-XX:ArchiveClassesAtExit={jsa}", "-jar", jar, "exec", "{bench}", "--",
                                              "hostname"], env=env, check=True, stdout=subprocess.DEVNULL)
        run_in(local, fg("launch", "trivial"), env)
        run_in(local, fg("launch", "keep.yaml"), env)
        for _ in range(10):
            timed(fg("exec", "{bench}", "--", "hostname"), env, n)
            run_in(local, fg("exec", "task0.warm", "--", "true"), env)
        # The launcher builds the native client on its first use; the agent the JVM client started is of the same build.
        timed(nat("exec", "{bench}", "--", "hostname"), env, n)
        timed(pdsh, pdsh_env, n)
        s = {k: [] for k in ["warm16", "pdsh", "nfirst16", "first16", "pdsh2", "exec1", "ssh1", "lexec", "llaunch", "version",
                             "off16", "offlexec", "offllaunch", "nwarm16", "nexec1", "nlexec", "nllaunch"]}
        log = os.path.join(home, "agent", "agent.log")
        seen = len(open(log).read().splitlines())
        for _ in range(args.runs):  # alternating, so drifting load hits all alike
            s["nwarm16"].append(timed(nat("exec", "{bench}", "--", "hostname"), env, n))
            s["warm16"].append(timed(fg("exec", "{bench}", "--", "hostname"), env, n))
            s["pdsh"].append(timed(pdsh, pdsh_env, n))
            s["nexec1"].append(timed(nat("exec", "task0.bench", "--", "true"), env))
            s["exec1"].append(timed(fg("exec", "task0.bench", "--", "true"), env))
            s["ssh1"].append(timed(ssh1, env))
            s["nlexec"].append(run_in(local, nat("exec", "task0.warm", "--", "true"), env))
            s["lexec"].append(run_in(local, fg("exec", "task0.warm", "--", "true"), env))
            s["nllaunch"].append(run_in(local, nat("launch", "trivial"), env))
            s["llaunch"].append(run_in(local, fg("launch", "trivial"), env))
            s["version"].append(timed(fg("--version"), env, 1))
            s["off16"].append(timed(fg("exec", "{bench}", "--", "hostname"), off, n))
            s["offlexec"].append(run_in(local, fg("exec", "task0.warm", "--", "true"), off))
            s["offllaunch"].append(run_in(local, fg("launch", "trivial"), off))
        print(f"warm done; {loadavg()}", flush=True)
        # The agent's own share of each command (its log: "fastgpu exec exited 0 in N ms"), in the order they ran.
        new = open(log).read().splitlines()[seen:]
        execs = [int(l.split()[-2]) / 1000 for l in new if " fastgpu exec exited " in l]
        launches = [int(l.split()[-2]) / 1000 for l in new if " fastgpu launch exited " in l]
        inside = {"nwarm16": execs[0::6], "warm16": execs[1::6], "nexec1": execs[2::6], "exec1": execs[3::6],
                  "nlexec": execs[4::6], "lexec": execs[5::6], "nllaunch": launches[0::2], "llaunch": launches[1::2]}
        for _ in range(args.runs):
            # Each on a machine in the same state: no agent, the last one's connections closed a second before.
            stop_and_wait()
            s["pdsh2"].append(timed(pdsh, pdsh_env, n))
            time.sleep(1.0)
            s["nfirst16"].append(timed(nat("exec", "{bench}", "--", "hostname"), env, n))
            stop_and_wait()
            s["first16"].append(timed(fg("exec", "{bench}", "--", "hostname"), env, n))
        stop_and_wait()
        print(f"first done; {loadavg()}", flush=True)
        r = subprocess.run(["java", "-cp", jar, os.path.join(HERE, "FanoutWarm.java"), home, "bench", str(n),
                            str(args.runs)], env=off, check=True, stdout=subprocess.PIPE, text=True)
        warm = [float(l.split()[1]) for l in r.stdout.splitlines() if l.startswith("warm ")]
        timed(pdsh, cm_env, n)
        cm = [timed(pdsh, cm_env, n) for _ in range(args.runs)]
        print(f"after: {loadavg()}\n", flush=True)

        m = {k: med(v) for k, v in s.items()}
        m["jvmwarm"] = (statistics.median(warm), min(warm), max(warm))
        m["cm"] = med(cm)
        print(f"median of {args.runs} runs, seconds (min..max)")
        names = {
            "nwarm16": f"fastgpu exec '{{bench}}' -- hostname, {n} hosts, agent warm",
            "warm16": "  the same, JVM client",
            "nfirst16": "  the same, first command (the native client starts the agent)",
            "first16": "  the same, first command, JVM client (it starts the agent)",
            "off16": "  the same, FASTGPU_AGENT=off",
            "pdsh": f"pdsh -R ssh, {n} hosts (alongside warm)",
            "pdsh2": "pdsh -R ssh (alongside first)",
            "jvmwarm": "job.run(\"hostname\") in one JVM",
            "cm": "pdsh over OpenSSH ControlMaster",
            "nexec1": "fastgpu exec task0.bench -- true, agent warm",
            "exec1": "  the same, JVM client",
            "ssh1": "ssh HOST true",
            "nlexec": "local: fastgpu exec task0.warm -- true, agent warm",
            "lexec": "  the same, JVM client",
            "offlexec": "  the same, FASTGPU_AGENT=off",
            "nllaunch": "local: trivial fastgpu launch, agent warm",
            "llaunch": "  the same, JVM client",
            "offllaunch": "  the same, FASTGPU_AGENT=off",
            "version": "fastgpu --version",
        }
        for k, label in names.items():
            a, lo, hi = m[k]
            share = f"  in the agent {statistics.median(inside[k]):.3f}" if inside.get(k) else ""
            print(f"  {label:55s} {a:6.3f}  ({lo:.3f}..{hi:.3f}){share}")
        print()
        print(f"  {'figure':40s} {'ratio':>6s}  target")
        for label, ratio, target in [
            ("exec 16 hosts, agent warm / pdsh", m["nwarm16"][0] / m["pdsh"][0], 0.5),
            ("  JVM client", m["warm16"][0] / m["pdsh"][0], 0.5),
            ("exec 16 hosts, first command / pdsh", m["nfirst16"][0] / m["pdsh2"][0], 1.0),
            ("  JVM client", m["first16"][0] / m["pdsh2"][0], 1.0),
            ("job.run in one JVM / pdsh ControlMaster", m["jvmwarm"][0] / m["cm"][0], 0.7),
            ("exec one host, agent warm / ssh true", m["nexec1"][0] / m["ssh1"][0], 1.0),
            ("  JVM client", m["exec1"][0] / m["ssh1"][0], 1.0),
            ("local exec, agent warm / --version", m["nlexec"][0] / m["version"][0], 1.3),
            ("  JVM client", m["lexec"][0] / m["version"][0], 1.3),
            ("local launch, agent warm / --version", m["nllaunch"][0] / m["version"][0], 2.0),
            ("  JVM client", m["llaunch"][0] / m["version"][0], 2.0),
        ]:
            print(f"  {label:40s} {ratio:6.2f}  <= {target:.1f}  {'met' if ratio <= target else 'MISSED'}")
    finally:
        subprocess.run(stop, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for h in hosts:
            subprocess.run(["ssh", "-o", f"ControlPath={cm_dir}/%h", "-O", "exit", h], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        subprocess.run(["java", "-jar", jar, "kill", "{bench}", "--yes"], env=off, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for j in ("{warm}", "{trivial}"):
            subprocess.run(["java", "-jar", jar, "kill", j, "--yes"], env=off, cwd=local, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
