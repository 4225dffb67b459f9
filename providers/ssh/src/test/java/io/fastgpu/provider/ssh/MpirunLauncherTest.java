package io.fastgpu.provider.ssh;

import io.fastgpu.core.launch.RankLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code launcher: mpirun} for real: OpenMPI's mpirun on task0 starts two ranks on every task over SSH (task0's key
 * made trusted by the others), and the ranks reduce their ranks with mpi4py. Each rank runs in its own task's
 * folder, where the upload landed, with its task's values and the job's env.
 */
class MpirunLauncherTest {
    @TempDir Path home;
    @TempDir Path work;

    @Test
    void everyRankOfEveryTaskTakesPartInTheAllreduce() throws Exception {
        NamespaceHosts hosts = NamespaceHosts.require(3);
        // The test hosts share this machine's /usr: OpenMPI and mpi4py are there or nowhere.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mpirun")) && new ProcessBuilder("/usr/bin/python3", "-c", "import mpi4py")
                .start().waitFor() == 0, "OpenMPI or mpi4py missing: run scripts/install-prereqs.sh (openmpi-bin, python3-mpi4py)");
        hosts.writeFleet(home, "trio", 3, false);
        RankLines run = RankLines.launch(home, work, """
                import os, socket
                from mpi4py import MPI
                c = MPI.COMM_WORLD
                total = c.allreduce(c.Get_rank(), op=MPI.SUM)
                e = os.environ
                os.write(1, (f"rank {c.Get_rank()}/{c.Get_size()} sum {total} node {e['FASTGPU_NODE_RANK']} local {e['LOCAL_RANK']}"
                             f" RANK {e['RANK']} {e['GREETING']} {os.path.basename(os.getcwd())} {socket.gethostname()}\\n").encode())
                """, """
                name: mpi
                machines: 3
                backend: ssh
                fleet: trio
                upload: [ranks.py]
                env: {GREETING: hello}
                steps:
                  - {name: ranks, launcher: mpirun, nproc_per_node: 2, run: /usr/bin/python3 ranks.py}
                after: kill
                """);
        assertThat(run.result().ok()).as(String.valueOf(run.result().failure())).isTrue();
        List<String> lines = run.lines();
        // mpirun runs on task0 only, so every rank's line comes through it; ranks 2i and 2i+1 run on task i, in its folder.
        assertThat(lines.stream().map(l -> l.substring(0, l.lastIndexOf(' ')))).containsExactlyInAnyOrder(
                "task0.mpi rank 0/6 sum 15 node 0 local 0 RANK 0 hello task0.mpi",
                "task0.mpi rank 1/6 sum 15 node 0 local 1 RANK 1 hello task0.mpi",
                "task0.mpi rank 2/6 sum 15 node 1 local 0 RANK 2 hello task1.mpi",
                "task0.mpi rank 3/6 sum 15 node 1 local 1 RANK 3 hello task1.mpi",
                "task0.mpi rank 4/6 sum 15 node 2 local 0 RANK 4 hello task2.mpi",
                "task0.mpi rank 5/6 sum 15 node 2 local 1 RANK 5 hello task2.mpi");
        assertThat(lines.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct()).as("one host per task").hasSize(3);
    }
}
