package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.step.AfterStep;
import io.fastgpu.core.launch.step.CommandStep;
import io.fastgpu.core.launch.step.LaunchState;
import io.fastgpu.core.launch.step.LaunchStep;
import io.fastgpu.core.launch.step.RecoveringStep;
import io.fastgpu.core.managed.ControllerLock;
import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedSpec;
import io.fastgpu.core.managed.ManagedState;
import io.fastgpu.core.managed.RecoveryRecord;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.StepEnding;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The controller of a managed run: the launch of its plan, carried out by a process of its own that outlives the
 * terminal it was started from. It holds the run's controller lock for its life, keeps the run's state
 * ({@link ManagedState}) up to date, restarts the distributed steps after a loss ({@link RecoveringStep}) and,
 * when started again after it was killed, carries on from the recorded state: the same log folder (and so the
 * same checkpoints), the same machines (found by name), the steps that succeeded skipped.
 */
public final class ManagedLaunch {
    /** Seconds between the SIGTERM of a termination notice and the SIGKILL (default 10). */
    public static final String PREEMPT_GRACE_ENV = "FASTGPU_PREEMPT_GRACE_SECONDS";
    /** Seconds a machine may not answer before it counts as lost (default 30). */
    public static final String NODE_GRACE_ENV = "FASTGPU_NODE_GRACE_SECONDS";

    private final FastGpu fg;
    private final ManagedRun run;
    private final Map<String, String> settings;
    private final AtomicReference<ManagedState> state = new AtomicReference<>();

    /** @param settings the environment the controller runs in (its grace periods) */
    public ManagedLaunch(FastGpu fg, ManagedRun run, Map<String, String> settings) {
        this.fg = fg;
        this.run = run;
        this.settings = settings;
    }

    /**
     * Checks that {@code job} can be run managed: with recovery, every step that runs on every task must be a
     * distributed one (a {@code launcher}), since that is what a recovery restarts.
     */
    public static void check(JobFile job) {
        if (!job.recovery().enabled()) return;
        for (JobFile.Step s : job.steps()) {
            if (s.launcher() == null && s.onAll()) {
                throw new InvalidSpecException(job.file() + ": step '" + s.name() + "' runs on every task without a launcher;"
                        + " a managed run restarts distributed steps after a loss: give it 'launcher: env' (or torchrun,"
                        + " mpirun), or run it on one task");
            }
        }
    }

    /**
     * Runs the controller to the end of the run; returns at once (0) when another controller holds the run. The
     * exit code: 0 succeeded, 1 failed or cancelled.
     */
    public int control() {
        Optional<ControllerLock> lock = run.tryLock();
        if (lock.isEmpty()) {
            fg.events().on(new Event.Notice(Event.Level.INFO, "run " + run.name() + " already has a controller (pid "
                    + run.controllerPid() + ")"));
            return 0;
        }
        try (ControllerLock held = lock.get()) {
            return controlLocked();
        }
    }

    private int controlLocked() {
        ManagedSpec spec = run.spec();
        ManagedState st = run.state().orElse(null);
        JobFile job;
        try {
            job = JobFileParser.parse(Path.of(spec.jobFile())).overridden(spec.backend(), spec.fleet(), spec.machines())
                    .withManaged(true);
        } catch (RuntimeException e) {
            save(st == null ? ManagedState.fresh("", run.name(), "", -1) : st, ManagedState.FAILED, e.getMessage());
            return 1;
        }
        if (st == null) {
            fg.events().on(new Event.Notice(Event.Level.WARN, "run " + run.name() + ": its state file was gone; carrying on"
                    + " from the job file (the machines are found by name; training resumes from the checkpoint on them)"));
            st = ManagedState.fresh(job.name(), job.runName(), job.backend(), -1);
        }
        if (st.isFinal()) return st.status().equals(ManagedState.SUCCEEDED) ? 0 : 1;
        state.set(st.withNewController());
        run.save(state.get());
        LaunchPlan plan;
        try {
            check(job);
            plan = new Launcher(fg).plan(job, spec.keep(), Path.of(spec.outRoot()));
        } catch (RuntimeException e) {
            save(state.get(), ManagedState.FAILED, e.getMessage());
            return 1;
        }
        return launch(plan);
    }

    private int launch(LaunchPlan plan) {
        JobFile job = plan.job();
        long start = System.nanoTime();
        LaunchState ls = new LaunchState(fg, job, plan.machines(), true, Set.copyOf(state.get().doneSteps()));
        if (!state.get().logdir().isBlank()) ls.keepLogdir(state.get().logdir());
        if (run.cancelRequested()) ls.markInterrupted(); // cancelled while no controller ran: only 'after' is left
        List<LaunchStep> steps = steps(plan);
        List<PhaseTiming> timings = new ArrayList<>();
        RuntimeException failure = null;
        RunRecorder recorder = new RunRecorder(fg::state, fg.events());
        Thread cancelWatch = null;
        try (LaunchLock lock = LaunchLock.acquire(fg.home(), job.name());
             RunLog log = new RunLog(run.runLog(), fg.events());
             AutoCloseable logged = fg.events().subscribe(log);
             AutoCloseable recorded = fg.events().subscribe(recorder);
             LaunchMetrics metrics = new LaunchMetrics(fg, ls, recorder);
             AutoCloseable measured = fg.events().subscribe(metrics);
             InterruptGuard guard = InterruptGuard.install(ls, plan.after(), fg.events())) {
            fg.events().on(new Event.RunStarted(job.name(), job.runName(), job.backend(), run.runLog().toString()));
            fg.events().on(new Event.Notice(Event.Level.INFO, "managed run " + run.name() + ": controller pid "
                    + ProcessHandle.current().pid() + (state.get().controllers() > 1 ? " (carrying on after the last one ended)" : "")));
            cancelWatch = watchCancel(ls, plan.after());
            update(ManagedState.RUNNING, "");
            for (LaunchStep step : steps) {
                if ((failure != null || ls.interrupted()) && !step.always()) continue;
                try {
                    Phases.run(fg.events(), step, ls, timings);
                    if (step instanceof CommandStep || step instanceof RecoveringStep) {
                        state.updateAndGet(s -> s.withStepDone(step.name()));
                        run.save(state.get());
                    }
                } catch (RuntimeException e) {
                    if (failure == null) failure = e;
                }
                if (step.name().equals("init") && ls.runtime() != null) {
                    state.updateAndGet(s -> s.withRun(recorder.runId(), ls.runtime().logdir()));
                    run.save(state.get());
                }
            }
            boolean cancelled = run.cancelRequested();
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            String status = cancelled ? ManagedState.CANCELLED : ls.interrupted() ? ManagedState.FAILED
                    : failure == null ? ManagedState.SUCCEEDED : ManagedState.FAILED;
            String message = cancelled ? "cancelled" : ls.interrupted() ? "the controller was stopped (SIGTERM)"
                    : failure == null ? "" : String.valueOf(failure.getMessage());
            report(job, ls, timings, total);
            fg.events().on(new Event.RunFinished(job.name(), job.runName(), cancelled || ls.interrupted() ? "interrupted"
                    : failure == null ? "succeeded" : "failed", failure == null && !cancelled ? 0 : 1, message, total));
            save(state.get(), status, message);
            fg.events().on(new Event.Notice(Event.Level.INFO, "managed run " + run.name() + " " + status
                    + (message.isEmpty() ? "" : ": " + message)));
            return status.equals(ManagedState.SUCCEEDED) ? 0 : 1;
        } catch (FastGpuException e) {
            save(state.get(), ManagedState.FAILED, e.getMessage());
            throw e;
        } catch (Exception e) {
            save(state.get(), ManagedState.FAILED, e.getMessage());
            throw new FastGpuException("managed run " + run.name() + " failed: " + e.getMessage(), e);
        } finally {
            if (cancelWatch != null) cancelWatch.interrupt();
        }
    }

    /** The plan's steps, the distributed ones restarted after a loss when the job has a recovery policy. */
    private List<LaunchStep> steps(LaunchPlan plan) {
        JobFile job = plan.job();
        List<LaunchStep> steps = new ArrayList<>();
        for (LaunchStep s : plan.steps()) {
            if (s instanceof CommandStep && job.recovery().enabled()) {
                JobFile.Step js = job.steps().stream().filter(x -> x.name().equals(s.name())).findFirst().orElseThrow();
                if (js.launcher() != null) {
                    steps.add(new RecoveringStep(js, job.recovery(), controller(), seconds(PREEMPT_GRACE_ENV, 10),
                            seconds(NODE_GRACE_ENV, 30)));
                    continue;
                }
            }
            steps.add(s);
        }
        return steps;
    }

    private Duration seconds(String name, long fallback) {
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(settings.getOrDefault(name, String.valueOf(fallback)).strip())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(fallback);
        }
    }

    private RecoveringStep.Controller controller() {
        return new RecoveringStep.Controller() {
            @Override public int restarts() { return state.get().restarts(); }

            @Override
            public void restarting(int restarts) {
                state.updateAndGet(s -> s.withRestarts(Math.max(s.restarts(), restarts)));
                run.save(state.get());
            }

            @Override
            public void recovered(RecoveryRecord r) {
                state.updateAndGet(s -> s.withRestart(r));
                run.save(state.get());
                try {
                    if (state.get().runId() >= 0) fg.state().appendEvent(state.get().runId(), RecoveryRecord.EVENT, r.describe());
                } catch (RuntimeException e) {
                    // the run's own file has it
                }
            }

            @Override
            public void status(String status, String message) { update(status, message); }

            @Override public boolean cancelled() { return run.cancelRequested(); }

            @Override public Path checkpointCopy() { return run.checkpointCopy(); }
        };
    }

    private void update(String status, String message) {
        state.updateAndGet(s -> s.withStatus(status, message));
        run.save(state.get());
    }

    private void save(ManagedState s, String status, String message) {
        state.set(s.withStatus(status, message));
        try {
            run.save(state.get());
        } catch (RuntimeException e) {
            fg.events().on(new Event.Notice(Event.Level.WARN, e.getMessage()));
        }
    }

    /** Cancelling: like an interrupt, the running step ends and 'after' is applied (with keep, only the step ends). */
    private Thread watchCancel(LaunchState ls, JobFile.After after) {
        Thread t = new Thread(() -> {
            try {
                while (!run.cancelRequested()) Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            if (!ls.markInterrupted()) return;
            fg.events().on(new Event.Notice(Event.Level.WARN, "cancelled: " + (after == JobFile.After.KEEP
                    ? "ending the running step; the machines keep running ('after: keep')"
                    : "applying 'after: " + after.label() + "' to the job's machines")));
            Thread waiting = ls.waiting();
            if (waiting != null) waiting.interrupt();
            try {
                String marker = ls.runningMarker();
                if (marker != null && ls.runtime() != null) {
                    StepEnding.end(ls.runtime().taskRuntimes(), marker);
                }
                if (after != JobFile.After.KEEP) AfterStep.apply(ls, after);
            } catch (RuntimeException e) {
                fg.events().on(new Event.Notice(Event.Level.WARN, "cancel: " + e.getMessage() + "; applied again as the run ends"));
            }
        }, "fastgpu-cancel-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The timing report, with each recovery, into the run's output. */
    private void report(JobFile job, LaunchState ls, List<PhaseTiming> timings, Duration total) {
        List<String> lines = new ArrayList<>();
        lines.add("Timing of run " + job.runName() + (ls.runtime() == null ? "" : " (logs: " + ls.runtime().logdir() + ")"));
        int width = Math.max(8, timings.stream().mapToInt(t -> t.phase().length()).max().orElse(8));
        for (PhaseTiming t : timings) {
            lines.add(String.format(Locale.ROOT, "  %-" + width + "s %9.2fs%s", t.phase(), t.elapsed().toMillis() / 1000.0,
                    t.ok() ? "" : "  failed"));
        }
        lines.add(String.format(Locale.ROOT, "  %-" + width + "s %9.2fs", "total", total.toMillis() / 1000.0));
        for (RecoveryRecord r : state.get().recoveries()) lines.add("  " + r.describe());
        for (String l : lines) fg.events().on(new Event.Notice(Event.Level.INFO, l));
    }
}
