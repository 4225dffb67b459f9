package io.fastgpu.provider.ssh;

import io.fastgpu.api.ExecResult;
import io.fastgpu.api.Task;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that leaves a job in the background ({@code cmd &}) returns when its shell exits, as at a
 * terminal, although OpenSSH keeps the channel open while that job holds the command's stdout and stderr.
 */
class BackgroundJobTest {
    @TempDir Path home;
    @TempDir Path sshdDir;

    @Test
    void aCommandReturnsWhenItsShellExitsAndItsBackgroundJobsGoOn() {
        try (LoopbackSshd sshd = LoopbackSshd.start(sshdDir); FastGpu fg = FastGpu.builder().home(home).build()) {
            Task t = fg.makeJob(sshd.oneHostJob("amp", home)).task(0);
            try {
                long t0 = System.nanoTime();
                ExecResult r = t.runWithOutput("echo before; sleep 41.3 & echo after; echo err >&2; exit 3");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
                assertThat(r.exitCode()).isEqualTo(3);
                assertThat(r.stdout()).isEqualTo("before\nafter\n");
                assertThat(r.stderr()).isEqualTo("err\n");
                long t1 = System.nanoTime();
                t.run("sleep 41.4 &"); // as a launch step runs it
                assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(10));
                assertThat(Processes.withCommandLine("sleep 41.3")).hasSize(1); // the jobs go on, as at a terminal
                assertThat(Processes.withCommandLine("sleep 41.4")).hasSize(1);
            } finally {
                t.kill();
            }
            assertThat(Processes.withCommandLine("sleep 41.")).isEmpty();
        }
    }
}
