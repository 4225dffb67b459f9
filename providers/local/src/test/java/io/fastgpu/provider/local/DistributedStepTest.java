package io.fastgpu.provider.local;

import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.LaunchResult;
import io.fastgpu.core.launch.Launcher;
import io.fastgpu.core.job.StepFailedException;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Distributed steps: every rank gets its environment; one failing rank ends all ranks on all nodes. */
class DistributedStepTest {
    @TempDir Path home;
    @TempDir Path work;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    FastGpu fg;

    private LaunchResult launch(String yaml) throws Exception {
        Files.writeString(work.resolve("job.yaml"), yaml);
        fg = FastGpu.builder().home(home).events(e -> {
            if (e instanceof io.fastgpu.api.Event.LogLine l) lines.add(l.task() + " " + l.line());
        }).build();
        return new Launcher(fg).launch(JobFileParser.parse(work), false, work);
    }

    @AfterEach
    void tearDown() {
        if (fg == null) return;
        for (var i : fg.provider("local").list()) fg.provider("local").destroy(i.id());
        fg.close();
    }

    @Test
    void theEnvLauncherStartsEveryRankWithItsEnvironment() throws Exception {
        LaunchResult r = launch("""
                name: ranks
                machines: 2
                steps:
                  - name: ranks
                    launcher: env
                    nproc_per_node: 2
                    run: echo "rank=$RANK world=$WORLD_SIZE local=$LOCAL_RANK node=$NODE_RANK master=$MASTER_ADDR:$MASTER_PORT ti=$INDEX/$NODE_NUM"
                  - {name: after, run: 'echo "world after: [${WORLD_SIZE:-}]"; cat "$FASTGPU_HOSTFILE" | wc -l'}
                """);
        assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue();
        assertThat(lines).filteredOn(l -> l.contains("rank=")).hasSize(4)
                .anySatisfy(l -> assertThat(l).startsWith("task0.ranks rank=0 world=4 local=0 node=0 master=127.77.0.1:"))
                .anySatisfy(l -> assertThat(l).startsWith("task1.ranks rank=3 world=4 local=1 node=1 master=127.77.0.1:").endsWith("ti=1/2"));
        assertThat(lines).contains("task0.ranks world after: []", "task0.ranks 2");
    }

    @Test
    void torchrunStartsEveryRankWithTheTorchOfTheCommandsInterpreter() throws Exception {
        Path python = io.fastgpu.core.job.TorchVenv.python();
        Files.writeString(work.resolve("ranks.py"), """
                import os, sys, torch, torch.distributed as dist
                dist.init_process_group("gloo")
                t = torch.tensor([dist.get_rank()])
                dist.all_reduce(t)
                e = os.environ
                # One write per line: two ranks share the task's output, and a line written in pieces could be cut by the other's.
                os.write(1, (f"rank {dist.get_rank()}/{dist.get_world_size()} sum {int(t.item())} node {e['FASTGPU_NODE_RANK']} local"
                             f" {e['LOCAL_RANK']} {os.path.basename(os.getcwd())} {sys.executable == sys.argv[1]}\\n").encode())
                dist.destroy_process_group()
                """);
        LaunchResult r = launch("""
                name: torch
                machines: 2
                upload: [ranks.py]
                steps:
                  - {name: ranks, launcher: torchrun, nproc_per_node: 2, run: PY ranks.py PY}
                """.replace("PY", python.toString()));
        assertThat(r.ok()).as(() -> r.failure() instanceof StepFailedException f ? f.getMessage() + "\n" + f.outputTail()
                : String.valueOf(r.failure())).isTrue();
        assertThat(lines).filteredOn(l -> l.contains(" rank ")).containsExactlyInAnyOrder(
                "task0.torch rank 0/4 sum 6 node 0 local 0 home True",
                "task0.torch rank 1/4 sum 6 node 0 local 1 home True",
                "task1.torch rank 2/4 sum 6 node 1 local 0 home True",
                "task1.torch rank 3/4 sum 6 node 1 local 1 home True");
    }

    @Test
    void aFailingRankStopsTheOthersEverywhereAndIsNamed() throws Exception {
        LaunchResult r = launch("""
                name: failing
                machines: 2
                steps:
                  - name: train
                    launcher: env
                    nproc_per_node: 2
                    run: 'if [ $RANK = 3 ]; then sleep 1; exit 3; fi; sleep 317'
                """);
        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).isInstanceOfSatisfying(StepFailedException.class, f -> {
            assertThat(f.getMessage()).isEqualTo("step 'train' failed on task1.failing with exit code 3");
            assertThat(f.outputTail()).contains("rank 3 (node 1, local rank 1) exited with code 3");
        });
        assertThat(r.timings().stream().filter(t -> t.phase().equals("train")).findFirst().orElseThrow().elapsed())
                .isLessThan(java.time.Duration.ofSeconds(30));
        assertThat(Processes.withCommandLine("sleep 317")).isEmpty();
    }
}
