#!/usr/bin/env python3
"""Synthetic-data CNN training throughput, in images/sec per process and in total.

One process per GPU (or per CPU worker). Run it as one plain process, or as one of WORLD_SIZE processes
that each get MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE and LOCAL_RANK in their environment (what
run_node.sh, FastGPU's env launcher, or any torchrun-like launcher gives). The data is one fixed random
batch with random labels, so only the model, the framework and the interconnect are measured.
"""
import argparse
import datetime
import json
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

try:
    from fastgpu import metrics as fastgpu_metrics  # on PYTHONPATH on every FastGPU machine
except ImportError:  # run by hand, outside FastGPU: no metrics, same training
    fastgpu_metrics = None


# ----------------------------------------------------------------------------------------------------------------------
# models

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


class SmallResNet(nn.Module):
    """A compact ResNet (stem + 4 stages of one basic block, widths 16..128): quick on a CPU."""

    def __init__(self, num_classes=1000, widths=(16, 32, 64, 128)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 2, 1, bias=False), nn.BatchNorm2d(widths[0]),
                                  nn.ReLU(inplace=True))
        blocks, cin = [], widths[0]
        for i, w in enumerate(widths):
            blocks.append(BasicBlock(cin, w, 1 if i == 0 else 2))
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build_model(name, num_classes):
    if name == "small":
        return SmallResNet(num_classes)
    import torchvision.models as tvm
    return {"resnet18": tvm.resnet18, "resnet50": tvm.resnet50, "vgg16": tvm.vgg16}[name](num_classes=num_classes)


# ----------------------------------------------------------------------------------------------------------------------
# the distributed setting

def env_int(name, default=None):
    v = os.environ.get(name)
    if v is None or v == "":
        return default
    try:
        return int(v)
    except ValueError:
        sys.exit(f"benchmark: {name}={v!r} is not an integer")


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Setting:
    """Who this process is among the others, where it computes, and over what DDP communicates."""

    def __init__(self, timeout_s, backend):
        self.rank = env_int("RANK", 0)
        self.world = env_int("WORLD_SIZE", 1)
        self.local_rank = env_int("LOCAL_RANK", 0)
        self.distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ
        self.cuda = torch.cuda.is_available()
        gpus = torch.cuda.device_count() if self.cuda else 0
        self.host = socket.gethostname()
        # The node: what the launcher says, else the host. FastGPU's local backend runs several "machines"
        # on one host, so the launcher's word comes first.
        node = next((os.environ[k] for k in ("NODE_RANK", "GROUP_RANK", "FASTGPU_NODE_RANK") if os.environ.get(k)), None)
        self.node_key = f"node {node}" if node is not None else f"host {self.host}"
        self.ddp_group = None  # what DDP all-reduces over; None: the default group
        if self.distributed:
            missing = [k for k in ("MASTER_ADDR", "MASTER_PORT") if not os.environ.get(k)]
            if missing:
                sys.exit(f"benchmark: RANK and WORLD_SIZE are set but {' and '.join(missing)} is not")
            if not 0 <= self.rank < self.world:
                sys.exit(f"benchmark: RANK={self.rank} is outside 0..WORLD_SIZE-1 ({self.world - 1})")
            if int(torch.__version__.split(".")[0]) < 2:  # 2.x does this by default (and warns of the old name)
                os.environ.setdefault("NCCL_ASYNC_ERROR_HANDLING", "1")  # a dead peer ends NCCL ranks, not hangs them
            self.timeout = datetime.timedelta(seconds=timeout_s)
            # The default group is gloo, for the bookkeeping (who is where, barriers, results) and for DDP on
            # CPUs; DDP on GPUs gets an NCCL group of its own below.
            dist.init_process_group("gloo", init_method="env://", rank=self.rank, world_size=self.world,
                                    timeout=self.timeout)
            peers = self.all_gather((self.node_key, self.host, gpus))
        else:
            peers = [(self.node_key, self.host, gpus)]
        node_keys = list(dict.fromkeys(p[0] for p in peers))  # in rank order: rank 0's node is node 0
        self.node = node_keys.index(self.node_key) if node is None else int(node)
        self.nodes = len(node_keys)
        self.procs_per_node = max(sum(1 for p in peers if p[0] == key) for key in node_keys)
        same_host = [r for r, p in enumerate(peers) if p[1] == self.host]
        self.procs_on_host = len(same_host)
        if self.cuda:
            # The index among the processes of this host, not LOCAL_RANK: several FastGPU "machines" on one
            # host must not share a GPU when they need not. On real machines the two are the same.
            index = same_host.index(self.rank) % gpus
            torch.cuda.set_device(index)
            self.device = torch.device("cuda", index)
            self.device_name = torch.cuda.get_device_name(index)
            # NCCL wants one GPU per process; where a host has more processes than GPUs, gloo does it.
            crowded = sorted({p[1] for p in peers if sum(1 for q in peers if q[1] == p[1]) > p[2]})
            if backend == "auto":
                backend = "gloo" if crowded else "nccl"
            if backend == "nccl" and crowded:
                sys.exit(f"benchmark: --backend nccl needs a GPU per process, but {', '.join(crowded)} "
                         f"has more processes than GPUs; start fewer, or use --backend gloo")
            if self.distributed and backend == "nccl":
                self.ddp_group = dist.new_group(backend="nccl", timeout=self.timeout)
        else:
            if backend == "nccl":
                sys.exit("benchmark: --backend nccl needs CUDA GPUs, and this machine has none")
            backend = "gloo"
            self.device = torch.device("cpu")
            self.device_name = "cpu"
        self.backend = backend if self.distributed else "none"

    def all_gather(self, obj):
        out = [None] * self.world
        dist.all_gather_object(out, obj)
        return out

    def barrier(self):
        if self.distributed:
            dist.barrier()

    def close(self):
        if self.distributed and dist.is_initialized():
            dist.destroy_process_group()


# ----------------------------------------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["small", "resnet18", "resnet50", "vgg16"], default="small")
    p.add_argument("--batch-size", type=int, default=None, help="per process (default 32 on GPU, 16 on CPU)")
    p.add_argument("--image-size", type=int, default=None, help="default 224 on GPU, 64 on CPU")
    p.add_argument("--num-classes", type=int, default=1000)
    p.add_argument("--warmup-steps", type=int, default=5, help="steps run before timing starts")
    p.add_argument("--steps", type=int, default=20, help="timed steps")
    p.add_argument("--threads", type=int, default=None,
                   help="torch threads per process (default: usable CPUs // processes on this host, at least 1)")
    p.add_argument("--backend", choices=["auto", "nccl", "gloo"], default="auto",
                   help="what DDP communicates over (auto: NCCL when every process has a GPU of its own, else gloo)")
    p.add_argument("--timeout", type=float, default=180, help="seconds to wait for missing peers before failing")
    p.add_argument("--json-out", metavar="PATH", help="rank 0 writes the result here as JSON")
    a = p.parse_args(argv)
    for name in ("batch_size", "image_size", "steps", "threads", "num_classes"):
        v = getattr(a, name)
        if v is not None and v < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, was {v}")
    if a.warmup_steps < 0:
        p.error(f"--warmup-steps must be 0 or more, was {a.warmup_steps}")
    return a


def main(argv=None):
    args = parse_args(argv)
    try:
        s = Setting(args.timeout, args.backend)
        try:
            return run(args, s)
        finally:
            s.close()
    except RuntimeError as e:
        # A lost or missing peer fails every other rank: one line each, not a traceback each
        # (BENCH_DEBUG=1 shows it).
        if "WORLD_SIZE" not in os.environ or os.environ.get("BENCH_DEBUG"):
            raise
        msg = (str(e).strip().splitlines() or [type(e).__name__])[0]
        if "timeout" in msg.lower() or "timed out" in msg.lower():
            msg += f" (a peer did not join, or stopped answering, within --timeout {args.timeout:g} s)"
        print(f"benchmark: rank {os.environ.get('RANK', '?')}: {msg}", file=sys.stderr, flush=True)
        return 1


def run(args, s):
    threads = args.threads or max(1, usable_cpus() // s.procs_on_host)
    torch.set_num_threads(threads)
    batch = args.batch_size or (32 if s.cuda else 16)
    size = args.image_size or (224 if s.cuda else 64)
    torch.manual_seed(1234)  # the same initial weights everywhere (DDP broadcasts rank 0's anyway)

    model = build_model(args.model, args.num_classes).to(s.device)
    if s.cuda:
        torch.backends.cudnn.benchmark = True
    if s.distributed:
        ids = [s.device.index] if s.cuda else None
        model = nn.parallel.DistributedDataParallel(model, device_ids=ids, process_group=s.ddp_group)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(s.rank)
    images = torch.randn(batch, 3, size, size, generator=g).to(s.device)
    labels = torch.randint(0, args.num_classes, (batch,), generator=g).to(s.device)

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(images), labels).backward()  # DDP all-reduces the gradients during backward
        opt.step()

    def sync():
        if s.cuda:
            torch.cuda.synchronize()

    for _ in range(args.warmup_steps):
        step()
    sync()
    s.barrier()  # every rank starts the clock together, after its own warm-up
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    sync()
    elapsed = time.perf_counter() - t0
    mine = {"rank": s.rank, "node": s.node, "local_rank": s.local_rank, "host": s.host, "device": s.device_name,
            "seconds": elapsed, "images_per_sec": batch * args.steps / elapsed}
    results = s.all_gather(mine) if s.distributed else [mine]

    # One line per rank, in rank order.
    for r in range(s.world):
        if r == s.rank:
            print(f"rank {s.rank}/{s.world} (node {s.node}, local {s.local_rank}, device {s.device_name}): "
                  f"{mine['images_per_sec']:.1f} images/sec", flush=True)
            if fastgpu_metrics:
                fastgpu_metrics.push({f"images_per_sec_rank{s.rank}": mine["images_per_sec"]}, step=args.steps)
        s.barrier()
    if s.rank != 0:
        return 0

    # The whole job's throughput: every image of every rank over the slowest rank's time (DDP keeps them in
    # step, so this is close to the sum of the per-rank figures, and never above it).
    slowest = max(r["seconds"] for r in results)
    total = batch * args.steps * s.world / slowest
    print(f"total: {total:.1f} images/sec over {s.world} process{'es' if s.world > 1 else ''}", flush=True)
    if fastgpu_metrics:
        fastgpu_metrics.push({"images_per_sec": total}, step=args.steps)
    if args.json_out:
        record = {
            "model": args.model, "batch_size": batch, "image_size": size, "num_classes": args.num_classes,
            "warmup_steps": args.warmup_steps, "steps": args.steps,
            "world_size": s.world, "nodes": s.nodes, "procs_per_node": s.procs_per_node,
            "device": "cpu" if not s.cuda else results[0]["device"], "backend": s.backend, "threads": threads,
            "images_per_sec_per_process": [r["images_per_sec"] for r in results],
            "mean_images_per_sec_per_process": sum(r["images_per_sec"] for r in results) / s.world,
            "total_images_per_sec": total, "seconds": slowest,
            "ranks": results, "torch": torch.__version__,
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        }
        d = os.path.dirname(os.path.abspath(args.json_out))
        os.makedirs(d, exist_ok=True)
        tmp = f"{args.json_out}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
        os.replace(tmp, args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
