"""Every MPI rank prints its rank, the world size, its host and the allreduce sum of all ranks; rank 0
checks that sum is 0 + 1 + ... + (n - 1) and exits non-zero otherwise, so a rank that did not take part
fails the step."""
import os
import socket
import sys

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
total = comm.allreduce(rank, op=MPI.SUM)


def say(line):
    # One write per line: mpirun passes the ranks' output on as it comes, and a line written in pieces could
    # be cut by another rank's.
    os.write(1, (line + "\n").encode())


say(f"rank {rank} of {size} on {socket.gethostname()}: allreduce sum {total}")
if rank == 0:
    expected = size * (size - 1) // 2
    if total != expected:
        print(f"allreduce sum {total} != {expected} for {size} ranks", file=sys.stderr, flush=True)
        sys.exit(1)
    say(f"allreduce ok: {size} ranks, sum {total}")
