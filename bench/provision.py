#!/usr/bin/env python3
"""Provisioning N instances on the emulated Alibaba Cloud with boot latency L and API rate limits on.

Runs bench/ProvisionBench.java (see its header for what is timed) once per size, case and repetition, each in
a fresh JVM (as a `fastgpu launch` starts one) and a fresh emulated account, and prints the medians:

  provider  AliyunProvider.createAll + awaitAllReady: first API call to every instance answering SSH
  makejob   FastGpu.makeJob (backend aliyun): the same plus the log folder, hostfile and job record

Target (the issue's): total at most 2 x L + C (C = --constant-s, 2 s by default). Also reported: API calls per
instance (client side, throttled retries included), how many calls the emulator throttled, and when the last
instance was created / Running / ready, which shows where the time goes.

Rate limits (calls per action per one-second window, as the OpenAPI gateway counts them): RunInstances 20/s,
DescribeInstances 20/s, every other action a launch calls 10/s (--run-rps, --describe-rps, --other-rps).
The emulator does not model the real API's network latency or an image's boot (an instance is Running after
exactly L, with sshd listening at once); its SSH servers share this JVM and these cores with the client.

Usage (from the repository root, after a build):
  bench/provision.py [--instances 64,16,1] [--boot-latency-ms 3000] [--runs 3] [--cases provider,makejob]
                     [--jar cli/target/fastgpu.jar]
"""
import argparse
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))


def loadavg():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def run_one(jar, n, case, args):
    cmd = ["java", "-cp", jar, os.path.join(HERE, "ProvisionBench.java"), "--instances", str(n), "--cases", case,
           "--boot-latency-ms", str(args.boot_latency_ms), "--run-rps", str(args.run_rps),
           "--describe-rps", str(args.describe_rps), "--other-rps", str(args.other_rps),
           "--constant-s", str(args.constant_s)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if args.verbose:
        print(r.stdout, flush=True)
    result = [line for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    if r.returncode != 0 or not result:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-3000:]}")
    fields = dict(kv.split("=", 1) for kv in result[-1].split()[1:])
    return {k[len(case) + 1:] if k.startswith(case + "_") else k: v for k, v in fields.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--instances", default="64,16,1", help="comma-separated sizes")
    ap.add_argument("--boot-latency-ms", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3, help="repetitions per size and case (median)")
    ap.add_argument("--cases", default="provider,makejob")
    ap.add_argument("--run-rps", type=int, default=20)
    ap.add_argument("--describe-rps", type=int, default=20)
    ap.add_argument("--other-rps", type=int, default=10)
    ap.add_argument("--constant-s", type=float, default=2.0)
    ap.add_argument("--jar", default="cli/target/fastgpu.jar", help="FastGPU CLI jar (relative to the repo root)")
    ap.add_argument("--verbose", action="store_true", help="print every run's own report")
    args = ap.parse_args()
    jar = os.path.abspath(os.path.join(ROOT, args.jar))
    if not os.path.isfile(jar):
        sys.exit(f"no {jar}: build first (mvn -q -DskipTests install)")
    sizes = [int(s) for s in args.instances.split(",")]
    cases = args.cases.split(",")
    boot = args.boot_latency_ms / 1000
    target = 2 * boot + args.constant_s
    print(f"boot latency L = {boot:.1f} s, target 2 x L + {args.constant_s:.1f} = {target:.1f} s; rate limits:"
          f" RunInstances {args.run_rps}/s, DescribeInstances {args.describe_rps}/s, others {args.other_rps}/s;"
          f" {args.runs} runs each, {os.cpu_count()} cores; {loadavg()}", flush=True)
    rows = []
    for n in sizes:
        for case in cases:
            runs = []
            for k in range(args.runs):
                runs.append(run_one(jar, n, case, args))
                print(f"  n={n} {case} run {k + 1}: {float(runs[-1]['total_s']):.2f} s; {loadavg()}", flush=True)
            rows.append((n, case, runs))
    print()
    print(f"| instances | case | total s, median (min..max) | target {target:.0f} s | API calls / instance"
          f" | throttled calls | createAll + awaitAllReady s | created first..last / last Running / ready, s | JVM CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, case, runs in rows:
        med = lambda key: statistics.median(float(r[key]) for r in runs)  # noqa: E731
        totals = [float(r["total_s"]) for r in runs]
        calls = med("calls") / n
        split, phases = "", ""
        if "create_calls" in runs[0]:
            split = f" ({med('create_calls') / n:.2f} create + {med('wait_calls') / n:.2f} wait)"
            phases = f"{med('create_s'):.2f} + {med('wait_s'):.2f}"
        met = "met" if med("total_s") <= target else "**missed**"
        print(f"| {n} | {case} | {med('total_s'):.2f} ({min(totals):.2f}..{max(totals):.2f}) | {met}"
              f" | {calls:.2f}{split} | {med('throttled'):.0f} | {phases}"
              f" | {med('created_first_s'):.2f}..{med('created_last_s'):.2f} / {med('running_last_s'):.2f}"
              f" / {med('total_s'):.2f} | {med('cpu_s'):.1f} |")
    print(f"\n{loadavg()}")


if __name__ == "__main__":
    main()
