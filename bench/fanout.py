#!/usr/bin/env python3
"""Fan-out of one short command (`hostname`) to 16 SSH hosts: FastGPU vs pdsh, side by side in one run.

  cold: `java -jar fastgpu.jar exec '{bench}' -- hostname` (new JVM, 16 new SSH connections) vs
        `pdsh -R ssh -w <16 IPs> hostname` (16 new OpenSSH connections, fanout 32 covers 16), alternating,
        median of N runs each; plus `java -jar fastgpu.jar --version` (JVM start only) for scale. Also the
        same two FastGPU commands with the JVM options of the ./fastgpu launcher (C1 only, serial GC, a
        class-data archive made by one untimed run), which is how users start it.
  warm: in one JVM (bench/FanoutWarm.java), after 11 warm-up runs, N timed `job.run("hostname")` over the
        connections already open, median; vs pdsh, which opens new connections every time.
        For reference, pdsh over OpenSSH ControlMaster connections (a user's way to reuse connections).
Targets: cold no slower than pdsh; warm at least 5x faster than pdsh.
Wall times in seconds; "cpu" is user+sys of the process and its children (this machine runs the hosts'
sshd too, so client and server CPU compete for the same cores: see the load averages printed).

Usage (as root, from the repository root, after a build):
  scripts/testhosts.sh up 16 && bench/fanout.py [--runs 7] [--hosts 16] [--jar cli/target/fastgpu.jar]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))


def prepare(jar_arg, tool, want_hosts):
    """The jar, the test hosts' key and known_hosts, and the first want_hosts hosts; exits saying what is missing."""
    jar = os.path.abspath(os.path.join(ROOT, jar_arg))
    if not os.path.isfile(jar):
        sys.exit(f"no {jar}: build first (mvn -q -DskipTests package)")
    for t in (tool, "java", "ssh"):
        if not shutil.which(t):
            sys.exit(f"{t} is not installed")
    key, known_hosts, hosts = testhosts_env()
    if len(hosts) < want_hosts:
        sys.exit(f"only {len(hosts)} test hosts are up; run: scripts/testhosts.sh up {want_hosts}")
    return jar, key, known_hosts, hosts[:want_hosts]


def testhosts_env():
    """FASTGPU_TESTHOSTS_* from the environment, else from `scripts/testhosts.sh env`."""
    env = {k: v for k, v in os.environ.items() if k.startswith("FASTGPU_TESTHOSTS_")}
    if "FASTGPU_TESTHOSTS_KEY" not in env:
        out = subprocess.run([os.path.join(ROOT, "scripts", "testhosts.sh"), "env"], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("export "):
                k, v = line[len("export "):].split("=", 1)
                env[k] = v.strip("'\"")
    with open(env["FASTGPU_TESTHOSTS_HOSTS"]) as f:
        hosts = [l.strip() for l in f if l.strip()]
    return env["FASTGPU_TESTHOSTS_KEY"], env["FASTGPU_TESTHOSTS_KNOWN_HOSTS"], hosts


def write_fleet(home, name, hosts, key, known_hosts):
    os.makedirs(os.path.join(home, "fleets"), exist_ok=True)
    with open(os.path.join(home, "fleets", name + ".yaml"), "w") as f:
        f.write(f"defaults: {{user: root, key: {key}}}\nknown_hosts: {known_hosts}\nhosts:\n")
        f.writelines(f"  - {{host: {h}}}\n" for h in hosts)


def timed(cmd, env, expect_lines=None):
    """(wall seconds, user+sys CPU seconds of the command and its descendants); checks the output."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-800:]}")
    if expect_lines is not None:
        lines = [l for l in r.stdout.decode().splitlines() if l.strip()]
        if len(lines) != expect_lines:
            sys.exit(f"{' '.join(cmd)}: expected {expect_lines} output lines, got {len(lines)}:\n{r.stdout.decode()}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return dt, cpu


def stats(samples):
    walls = [w for w, _ in samples]
    return statistics.median(walls), min(walls), max(walls), statistics.median([c for _, c in samples])


def loadavg():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="runs per measurement (median)")
    ap.add_argument("--hosts", type=int, default=16, help="how many of the test hosts to use")
    ap.add_argument("--jar", default="cli/target/fastgpu.jar", help="FastGPU CLI jar (relative to the repo root)")
    args = ap.parse_args()
    jar, key, known_hosts, hosts = prepare(args.jar, "pdsh", args.hosts)
    n = len(hosts)

    work = tempfile.mkdtemp(prefix="fastgpu-fanout-")
    home = os.path.join(work, "home")
    write_fleet(home, "bench", hosts, key, known_hosts)
    env = dict(os.environ, FASTGPU_HOME=home, NO_COLOR="1",
               FASTGPU_AGENT="off")  # each command in its own JVM (bench/agent.py measures the agent)
    ssh_args = f"-i {key} -o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes -o BatchMode=yes"
    pdsh_env = dict(env, PDSH_SSH_ARGS_APPEND=ssh_args)
    cm_dir = os.path.join(work, "cm")
    os.makedirs(cm_dir)
    cm_env = dict(env, PDSH_SSH_ARGS_APPEND=ssh_args + f" -o ControlMaster=auto -o ControlPath={cm_dir}/%h"
                  " -o ControlPersist=600")
    wlist = ",".join(hosts)
    fastgpu_exec = ["java", "-jar", jar, "exec", "{bench}", "--", "hostname"]
    pdsh = ["pdsh", "-R", "ssh", "-f", "32", "-l", "root", "-w", wlist, "hostname"]
    launcher_opts = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss1m", "-Xlog:disable", "-Xlog:all=error:stderr"]
    jsa = os.path.join(work, "fastgpu.jsa")
    fastgpu_exec_l = ["java"] + launcher_opts + [f"-XX:SharedArchiveFile={jsa}", "-jar", jar, "exec", "{bench}", "--",
                                                 "hostname"]
    version_l = ["java"] + launcher_opts + [f"-XX:SharedArchiveFile={jsa}", "-jar", jar, "--version"]
    warm_helper = ["java", "-cp", jar, os.path.join(HERE, "FanoutWarm.java"), home, "bench", str(n)]
    try:
        print(f"{n} hosts, {args.runs} runs each; before: {loadavg()}", flush=True)
        # Set up (not timed): job "bench" with n tasks claiming the hosts; one run of each tool to warm caches.
        subprocess.run(warm_helper + ["0"], env=env, check=True, stdout=subprocess.DEVNULL)
        timed(fastgpu_exec, env, n)
        timed(["java"] + launcher_opts + [f"-XX:ArchiveClassesAtExit={jsa}", "-jar", jar, "exec", "{bench}", "--",
                                          "hostname"], env, n)  # the class-data archive, as ./fastgpu makes it
        timed(pdsh, pdsh_env, n)

        cold_fg, cold_fg_l, cold_pdsh, jvm, jvm_l = [], [], [], [], []
        for _ in range(args.runs):  # alternating, so drifting load hits all alike
            cold_fg.append(timed(fastgpu_exec, env, n))
            cold_pdsh.append(timed(pdsh, pdsh_env, n))
            cold_fg_l.append(timed(fastgpu_exec_l, env, n))
            jvm.append(timed(["java", "-jar", jar, "--version"], env, 1))
            jvm_l.append(timed(version_l, env, 1))
        print(f"cold done; {loadavg()}", flush=True)

        r = subprocess.run(warm_helper + [str(args.runs)], env=env, check=True, stdout=subprocess.PIPE, text=True)
        warm = [float(l.split()[1]) for l in r.stdout.splitlines() if l.startswith("warm ")]
        makejob = [float(l.split()[1]) for l in r.stdout.splitlines() if l.startswith("makejob ")][0]
        check = [l for l in r.stdout.splitlines() if l.startswith("check ")][0].split()[1:]
        if len(set(check)) != n:
            sys.exit(f"warm run reached {len(set(check))} distinct hosts, expected {n}: {check}")
        print(f"warm done; {loadavg()}", flush=True)

        timed(pdsh, cm_env, n)  # opens the ControlMaster connections (not timed)
        cm = [timed(pdsh, cm_env, n) for _ in range(args.runs)]
        print(f"after: {loadavg()}\n", flush=True)

        fg_c, fg_cl, pd, jv, jvl, cmm = (stats(cold_fg), stats(cold_fg_l), stats(cold_pdsh), stats(jvm), stats(jvm_l),
                                         stats(cm))
        fg_w = (statistics.median(warm), min(warm), max(warm), float("nan"))
        print(f"hostname on {n} hosts: median of {args.runs} runs, seconds (min..max), cpu = user+sys")
        rows = [
            ("cold  fastgpu exec '{bench}' -- hostname", fg_c),
            ("cold  pdsh -R ssh (OpenSSH, new connections)", pd),
            ("      java -jar fastgpu.jar --version (JVM only)", jv),
            ("cold  same exec, ./fastgpu JVM options + CDS", fg_cl),
            ("      same --version, ./fastgpu options + CDS", jvl),
            ("warm  job.run(\"hostname\") in one JVM", fg_w),
            ("ref.  pdsh over OpenSSH ControlMaster (reused)", cmm),
        ]
        for name, (med, lo, hi, cpu) in rows:
            cpu_s = "" if cpu != cpu else f"  cpu {cpu:5.2f}"
            print(f"  {name:50s} {med:6.3f}  ({lo:.3f}..{hi:.3f}){cpu_s}")
        print(f"  (in the warm JVM: makeJob on the existing job, connecting {n} hosts, took {makejob:.3f})")
        print()
        print(f"  {'case':6s} {'fastgpu':>8s} {'pdsh':>8s} {'fastgpu/pdsh':>13s} {'speed-up':>9s}  target            met")
        for case, f, p, target, ok in [
            ("cold", fg_c[0], pd[0], "fastgpu <= pdsh", fg_c[0] <= pd[0]),
            ("cold*", fg_cl[0], pd[0], "fastgpu <= pdsh", fg_cl[0] <= pd[0]),
            ("warm", fg_w[0], pd[0], "speed-up >= 5x", pd[0] / fg_w[0] >= 5),
        ]:
            print(f"  {case:6s} {f:8.3f} {p:8.3f} {f / p:13.2f} {p / f:8.2f}x  {target:16s}  {'yes' if ok else 'NO'}")
        print(f"  (cold* = with the ./fastgpu launcher's JVM options and class-data archive. JVM start alone is"
              f" {jv[0]:.3f} s = {jv[0] / fg_c[0]:.0%} of the cold fastgpu time, {jvl[0]:.3f} s = {jvl[0] / fg_cl[0]:.0%}"
              f" with the launcher's options;\n   warm fastgpu vs pdsh over ControlMaster: speed-up {cmm[0] / fg_w[0]:.2f}x)")
    finally:
        for h in hosts:
            subprocess.run(["ssh", "-o", f"ControlPath={cm_dir}/%h", "-O", "exit", h], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        subprocess.run(["java", "-jar", jar, "kill", "{bench}", "--yes"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
