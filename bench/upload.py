#!/usr/bin/env python3
"""Uploading a code+data tree (~5,000 files, ~200 MB) to 8 SSH hosts: FastGPU vs 8 parallel rsync, in one run.

  tree:      generated once (deterministic seed, random bytes): 4,970 files of 1-20 KB, 20 of 1-5 MB,
             3 of 20-40 MB, in 50 folders; kept in the temp folder for later runs.
  first:     FastGPU `job.upload(tree, DEST)` to 8 tasks, timed inside one JVM (bench/UploadBench.java) over
             its open connections, vs 8 `rsync -a -e "ssh -i KEY ..." tree root@IP:DEST/` started at once
             (each opens its own OpenSSH connection). Destinations are deleted (and `sync`ed) before every
             repetition; alternating; median of N (default 3).
  re-upload: 50 files (1%: 48 small, 2 of 1-5 MB) get new contents (same sizes), then each tool uploads
             again to its already synced destination; N times with a new set of files each time, median.
  cli:       the same copies as a user makes them, `fastgpu scp tree '{upbench}':DEST` from the command line with the
             resident agent warm (its connections open, and the destination's last listing kept), run through
             ./fastgpu as a user runs it (its native client: no JVM starts), timed beside the others in the
             same repetitions.
  overhead:  what the in-process numbers leave out: a fresh JVM making the job (connecting 8 hosts), and a
             cold `java -jar fastgpu.jar exec '{upbench}' -- true` (JVM + 8 connections + one command).
Targets: first copy no slower than rsync; re-upload at most half of rsync's time.
Destinations: a tmpfs mounted on each host for the run (--dest-fs tmpfs, the default), because on the disk of
the test machine (ext4, discard, virtio) deleting and rewriting these trees gets slower with each repetition:
8 local `tar -x` of the tree take 1.5 s, then 8.7, 14.1, 17.6 s after each rm -rf + sync (system CPU), which
would swamp the comparison; --dest-fs disk measures on the disk anyway.
Correctness: sha256 over the sorted file list+contents of DEST on a host equals the local tree's.
cpu = user+sys of the client side (the JVM; rsync+ssh); machine cpu = all CPU time on this machine during
the operation, sshd, tar and rsync on the hosts included (the hosts share this machine's cores).

Usage (as root, from the repository root, after a build):
  scripts/testhosts.sh up 8 && bench/upload.py [--runs 3] [--hosts 8] [--jar cli/target/fastgpu.jar]
"""
import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing fanout
from fanout import prepare, write_fleet, loadavg  # noqa: E402

TREE = "tree"
DEST_ROOT = "/root/fastgpu-bench-dest"  # a tmpfs on each host (unless --dest-fs disk)
FG_DEST = DEST_ROOT + "/fastgpu"        # FastGPU puts the folder under it: FG_DEST/tree/...
RSYNC_DEST = DEST_ROOT + "/rsync"       # rsync gets the same layout: RSYNC_DEST/tree/...
CLI_DEST = DEST_ROOT + "/cli"           # `fastgpu scp TREE '{upbench}':CLI_DEST` from the command line
SEED = 20240601


def gen_tree(parent, seed):
    """The tree under parent/TREE; returns (files sorted, total bytes). Reused when already complete."""
    root = os.path.join(parent, TREE)
    done = os.path.join(parent, "complete")
    rnd = random.Random(seed)
    sizes = [rnd.randint(1024, 20 * 1024) for _ in range(4970)] \
        + [rnd.randint(1 << 20, 5 << 20) for _ in range(20)] + [rnd.randint(20 << 20, 40 << 20) for _ in range(3)]
    names = []
    for i, size in enumerate(sizes):
        kind = "s" if size <= 20 * 1024 else "m" if size <= 5 << 20 else "l"
        names.append((f"d{i % 50:02d}/sub{i % 7}/{kind}{i:05d}.bin", size))
    layout = f"{seed} {len(sizes)} {sum(sizes)}\n"
    if not os.path.exists(done) or open(done).read() != layout:
        shutil.rmtree(root, ignore_errors=True)
        for rel, size in names:
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(rnd.randbytes(size))
        with open(done, "w") as f:
            f.write(layout)
    return names, sum(s for _, s in names)


def touch_files(parent, names, rep, seed):
    """New contents (same size) for 48 small and 2 medium files; returns (count, bytes)."""
    rnd = random.Random(seed * 1000 + rep)
    small = [n for n in names if os.path.basename(n[0]).startswith("s")]
    medium = [n for n in names if os.path.basename(n[0]).startswith("m")]
    chosen = rnd.sample(small, 48) + rnd.sample(medium, 2)
    for rel, size in chosen:
        with open(os.path.join(parent, TREE, rel), "r+b") as f:
            f.write(rnd.randbytes(size))
    return len(chosen), sum(s for _, s in chosen)


def local_checksum(parent):
    out = subprocess.run("cd " + TREE + " && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum",
                         shell=True, cwd=parent, check=True, capture_output=True, text=True).stdout
    return out.split()[0]


def machine_cpu():
    """CPU seconds used on this machine so far (all processes: user, nice, system, irq, softirq)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / os.sysconf("SC_CLK_TCK")


class FastGpuSide:
    def __init__(self, jar, home, hosts_n, parent):
        self.p = subprocess.Popen(["java", "-cp", jar, os.path.join(HERE, "UploadBench.java"), home, "bench",
                                   str(hosts_n), parent, TREE, FG_DEST],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env=dict(os.environ, FASTGPU_HOME=home))
        self.ready = self._reply("ready")

    def _reply(self, want):
        line = self.p.stdout.readline()
        if not line.startswith(want):
            sys.exit(f"UploadBench: expected '{want}', got {line!r}")
        return line.split()[1:]

    def cmd(self, c):
        self.p.stdin.write(c + "\n")
        self.p.stdin.flush()
        return self._reply(c)

    def upload(self):
        m0 = machine_cpu()
        wall, cpu = (float(x) for x in self.cmd("upload"))
        return wall, cpu, machine_cpu() - m0


def ssh_cmd(key, known_hosts):
    return ["ssh", "-i", key, "-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes"]


def rsync_all(hosts, parent, key, known_hosts):
    """8 rsync processes started at once; (wall until the last ends, client cpu, machine cpu)."""
    e = " ".join(ssh_cmd(key, known_hosts))
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    m0 = machine_cpu()
    t0 = time.perf_counter()
    procs = [subprocess.Popen(["rsync", "-a", "-e", e, TREE, f"root@{h}:{RSYNC_DEST}/"], cwd=parent,
                              stderr=subprocess.PIPE) for h in hosts]
    errs = [(p.wait(), p.stderr.read()) for p in procs]
    dt = time.perf_counter() - t0
    m1 = machine_cpu()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for rc, err in errs:
        if rc != 0:
            sys.exit(f"rsync failed ({rc}): {err.decode()[-500:]}")
    return dt, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), m1 - m0


def timed_m(cmd, env):
    """One command: (wall, client cpu, machine cpu); exits when it fails."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    m0 = machine_cpu()
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    m1 = machine_cpu()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return dt, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), m1 - m0


def on_hosts(hosts, key, known_hosts, cmd):
    procs = [subprocess.Popen(ssh_cmd(key, known_hosts) + [f"root@{h}", cmd], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for h in hosts]
    outs = [p.communicate() for p in procs]
    for p, (o, e) in zip(procs, outs):
        if p.returncode != 0:
            sys.exit(f"{cmd}: {e}")
    return [o for o, _ in outs]


def med(samples, i=0):
    return statistics.median(s[i] for s in samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="repetitions per measurement (median)")
    ap.add_argument("--hosts", type=int, default=8, help="how many of the test hosts to use")
    ap.add_argument("--jar", default="cli/target/fastgpu.jar", help="FastGPU CLI jar (relative to the repo root)")
    ap.add_argument("--dest-fs", choices=["tmpfs", "disk"], default="tmpfs",
                    help="where the copies land on the hosts (see above)")
    ap.add_argument("--tree-dir", default=os.path.join(tempfile.gettempdir(), f"fastgpu-bench-tree-{SEED}"),
                    help="where the generated tree is kept between runs")
    args = ap.parse_args()
    jar, key, known_hosts, hosts = prepare(args.jar, "rsync", args.hosts)
    n = len(hosts)

    parent = args.tree_dir
    os.makedirs(parent, exist_ok=True)
    t0 = time.perf_counter()
    names, total = gen_tree(parent, SEED)
    print(f"tree: {len(names)} files, {total / 1e6:.1f} MB in {parent}/{TREE} ({time.perf_counter() - t0:.1f} s);"
          f" {n} hosts, {args.runs} runs, destinations on {args.dest_fs}; {loadavg()}", flush=True)

    work = tempfile.mkdtemp(prefix="fastgpu-upload-")
    home = os.path.join(work, "home")
    write_fleet(home, "bench", hosts, key, known_hosts)
    env = dict(os.environ, FASTGPU_HOME=home, NO_COLOR="1",
               FASTGPU_AGENT="off")  # each command in its own JVM (bench/agent.py measures the agent)
    fg = None
    mounted = False
    try:
        if args.dest_fs == "tmpfs":
            on_hosts(hosts, key, known_hosts, f"mkdir -p {DEST_ROOT} && (mountpoint -q {DEST_ROOT} ||"
                     f" mount -t tmpfs -o size={2 * total // (1 << 20) + 256}m fastgpu-bench {DEST_ROOT})")
            mounted = True
        clean_rsync = lambda: on_hosts(hosts, key, known_hosts, f"rm -rf {RSYNC_DEST} {CLI_DEST}")  # noqa: E731
        clean_rsync()
        agent_env = dict(env, FASTGPU_AGENT_IDLE="30m")
        agent_env.pop("FASTGPU_AGENT", None)
        # As a user runs it: ./fastgpu, whose native client hands the command to the warm agent (no JVM starts).
        scp = [os.path.join(ROOT, "fastgpu"), "scp", os.path.join(parent, TREE), "{upbench}:" + CLI_DEST]

        def cli_upload():
            return timed_m(scp, agent_env)

        fg = FastGpuSide(jar, home, n, parent)
        makejob_wall, makejob_cpu = (float(x) for x in fg.ready)
        fg.cmd("clean")

        first_fg, first_rs, first_cli = [], [], []
        for rep in range(args.runs):
            fg.cmd("clean")
            clean_rsync()
            subprocess.run(["sync"], check=True)
            first_fg.append(fg.upload())
            subprocess.run(["sync"], check=True)
            first_rs.append(rsync_all(hosts, parent, key, known_hosts))
            subprocess.run(["sync"], check=True)
            if rep == 0:
                cli_upload()  # starts the agent and connects it; then cleaned and timed like the others
                on_hosts(hosts, key, known_hosts, f"rm -rf {CLI_DEST}")
                subprocess.run(["sync"], check=True)
            first_cli.append(cli_upload())
            print(f"  first copy {rep + 1}: fastgpu {first_fg[-1][0]:.3f} s, rsync {first_rs[-1][0]:.3f} s,"
                  f" cli+agent {first_cli[-1][0]:.3f} s; {loadavg()}", flush=True)
        want = local_checksum(parent)
        got = fg.cmd("checksum")[0]
        got_rs = on_hosts(hosts[:1], key, known_hosts, f"cd {RSYNC_DEST}/{TREE} && find . -type f -print0 | LC_ALL=C sort -z"
                          " | xargs -0 sha256sum | sha256sum")[0].split()[0]
        if got != want or got_rs != want:
            sys.exit(f"checksum mismatch after the first copy: local {want}, fastgpu {got}, rsync {got_rs}")
        prof_full = fg.cmd("profile")

        re_fg, re_rs, re_cli, touched = [], [], [], []
        for rep in range(args.runs):
            time.sleep(1.1)  # the next modification times differ from the uploaded ones by at least a second
            touched.append(touch_files(parent, names, rep, SEED))
            subprocess.run(["sync"], check=True)
            re_fg.append(fg.upload())
            subprocess.run(["sync"], check=True)
            re_rs.append(rsync_all(hosts, parent, key, known_hosts))
            subprocess.run(["sync"], check=True)
            re_cli.append(cli_upload())
            print(f"  re-upload {rep + 1}: fastgpu {re_fg[-1][0]:.3f} s, rsync {re_rs[-1][0]:.3f} s,"
                  f" cli+agent {re_cli[-1][0]:.3f} s; {loadavg()}", flush=True)
        want = local_checksum(parent)
        got = fg.cmd("checksum")[0]
        if got != want:
            sys.exit(f"checksum mismatch after the re-upload: local {want}, fastgpu {got}")

        # Cold overhead (not in the in-process numbers): a new JVM connecting the job's 8 hosts.
        cold = []
        for _ in range(args.runs):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(["java", "-jar", jar, "exec", "{upbench}", "--", "true"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cold.append((time.perf_counter() - t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)))
        print(f"done; {loadavg()}\n", flush=True)

        print(f"upload of {len(names)} files / {total / 1e6:.0f} MB to {n} hosts: median of {args.runs}, seconds"
              f" (min..max); cpu = client user+sys, mcpu = whole machine")
        rows = [
            ("first copy  fastgpu job.upload (in-process)", first_fg),
            ("first copy  8 x rsync -a (parallel)", first_rs),
            ("re-upload   fastgpu job.upload (in-process)", re_fg),
            ("re-upload   8 x rsync -a (parallel)", re_rs),
            ("first copy  fastgpu scp, command line, agent warm", first_cli),
            ("re-upload   fastgpu scp, command line, agent warm", re_cli),
        ]
        for name, s in rows:
            w = [x[0] for x in s]
            print(f"  {name:46s} {med(s):7.3f}  ({min(w):.3f}..{max(w):.3f})  cpu {med(s, 1):5.2f}  mcpu {med(s, 2):5.2f}")
        print(f"  (re-upload changed {touched[0][0]} files, {statistics.median(t[1] for t in touched) / 1e6:.1f} MB"
              f" median per run)")
        print()
        print(f"  {'case':10s} {'fastgpu':>8s} {'rsync':>8s} {'fastgpu/rsync':>14s} {'speed-up':>9s}  target              met")
        for case, f, r, target, ok in [
            ("first copy", med(first_fg), med(first_rs), "fastgpu <= rsync", med(first_fg) <= med(first_rs)),
            ("re-upload", med(re_fg), med(re_rs), "fastgpu <= rsync/2", med(re_fg) <= med(re_rs) / 2),
            ("cli first", med(first_cli), med(first_rs), "fastgpu <= rsync", med(first_cli) <= med(first_rs)),
            ("cli re-up", med(re_cli), med(re_rs), "fastgpu <= rsync/2", med(re_cli) <= med(re_rs) / 2),
        ]:
            print(f"  {case:10s} {f:8.3f} {r:8.3f} {f / r:14.2f} {r / f:8.2f}x  {target:18s}  {'yes' if ok else 'NO'}")
        print()
        print("  left out of the in-process numbers (a CLI user pays them once per command):")
        print(f"    fresh JVM: makeJob on the existing job, connecting {n} hosts  {makejob_wall:6.3f}  cpu {makejob_cpu:5.2f}")
        print(f"    java -jar fastgpu.jar exec '{{upbench}}' -- true (cold CLI)    {med(cold):6.3f}  cpu {med(cold, 1):5.2f}")
        sel, lst, nfiles, rt = float(prof_full[1]), float(prof_full[3]), int(prof_full[5]), float(prof_full[7])
        print("  inside one upload:")
        print(f"    local walk of the tree (FileSelection.select, {nfiles} files; once per task)   {sel:6.3f}")
        print(f"    remote `find` listing of a synced copy on {n} hosts in parallel            {lst:6.3f}"
              f"  (a no-op `true` command: {rt:.3f})")
        print(f"  ssh: {key}, known_hosts {known_hosts}; checksums match ({want[:16]}...)")
    finally:
        subprocess.run(["java", "-jar", jar, "agent", "stop"], env=dict(env, FASTGPU_AGENT_IDLE="30m"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if fg is not None and fg.p.poll() is None:
            try:
                fg.cmd("quit")
            except (SystemExit, BrokenPipeError):
                fg.p.kill()
            fg.p.wait()
        on_hosts(hosts, key, known_hosts, f"rm -rf {RSYNC_DEST} {FG_DEST} {CLI_DEST}")
        if mounted:
            on_hosts(hosts, key, known_hosts, f"umount {DEST_ROOT} && rmdir {DEST_ROOT}")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
