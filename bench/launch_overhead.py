#!/usr/bin/env python3
"""Overhead of `fastgpu launch` for a trivial one-step job and of `fastgpu exec` on a running instance,
on the local backend: wall time from command start to exit, JVM start included, median of N runs.
Baselines measured side by side in the same run: the JVM alone (`java -version`) and `bash -c true`.

Usage: bench/launch_overhead.py [--runs N]   (from the repository root; builds the CLI first if needed)
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


def timed(cmd, env, cwd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return dt


def median_of(n, cmd, env, cwd):
    times = [timed(cmd, env, cwd) for _ in range(n)]
    return statistics.median(times), min(times), max(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    subprocess.run([FASTGPU, "--version"], check=True, stdout=subprocess.DEVNULL)  # build once
    work = tempfile.mkdtemp(prefix="fastgpu-bench-")
    env = dict(os.environ, FASTGPU_HOME=os.path.join(work, "home"), NO_COLOR="1",
               FASTGPU_AGENT="off")  # each command in its own JVM (bench/agent.py measures the agent)
    try:
        os.makedirs(os.path.join(work, "trivial"))
        with open(os.path.join(work, "trivial", "job.yaml"), "w") as f:
            f.write("name: trivial\nsteps:\n  - {name: hello, run: echo hello}\n")
        with open(os.path.join(work, "keep.yaml"), "w") as f:
            f.write("name: warm\nafter: keep\nsteps:\n  - {name: cd, run: cd /tmp}\n")
        timed([FASTGPU, "launch", "trivial"], env, work)            # first launch creates the machine
        timed([FASTGPU, "launch", "keep.yaml"], env, work)          # a running instance for exec
        rows = [
            ("launch (trivial job, machine reused)", median_of(args.runs, [FASTGPU, "launch", "trivial"], env, work)),
            ("exec task0.warm -- true", median_of(args.runs, [FASTGPU, "exec", "task0.warm", "--", "true"], env, work)),
            ("ls", median_of(args.runs, [FASTGPU, "ls"], env, work)),
            ("fastgpu --version (JVM + picocli only)", median_of(args.runs, [FASTGPU, "--version"], env, work)),
            ("java -version (bare JVM start)", median_of(args.runs, ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-version"], env, work)),
            ("bash -c true", median_of(args.runs, ["bash", "-c", "true"], env, work)),
        ]
        print(f"median of {args.runs} runs, seconds (min..max)")
        for name, (med, lo, hi) in rows:
            print(f"  {name:42s} {med:6.3f}  ({lo:.3f}..{hi:.3f})")
    finally:
        subprocess.run([FASTGPU, "kill", "{warm}", "--yes"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([FASTGPU, "kill", "{trivial}", "--yes"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
