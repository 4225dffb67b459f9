package io.fastgpu.provider.ssh;

import io.fastgpu.core.job.StepFailedException;
import io.fastgpu.core.job.TorchVenv;
import io.fastgpu.core.launch.LaunchResult;
import io.fastgpu.core.launch.RankLines;
import io.fastgpu.core.runtime.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code launcher: torchrun} for real on the SSH test hosts: PyTorch 2.x's elastic launcher (the venv's python
 * {@code -m torch.distributed.run}) on every task, a static rendezvous at task0's address, ranks on every task that
 * reduce their ranks over gloo. The venv lives on the file system the hosts share.
 */
class TorchrunLauncherTest {
    @TempDir Path home;
    @TempDir Path work;
    List<String> lines = List.of();

    private LaunchResult launch(Path python, String script, String job) throws Exception {
        NamespaceHosts hosts = NamespaceHosts.require(2);
        hosts.writeFleet(home, "duo", 2, false);
        RankLines run = RankLines.launch(home, work, script, job.replace("PY", python.toString()));
        lines = run.lines();
        return run.result();
    }

    @Test
    void everyRankOfEveryTaskTakesPartInTheAllreduce() throws Exception {
        Path python = TorchVenv.python();
        LaunchResult r = launch(python, """
                import os, socket, torch, torch.distributed as dist
                dist.init_process_group("gloo")
                t = torch.tensor([dist.get_rank()])
                dist.all_reduce(t)
                e = os.environ
                os.write(1, (f"rank {dist.get_rank()}/{dist.get_world_size()} sum {int(t.item())} node {e['FASTGPU_NODE_RANK']}"
                             f" local {e['LOCAL_RANK']} {e['GREETING']} {os.path.basename(os.getcwd())} {socket.gethostname()}\\n").encode())
                dist.destroy_process_group()
                """, """
                name: torch
                machines: 2
                backend: ssh
                fleet: duo
                upload: [ranks.py]
                env: {GREETING: hello}
                steps:
                  - {name: ranks, launcher: torchrun, nproc_per_node: 2, run: PY ranks.py}
                after: kill
                """);
        assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue();
        // torchrun runs on every task: each task's two ranks write to that task's log, from its own folder.
        assertThat(lines.stream().map(l -> l.substring(0, l.lastIndexOf(' ')))).containsExactlyInAnyOrder(
                "task0.torch rank 0/4 sum 6 node 0 local 0 hello task0.torch",
                "task0.torch rank 1/4 sum 6 node 0 local 1 hello task0.torch",
                "task1.torch rank 2/4 sum 6 node 1 local 0 hello task1.torch",
                "task1.torch rank 3/4 sum 6 node 1 local 1 hello task1.torch");
        assertThat(lines.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct()).as("one host per task").hasSize(2);
    }

    @Test
    void aFailingRankEndsTheStepAndEveryTorchrunWithItsRanks() throws Exception {
        Path python = TorchVenv.python();
        LaunchResult r = launch(python, """
                import os, sys, time, torch, torch.distributed as dist
                dist.init_process_group("gloo")
                t = torch.tensor([1])
                dist.all_reduce(t)
                os.write(1, f"rank {dist.get_rank()} reduced {int(t.item())}\\n".encode())
                if dist.get_rank() == 1:
                    time.sleep(1)
                    sys.exit(3)
                time.sleep(317)
                """, """
                name: torchfail
                machines: 2
                backend: ssh
                fleet: duo
                upload: [ranks.py]
                steps:
                  - {name: ranks, launcher: torchrun, nproc_per_node: 1, run: PY ranks.py torchrun-sleeper}
                after: kill
                """);
        assertThat(lines).as("both ranks were up").hasSize(2);
        assertThat(r.ok()).isFalse();
        // torchrun on task1 exits 1 when its rank fails; FastGPU then ends the step on task0: its torchrun and rank.
        assertThat(r.failure()).isInstanceOfSatisfying(StepFailedException.class,
                f -> assertThat(f.getMessage()).startsWith("step 'ranks' failed on task1.torchfail with exit code "));
        assertThat(r.timings().stream().filter(t -> t.phase().equals("ranks")).findFirst().orElseThrow().elapsed())
                .isLessThan(Duration.ofSeconds(60));
        // The hosts' processes are this machine's (their own PID namespaces below it): no rank, no torchrun is left.
        assertThat(Processes.withCommandLine("torchrun-sleeper")).isEmpty();
    }
}
