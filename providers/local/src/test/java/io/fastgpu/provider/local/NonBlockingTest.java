package io.fastgpu.provider.local;

import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunHandle;
import io.fastgpu.api.Task;
import io.fastgpu.core.runtime.FastGpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A non-blocking command outlives the process that started it and is found again later. */
class NonBlockingTest {
    @TempDir Path home;

    /** Started in a child JVM: makes the job, starts the command, prints its id and exits at once. */
    public static void main(String[] args) {
        try (FastGpu fg = FastGpu.builder().home(Path.of(args[0])).build()) {
            Task t = fg.makeJob(JobOptions.builder("bg").build()).task(0);
            t.run("cd sub 2>/dev/null || { mkdir sub && cd sub; }");
            RunHandle h = t.runNonBlocking("sleep 2; pwd; echo finished; exit 6");
            System.out.println(h.id());
        }
    }

    @Test
    void outlivesTheClientAndIsFoundRunningThenFinished() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NonBlockingTest.class.getName(), home.toString())
                .redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.exitValue()).as(out).isZero();
        String id = out.lines().reduce((a, b) -> b).orElseThrow();

        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            Task t = fg.makeJob(JobOptions.builder("bg").build()).task(0);
            try {
                checkFoundRunningThenFinished(t, id);
            } finally {
                t.kill(); // also when an assertion failed: no process of the test outlives it
            }
        }
    }

    private static void checkFoundRunningThenFinished(Task t, String id) {
        {
            RunHandle h = t.handle(id);
            assertThat(h.isRunning()).isTrue();
            assertThat(h.exitCode()).isEmpty();
            assertThat(h.await(Duration.ofSeconds(30))).isEqualTo(6);
            assertThat(h.isRunning()).isFalse();
            assertThat(h.output()).endsWith("/sub\nfinished\n");
            assertThat(h.logFile()).contains("/runs/bg/task0.bg.");  // the log folder of the run that started it
            assertThat(t.handles()).extracting(RunHandle::id).containsExactly(id);
        }
    }

    @Test
    void severalRunSideBySide() {
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            var job = fg.makeJob(JobOptions.builder("side").numTasks(2).build());
            try {
                List<RunHandle> hs = job.runNonBlocking("sleep 0.5; echo rank $FASTGPU_NODE_RANK");
                job.awaitAll(Duration.ofSeconds(30));
                assertThat(hs).extracting(RunHandle::output).containsExactly("rank 0\n", "rank 1\n");
            } finally {
                job.kill();
            }
        }
    }
}
