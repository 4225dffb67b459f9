package io.fastgpu.core.launch;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.JobFailedException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunOptions;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.Parallel;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.state.StateStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a job file end to end: machines, setup, upload, steps, download, then stop/kill/keep, timing
 * every phase, recording the run in the state store and reporting everything as events.
 */
public final class Launcher {
    /** Environment variable that marks every process of one step. */
    static final String STEP_MARKER = "FASTGPU_STEP_ID";
    private final FastGpu fg;

    public Launcher(FastGpu fg) { this.fg = fg; }

    /**
     * @param job    the validated job file
     * @param keep   leave the machines running whatever the job file says
     * @param outDir where downloads go ({@code ./fastgpu-out/<run name>} by default)
     */
    public LaunchResult launch(JobFile job, boolean keep, Path outDir) {
        try {
            fg.provider(job.backend());
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException(job.file() + ": " + e.getMessage()); // a job file error: nothing was started
        }
        long start = System.nanoTime();
        List<PhaseTiming> timings = new ArrayList<>();
        Path localLog = fg.home().resolve("logs").resolve(job.runName() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
        JobFile.After after = keep ? JobFile.After.KEEP : job.after();
        StateStore state = fg.state();
        long runId = -1;
        JobRuntime jobRt = null;
        RuntimeException failure = null;
        Thread interruptGuard = null;
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch recorded = new CountDownLatch(1);
        try (RunLog log = new RunLog(localLog); AutoCloseable sub = fg.events().subscribe(log)) {
            try {
                JobOptions options = JobOptions.builder(job.name()).runName(job.runName()).numTasks(job.machines())
                        .backend(job.backend()).backendOptions(job.backendOptions()).resources(job.resources()).installScript(job.setup())
                        .confirmCost(false).build();
                jobRt = phase("init", timings, () -> fg.makeJob(options));
                runId = state.startRun(job.name(), job.runName(), job.backend(), jobRt.logdir(), localLog.toString());
                recordStep(state, runId, timings.get(0), 0);
                JobRuntime j = jobRt;
                // Each launch starts in a fresh shell in the task's home, whatever an earlier one left.
                parallel(j.taskRuntimes(), "reset the shell", TaskRuntime::resetShell);
                interruptGuard = onInterrupt(j, after, interrupted, recorded);
                if (!job.upload().isEmpty()) {
                    phase("upload", timings, () -> upload(j, job));
                    recordStep(state, runId, timings.get(timings.size() - 1), 0);
                }
                for (JobFile.Step step : job.steps()) {
                    runStep(j, job, step, timings, state, runId);
                }
                if (!job.download().isEmpty()) {
                    phase("download", timings, () -> download(j, job, outDir.resolve(job.runName())));
                    recordStep(state, runId, timings.get(timings.size() - 1), 0);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            removeHook(interruptGuard);
            if (interrupted.get()) {
                failure = new FastGpuException("launch interrupted; the machines got 'after: " + after.label() + "'");
            }
            if (jobRt != null && after != JobFile.After.KEEP) {
                JobRuntime j = jobRt;
                try {
                    phase(after.label(), timings, () -> {
                        if (after == JobFile.After.STOP) j.stop(); else j.kill();
                        return null;
                    });
                } catch (RuntimeException e) {
                    if (failure == null) failure = e;
                }
            }
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            if (runId < 0) {
                runId = state.startRun(job.name(), job.runName(), job.backend(), "", localLog.toString());
            }
            String status = interrupted.get() ? "interrupted" : failure == null ? "succeeded" : "failed";
            state.finishRun(runId, status,
                    interrupted.get() ? 130 : failure instanceof StepFailedException s ? s.exitCode() : failure == null ? 0 : 1);
            state.appendEvent(runId, "finished", (failure == null ? status : status + ": " + failure.getMessage())
                    + " in " + total.toMillis() + " ms");
            recorded.countDown();
            return new LaunchResult(runId, job.name(), job.runName(), jobRt == null ? "" : jobRt.logdir(),
                    jobRt == null ? List.of() : jobRt.taskRuntimes().stream().map(TaskRuntime::name).toList(),
                    timings, total, job.download().isEmpty() ? null : outDir.resolve(job.runName()), after, failure);
        } catch (FastGpuException e) {
            throw e;
        } catch (Exception e) {
            throw new FastGpuException("launch of " + job.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The job file's uploads, to every task at once, or through task0 when the job asks for it. */
    private Void upload(JobRuntime j, JobFile job) {
        List<FileSelection.Selection> selections = job.upload().stream().map(u -> FileSelection.select(job.folder(), u)).toList();
        boolean relay = job.uploadViaTask0() && j.taskRuntimes().size() > 1
                && !fg.provider(job.backend()).capabilities().sharedRunRoot();
        List<TaskRuntime> direct = relay ? List.of(j.taskRuntimes().get(0)) : j.taskRuntimes();
        for (int i = 0; i < selections.size(); i++) {
            FileSelection.Selection sel = selections.get(i);
            parallel(direct, "upload " + job.upload().get(i), t -> t.upload(sel, null, false));
        }
        if (relay) UploadRelay.fromTask0(j.taskRuntimes(), selections);
        return null;
    }

    /** The job file's downloads, from task0 into {@code out}; see {@link Downloads}. */
    private static Void download(JobRuntime j, JobFile job, Path out) {
        Downloads.fetch(j.taskRuntimes().get(0), job.download(), out);
        return null;
    }

    private void runStep(JobRuntime j, JobFile job, JobFile.Step step, List<PhaseTiming> timings, StateStore state,
                         long runId) {
        long stepId = state.startStep(runId, step.name());
        // Every process of the step carries this marker, so a failure on one task can end it on the others.
        String marker = "s" + runId + "-" + stepId + "-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new LinkedHashMap<>(job.env());
        env.put(STEP_MARKER, marker);
        RunOptions opts = RunOptions.DEFAULT.streaming().withEnv(env);
        int[] exit = {0};
        try {
            phase(step.name(), timings, () -> {
                List<TaskRuntime> targets = step.onAll() ? j.taskRuntimes() : List.of(j.taskRuntimes().get(step.taskIndex()));
                if (step.launcher() == DistributedLaunch.Kind.MPIRUN) MpiTrust.ensure(j.taskRuntimes());
                try {
                    Parallel.all(step.name(), targets, TaskRuntime::name, t -> {
                        try {
                            return t.run(step.command(), opts);
                        } catch (RuntimeException e) {
                            // The others would wait for this one forever (a collective, a barrier): end them.
                            targets.stream().filter(o -> o != t).forEach(o -> o.endMarked(STEP_MARKER, marker));
                            throw e;
                        }
                    });
                } catch (JobFailedException e) {
                    var first = e.failures().stream().filter(f -> f.cause() instanceof CommandFailedException c
                            && c.exitCode() != 143 && c.exitCode() != 137).findFirst().orElse(e.failures().get(0));
                    if (first.cause() instanceof CommandFailedException c) {
                        exit[0] = c.exitCode();
                        throw new StepFailedException(step.name(), first.task(), c.exitCode(), c.outputTail());
                    }
                    exit[0] = 1;
                    throw targets.size() == 1 ? first.cause() : e;
                }
                return null;
            });
        } finally {
            PhaseTiming t = timings.get(timings.size() - 1);
            state.finishStep(stepId, exit[0], t.elapsed());
        }
    }

    /** Runs {@code op} on each task at once; one task's failure is rethrown as is, several are gathered. */
    private static void parallel(List<TaskRuntime> tasks, String what, Consumer<TaskRuntime> op) {
        try {
            Parallel.all(what, tasks, TaskRuntime::name, t -> {
                op.accept(t);
                return null;
            });
        } catch (JobFailedException e) {
            if (tasks.size() == 1) throw e.failures().get(0).cause();
            throw e;
        }
    }

    /**
     * When the launch is interrupted (Ctrl-C, SIGTERM), the machines still get their {@code after}, so an
     * abandoned launch does not leave machines running and costing. Stopping them ends the running step;
     * the launch then records the run as interrupted, which the hook waits for before the JVM exits.
     */
    private Thread onInterrupt(JobRuntime job, JobFile.After after, AtomicBoolean interrupted, CountDownLatch recorded) {
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            fg.events().on(new Event.Notice(Event.Level.WARN, "interrupted; applying 'after: " + after.label() + "'"));
            try {
                if (after == JobFile.After.STOP) job.stop();
                else if (after == JobFile.After.KILL) job.kill();
                recorded.await(30, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                fg.events().on(new Event.Notice(Event.Level.WARN, "could not " + after.label() + " the machines: " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fastgpu-launch-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        if (hook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it applies 'after' and waits for the run to be recorded
        }
    }

    private void recordStep(StateStore state, long runId, PhaseTiming t, int exit) {
        long id = state.startStep(runId, t.phase());
        state.finishStep(id, t.ok() ? exit : 1, t.elapsed());
    }

    private <T> T phase(String name, List<PhaseTiming> timings, Supplier<T> body) {
        fg.events().on(new Event.PhaseStarted(name));
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
            T value = body.get();
            ok = true;
            return value;
        } finally {
            Duration d = Duration.ofNanos(System.nanoTime() - t0);
            timings.add(new PhaseTiming(name, d, ok));
            fg.events().on(new Event.PhaseFinished(name, d, ok));
        }
    }
}
