package io.fastgpu.provider.slurm;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.RunOptions;
import io.fastgpu.api.Task;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.TaskRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What goes wrong on the cluster itself is one line: an allocation cancelled under a running step, munge down. */
@ExtendWith(NothingLeftAllocated.class)
class SlurmFailuresTest {
    @TempDir Path home;
    FastGpu fg;

    @AfterEach
    void close() {
        if (fg != null) fg.close();
    }

    @Test
    void anAllocationCancelledByAnAdministratorWhileAStepRunsIsOneLine() throws Exception {
        TestCluster.writeCluster(home, "test", "");
        fg = FastGpu.builder().home(home).confirmer(q -> true).build();
        Task task = fg.makeJob(TestCluster.job("cancelled", "test", 1)).task(0);
        String jobId = ((TaskRuntime) task).instance().tags().get(SlurmProvider.JOB_ID_TAG);
        CompletableFuture<Integer> step = CompletableFuture.supplyAsync(() -> task.run("echo started; sleep 1213", RunOptions.DEFAULT));
        for (int i = 0; i < 200 && !TestCluster.slurm("ps -eo args").contains("sleep 1213"); i++) TestCluster.sleep(100);

        TestCluster.slurm("scancel", jobId);

        assertThatThrownBy(() -> step.get(60, TimeUnit.SECONDS)).cause().isInstanceOf(FastGpuException.class)
                .hasMessageContaining("task0.cancelled: the Slurm allocation " + jobId + " ended while the step ran (CANCELLED")
                .hasMessageContaining("cancelled (scancel, or by an administrator)")
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }

    @Test
    void mungeDownIsOneLineNamingIt() throws Exception {
        TestCluster.writeCluster(home, "test", "");
        Path dir = TestCluster.require().getParent();
        String pid = Files.readString(dir.resolve("run/munged.pid")).strip();
        fg = FastGpu.builder().home(home).confirmer(q -> true).build();
        try {
            TestCluster.slurm("kill", pid);
            for (int i = 0; i < 50 && Files.exists(Path.of("/proc/" + pid)); i++) TestCluster.sleep(100);
            assertThatThrownBy(() -> fg.makeJob(TestCluster.job("nomunge", "test", 1))).isInstanceOf(FastGpuException.class)
                    .hasMessageContaining("munge is not running there")
                    .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
        } finally {
            // Brings munged (and, with it, the whole cluster) back.
            assertThat(TestCluster.run(List.of(TestCluster.repoRoot().resolve("scripts/slurm.sh").toString(), "up",
                    String.valueOf(TestCluster.NODES)), 240).rc()).isZero();
        }
    }
}
