package io.fastgpu.core.runtime;

import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping a machine, and starting a launch, end the processes they must, also those that cleared their
 * environment, and no others. The machines are this host's processes (local, or test hosts sharing its
 * process table), so the test looks at them directly.
 */
public abstract class ProcessEndingSuite {
    @TempDir Path home;
    FastGpu fg;
    TaskRuntime task;
    private final List<TaskRuntime> made = new ArrayList<>();

    /** The job options that put a job named {@code name} on the backend under test (skip if unavailable). */
    protected abstract JobOptions job(String name, Path home);

    @BeforeEach
    void setUp() {
        fg = FastGpu.builder().home(home).confirmer(q -> true).build();
        task = make("procs");
    }

    private TaskRuntime make(String job) {
        TaskRuntime t = (TaskRuntime) fg.makeJob(job(job, home)).task(0);
        made.add(t);
        return t;
    }

    @AfterEach
    void tearDown() {
        made.forEach(TaskRuntime::kill);
        if (fg != null) fg.close();
    }

    /** Runs {@code cmd} as a step would (with a step marker), without waiting for it. */
    private static CompletableFuture<Integer> step(TaskRuntime t, String marker, String cmd) {
        RunOptions opts = RunOptions.DEFAULT.ignoringErrors().withEnv(Map.of(ProcessMarker.STEP, marker));
        return CompletableFuture.supplyAsync(() -> t.run(cmd, opts));
    }

    private static void awaitRunning(String... commandLines) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String c : commandLines) {
            while (Processes.withCommandLine(c).isEmpty()) {
                if (System.nanoTime() > deadline) throw new AssertionError("'" + c + "' did not start");
                Thread.sleep(50);
            }
        }
    }

    @Test
    void stopEndsAlsoProcessesThatClearedTheirEnvironment() throws Exception {
        // One under the runner of a non-blocking command, which waits for it.
        task.runNonBlocking("env -i sleep 3141");
        // One orphaned at once, in the session that a running command leads.
        CompletableFuture<Integer> run = step(task, "s1", "env -i bash -c 'sleep 3142 > /dev/null 2>&1 &'; sleep 3143");
        awaitRunning("sleep 3141", "sleep 3142", "sleep 3143");

        task.stop();

        List<Long> left = Processes.withCommandLine("sleep 314");
        assertThat(left).as(() -> "processes left after stop:" + Processes.describe(left)).isEmpty();
        run.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aLaunchEndsTheStepsOfEarlierLaunchesAndNothingElse() throws Exception {
        TaskRuntime other = make("otherjob");
        // A step of a launch that was killed, still running; it would touch its file once its sleep ended.
        CompletableFuture<Integer> stale = step(task, "s1-2-stale", "env -i sleep 3151 & sleep 3152; touch after-sleep");
        // Not steps of this task: a non-blocking command, an exec, a step of another job.
        task.runNonBlocking("sleep 3153");
        TaskRuntime execTask = fg.task(fg.provider(task.instance().backend()), task.instance()); // as 'fastgpu exec' does
        CompletableFuture<Integer> exec = CompletableFuture.supplyAsync(() -> execTask.run("sleep 3154", RunOptions.DEFAULT.ignoringErrors()));
        CompletableFuture<Integer> otherStep = step(other, "s3-4-other", "sleep 3155");
        awaitRunning("sleep 3151", "sleep 3152", "sleep 3153", "sleep 3154", "sleep 3155");

        task.endStaleSteps();

        assertThat(Processes.withCommandLine("sleep 3151")).isEmpty();
        assertThat(Processes.withCommandLine("sleep 3152")).isEmpty();
        stale.get(30, TimeUnit.SECONDS);
        assertThat(task.exists("after-sleep")).as("the step's shell went on after its command was ended").isFalse();
        for (String alive : List.of("sleep 3153", "sleep 3154", "sleep 3155")) {
            assertThat(Processes.withCommandLine(alive)).as(alive).isNotEmpty();
        }
        assertThat(exec).isNotDone();
        assertThat(otherStep).isNotDone();
        other.endMarked(ProcessMarker.STEP, "s3-4-other");
        task.stop();
        assertThat(otherStep.get(30, TimeUnit.SECONDS)).isNotZero();
        exec.get(30, TimeUnit.SECONDS);
    }
}
