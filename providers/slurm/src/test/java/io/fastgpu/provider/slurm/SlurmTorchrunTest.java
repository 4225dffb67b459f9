package io.fastgpu.provider.slurm;

import io.fastgpu.core.job.TorchVenv;
import io.fastgpu.core.launch.RankLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code launcher: torchrun} inside a Slurm allocation: PyTorch 2.x's launcher (the venv's python
 * {@code -m torch.distributed.run}) in every task's step, a static rendezvous at task0's node, and the ranks reduce
 * their ranks over gloo, each in its own task's folder with its task's values and the job's env.
 */
@ExtendWith(NothingLeftAllocated.class)
class SlurmTorchrunTest {
    @TempDir Path home;
    @TempDir Path work;


    @Test
    void torchrunStartsTheRanksOnEveryNodeOfTheAllocation() throws Exception {
        TestCluster.writeCluster(home, "test", "");
        Path python = TorchVenv.python();
        RankLines run = RankLines.launch(home, work, """
                import os, torch, torch.distributed as dist
                dist.init_process_group("gloo")
                t = torch.tensor([dist.get_rank()])
                dist.all_reduce(t)
                e = os.environ
                os.write(1, (f"rank {dist.get_rank()}/{dist.get_world_size()} sum {int(t.item())} node {e['FASTGPU_NODE_RANK']}"
                             f" local {e['LOCAL_RANK']} {e['GREETING']} {os.path.basename(os.getcwd())} {e.get('SLURMD_NODENAME')}\\n").encode())
                dist.destroy_process_group()
                """, """
                name: torch
                machines: 3
                backend: slurm
                cluster: test
                upload: [ranks.py]
                env: {GREETING: hello}
                steps:
                  - {name: ranks, launcher: torchrun, nproc_per_node: 2, run: PY ranks.py}
                after: kill
                """.replace("PY", python.toString()));
        assertThat(run.result().ok()).as(String.valueOf(run.result().failure())).isTrue();
        List<String> lines = run.lines();
        // Task i's torchrun starts ranks 2i and 2i+1 in task i's step, on the allocation's node n(i+1).
        assertThat(lines.stream().map(l -> l.replaceAll("slurm-test-[0-9]+-", "slurm-test-ID-"))).containsExactlyInAnyOrder(
                "task0.torch rank 0/6 sum 15 node 0 local 0 hello slurm-test-ID-0 n1",
                "task0.torch rank 1/6 sum 15 node 0 local 1 hello slurm-test-ID-0 n1",
                "task1.torch rank 2/6 sum 15 node 1 local 0 hello slurm-test-ID-1 n2",
                "task1.torch rank 3/6 sum 15 node 1 local 1 hello slurm-test-ID-1 n2",
                "task2.torch rank 4/6 sum 15 node 2 local 0 hello slurm-test-ID-2 n3",
                "task2.torch rank 5/6 sum 15 node 2 local 1 hello slurm-test-ID-2 n3");
    }
}
