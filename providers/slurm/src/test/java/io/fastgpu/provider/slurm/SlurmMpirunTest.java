package io.fastgpu.provider.slurm;

import io.fastgpu.core.launch.RankLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code launcher: mpirun} inside a Slurm allocation: mpirun on task0 has Slurm start OpenMPI's daemons on the
 * job's nodes ({@code srun --overlap}, no SSH), and the ranks reduce their ranks with mpi4py, each in its own
 * task's folder with its task's values and the job's env.
 */
@ExtendWith(NothingLeftAllocated.class)
class SlurmMpirunTest {
    @TempDir Path home;
    @TempDir Path work;


    @Test
    void slurmStartsARankOnEveryNodeOfTheAllocation() throws Exception {
        TestCluster.writeCluster(home, "test", "");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mpirun")) && new ProcessBuilder("/usr/bin/python3", "-c", "import mpi4py")
                .start().waitFor() == 0, "OpenMPI or mpi4py missing: run scripts/install-prereqs.sh (openmpi-bin, python3-mpi4py)");
        RankLines run = RankLines.launch(home, work, """
                import os
                from mpi4py import MPI
                c = MPI.COMM_WORLD
                total = c.allreduce(c.Get_rank(), op=MPI.SUM)
                e = os.environ
                os.write(1, (f"rank {c.Get_rank()}/{c.Get_size()} sum {total} node {e['FASTGPU_NODE_RANK']} RANK {e['RANK']}"
                             f" {e['GREETING']} {os.path.basename(os.getcwd())} {e.get('SLURMD_NODENAME')}\\n").encode())
                """, """
                name: mpi
                machines: 3
                backend: slurm
                cluster: test
                upload: [ranks.py]
                env: {GREETING: hello}
                steps:
                  - {name: ranks, launcher: mpirun, nproc_per_node: 1, run: /usr/bin/python3 ranks.py}
                after: kill
                """);
        assertThat(run.result().ok()).as(String.valueOf(run.result().failure())).isTrue();
        List<String> lines = run.lines();
        // Rank i runs on task i's node (the allocation's n1, n2, n3), started there by Slurm, in task i's folder.
        assertThat(lines.stream().map(l -> l.replaceFirst("slurm-test-[0-9]+-", "slurm-test-ID-"))).containsExactlyInAnyOrder(
                "task0.mpi rank 0/3 sum 3 node 0 RANK 0 hello slurm-test-ID-0 n1",
                "task0.mpi rank 1/3 sum 3 node 1 RANK 1 hello slurm-test-ID-1 n2",
                "task0.mpi rank 2/3 sum 3 node 2 RANK 2 hello slurm-test-ID-2 n3");
    }
}
