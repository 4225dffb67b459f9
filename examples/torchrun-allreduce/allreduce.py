"""Every rank that torchrun starts prints its rank, the world size, its host and the allreduce sum of all ranks;
rank 0 checks that sum is 0 + 1 + ... + (n - 1) and exits non-zero otherwise, so a rank that did not take part
fails the step. gloo on CPU (nccl when CUDA is there): torchrun gives each rank RANK, WORLD_SIZE, LOCAL_RANK,
MASTER_ADDR and MASTER_PORT, which init_process_group reads."""
import os
import socket
import sys

import torch
import torch.distributed as dist

cuda = torch.cuda.is_available()
dist.init_process_group("nccl" if cuda else "gloo")
rank, size = dist.get_rank(), dist.get_world_size()
if cuda:
    torch.cuda.set_device(int(os.environ["LOCAL_RANK"]) % torch.cuda.device_count())
t = torch.tensor([rank], dtype=torch.int64, device="cuda" if cuda else "cpu")
dist.all_reduce(t, op=dist.ReduceOp.SUM)
total = int(t.item())


def say(line):
    # One write per line: the ranks of one machine share its output, and a line written in pieces could be cut
    # by another rank's.
    os.write(1, (line + "\n").encode())


say(f"rank {rank} of {size} on {socket.gethostname()}: allreduce sum {total}")
ok = True
if rank == 0:
    expected = size * (size - 1) // 2
    ok = total == expected
    if ok:
        say(f"allreduce ok: {size} ranks, sum {total}")
    else:
        print(f"allreduce sum {total} != {expected} for {size} ranks", file=sys.stderr, flush=True)
dist.destroy_process_group()
sys.exit(0 if ok else 1)
