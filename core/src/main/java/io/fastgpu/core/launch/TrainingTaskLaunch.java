package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.RegisterSpec;
import io.fastgpu.core.metrics.TaskMetrics;
import io.fastgpu.core.models.ModelRef;
import io.fastgpu.core.models.ModelRegistry;
import io.fastgpu.core.models.RunSource;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.ModelRecord;
import io.fastgpu.core.state.RunRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A launch on a managed training platform (TI-ONE), recorded like any launch: the run in the state store with its
 * phases ({@code upload}, {@code submit}, {@code train}, {@code download}, {@code register}) timed, its final status
 * and exit code; the task's output kept on this machine, so {@code fastgpu logs RUN} shows it after the task is gone;
 * the values the script pushed in the run's metrics; the job file's {@code register:} as a version of the model made
 * by this run. A failing write to the store warns once and never fails the launch.
 */
public final class TrainingTaskLaunch {
    /**
     * How the launch ended.
     *
     * @param runId    the run's id in the store, or -1 when it could not be recorded
     * @param outcome  what the platform's task did, or null when the launch failed before it could say
     * @param failure  one line saying what went wrong, empty when it succeeded
     * @param exitCode 0, the task's exit code, 130 when interrupted, or 1
     */
    public record Result(long runId, String runName, ManagedTraining.Outcome outcome, String failure, int exitCode,
                         List<PhaseTiming> timings, Duration total) {
        public Result {
            timings = List.copyOf(timings);
        }

        public boolean ok() { return failure.isEmpty(); }
    }

    private final FastGpu fg;
    private final ManagedTraining training;

    public TrainingTaskLaunch(FastGpu fg, ManagedTraining training) {
        this.fg = fg;
        this.training = training;
    }

    /**
     * Carries out {@code plan} as {@link ManagedTraining#run} does, printing the task's output to {@code out}, and
     * records it. A failure of the platform is recorded as the run's, then thrown.
     */
    public Result launch(ManagedTraining.Plan plan, Path outDir, Consumer<String> out, AtomicBoolean interrupted) {
        JobFile job = plan.job();
        long start = System.nanoTime();
        Path localLog = fg.home().resolve("logs").resolve(job.runName() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
        RunRecorder recorder = new RunRecorder(fg::state, fg.events());
        try (LaunchLock lock = LaunchLock.acquire(fg.home(), job.name());
             RunLog log = new RunLog(localLog, fg.events());
             AutoCloseable logged = fg.events().subscribe(log);
             AutoCloseable recorded = fg.events().subscribe(recorder)) {
            fg.events().on(new Event.RunStarted(job.name(), job.runName(), job.backend(), localLog.toString()));
            Phases phases = new Phases(job, recorder);
            ManagedTraining.Outcome o = null;
            String failure;
            int exitCode;
            try {
                o = training.run(plan, outDir, line -> {
                    out.accept(line);
                    log.line(line);
                }, interrupted, phases);
                failure = o.failure();
                exitCode = o.ok() ? 0 : o.exitCode();
                phases.end(o.ok(), exitCode);
            } catch (RuntimeException e) {
                phases.end(false, 1);
                finish(job, interrupted.get() ? "interrupted" : "failed", interrupted.get() ? 130 : 1, String.valueOf(e.getMessage()), start);
                throw e;
            }
            if (phases.taskId != null) collectMetrics(recorder.runId(), phases.taskId);
            if (o.ok() && job.register() != null && !interrupted.get()) {
                phases.phase("register");
                try {
                    register(job.register(), recorder.runId(), outDir);
                    phases.end(true, 0);
                } catch (FastGpuException e) {
                    phases.end(false, 1);
                    failure = e.getMessage();
                    exitCode = 1;
                }
            }
            String status = failure.isEmpty() ? "succeeded" : interrupted.get() ? "interrupted" : "failed";
            if (status.equals("interrupted")) exitCode = 130;
            Duration total = finish(job, status, exitCode, failure, start);
            return new Result(recorder.runId(), job.runName(), o, failure, exitCode, phases.timings, total);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new FastGpuException("launch of " + job.name() + " failed: " + e.getMessage(), e);
        }
    }

    private Duration finish(JobFile job, String status, int exitCode, String message, long start) {
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        fg.events().on(new Event.RunFinished(job.name(), job.runName(), status, exitCode, message, total));
        return total;
    }

    /** The values the task pushed, into the run's metrics; a failure is a warning: 'fastgpu metrics RUN' collects them later. */
    private void collectMetrics(long runId, String taskId) {
        if (runId < 0) return;
        try {
            TaskMetrics.collect(fg.state(), training, runId, taskId);
        } catch (RuntimeException e) {
            fg.events().on(new Event.Notice(Event.Level.WARN, "the metrics of training task " + taskId + " were not collected ("
                    + e.getMessage() + "); 'fastgpu metrics " + runId + "' collects them later"));
        }
    }

    /** The job file's {@code register:}: the output the task left at its path becomes the model's next version, made by this run. */
    private void register(RegisterSpec spec, long runId, Path outDir) {
        RunRecord run = (runId < 0 ? java.util.Optional.<RunRecord>empty() : fg.state().run(runId))
                .orElseThrow(() -> new FastGpuException("register: the run is not recorded; nothing registered"));
        ModelRecord m = ModelRegistry.open(fg).registerFromRun(new ModelRegistry.Request(new ModelRef(spec.name(), 0),
                String.valueOf(run.id()), spec.path(), spec.framework(), spec.description(), outDir), run, outDir);
        fg.events().on(new Event.Notice(Event.Level.INFO, "Registered " + m.ref() + " (" + m.size() + " bytes, sha256 "
                + m.sha256().substring(0, 12) + "...) from " + m.source()));
    }

    /** Turns the platform's phases into the run's timed phases, and its task into the run's record. */
    private final class Phases implements ManagedTraining.Tracker {
        private final JobFile job;
        private final RunRecorder recorder;
        private final List<PhaseTiming> timings = new ArrayList<>();
        private String open;
        private long openedAt;
        private volatile String taskId;

        Phases(JobFile job, RunRecorder recorder) {
            this.job = job;
            this.recorder = recorder;
        }

        @Override
        public synchronized void phase(String name) {
            end(true, 0);
            open = name;
            openedAt = System.nanoTime();
            fg.events().on(new Event.PhaseStarted(name));
        }

        @Override
        public void created(String taskId, String output) {
            this.taskId = taskId;
            List<Instance> listed;
            try {
                listed = fg.provider(job.backend()).list();
            } catch (RuntimeException e) {
                listed = List.of();
            }
            fg.events().on(new Event.MachinesReady(job.name(), job.backend(), output, job.machines(), listed));
            long runId = recorder.runId();
            if (runId < 0) return;
            try {
                fg.state().appendEvent(runId, TaskMetrics.TASK_EVENT, taskId);
                fg.state().appendEvent(runId, RunSource.EVENT, RunSource.of(job.file()).eventText());
            } catch (RuntimeException e) {
                fg.events().on(new Event.Notice(Event.Level.WARN, "training task " + taskId + " is not recorded with its run ("
                        + e.getMessage() + "); the launch goes on"));
            }
        }

        /** Ends the phase under way, if any. */
        synchronized void end(boolean ok, int exitCode) {
            if (open == null) return;
            Duration d = Duration.ofNanos(System.nanoTime() - openedAt);
            timings.add(new PhaseTiming(open, d, ok));
            fg.events().on(new Event.PhaseFinished(open, d, ok, ok ? 0 : exitCode));
            open = null;
        }
    }
}
