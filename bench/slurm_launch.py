#!/usr/bin/env python3
"""Time from `fastgpu launch` to the first step running, on an idle 3-node Slurm test cluster, and Slurm's own
part of it measured side by side: the same allocation made by hand (`sbatch -N3 --exclusive`, wait until it
runs, `srun --overlap` the first step), so that FastGPU's own part is the difference. Median of N runs.

Usage: bench/slurm_launch.py [--runs N]   (root; from the repository root; brings the cluster up with
scripts/slurm.sh up 3 and builds the CLI first if needed)
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
FASTGPU = os.path.join(ROOT, "fastgpu")


def sh(cmd, env):
    return subprocess.run(["bash", "-c", cmd], env=env, check=True, capture_output=True, text=True).stdout


def queue_empty(env):
    for _ in range(200):
        if not sh("squeue -h", env).strip():
            return
        time.sleep(0.05)
    sys.exit("the Slurm queue is not empty: " + sh("squeue", env))


def by_hand(env, stamp):
    """sbatch, wait until RUNNING, first step: what any Slurm user pays."""
    t0 = time.time()
    job = sh("sbatch --parsable -N3 --exclusive --no-requeue -o /dev/null --wrap 'exec sleep infinity'", env).strip()
    while sh(f"squeue -h -j {job} -o %T", env).strip() != "RUNNING":
        time.sleep(0.02)
    sh(f"srun --jobid={job} --overlap -N1 -n1 -w n1 --quiet bash -c 'date +%s.%N > {stamp}'", env)
    first = float(open(stamp).read())
    sh(f"scancel {job}", env)
    queue_empty(env)
    return first - t0


def with_fastgpu(env, work, stamp):
    t0 = time.time()
    r = subprocess.run([FASTGPU, "launch", "bench", "--yes"], env=env, cwd=work, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"launch failed ({r.returncode}): {r.stdout[-800:]}{r.stderr[-800:]}")
    first = float(open(stamp).read())
    queue_empty(env)
    return first - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run([os.path.join(ROOT, "scripts/slurm.sh"), "up", "3"], check=True)
    conf = sh(os.path.join(ROOT, "scripts/slurm.sh") + " env", os.environ).split("SLURM_CONF=")[1].split()[0]
    subprocess.run([FASTGPU, "--version"], check=True, stdout=subprocess.DEVNULL)  # build once
    tmp = tempfile.mkdtemp(prefix="fastgpu-slurm-bench-")
    try:
        home, work = os.path.join(tmp, "home"), os.path.join(tmp, "work")
        os.makedirs(os.path.join(home, "clusters"))
        os.makedirs(os.path.join(work, "bench"))
        stamp = os.path.join(tmp, "first-step")
        with open(os.path.join(home, "clusters", "test.yaml"), "w") as f:
            f.write(f"local: true\nslurm_conf: {conf}\nworkdir: {tmp}/slurm-work\n")
        with open(os.path.join(work, "bench", "job.yaml"), "w") as f:
            f.write("name: bench\nmachines: 3\nbackend: slurm\ncluster: test\n"
                    f"steps:\n  - name: first\n    run: date +%s.%N > {stamp}\nafter: kill\n")
        env = dict(os.environ, FASTGPU_HOME=home, SLURM_CONF=conf)
        queue_empty(env)
        hand, fg = [], []
        for _ in range(args.runs):
            hand.append(by_hand(env, stamp))
            fg.append(with_fastgpu(env, work, stamp))
        t0 = time.perf_counter()
        subprocess.run([FASTGPU, "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
        jvm = time.perf_counter() - t0
        load = os.getloadavg()[0]
        m_hand, m_fg = statistics.median(hand), statistics.median(fg)
        print(f"load average {load:.1f}; {args.runs} runs; medians (min..max)")
        print(f"launch -> first step, fastgpu launch:        {m_fg:.2f} s ({min(fg):.2f}..{max(fg):.2f})")
        print(f"  Slurm's part (sbatch -> running -> srun):  {m_hand:.2f} s ({min(hand):.2f}..{max(hand):.2f})")
        print(f"  FastGPU's own part (difference):           {m_fg - m_hand:.2f} s, of which JVM + CLI start {jvm:.2f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
