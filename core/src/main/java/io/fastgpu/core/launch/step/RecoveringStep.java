package io.fastgpu.core.launch.step;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.RunOptions;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.Recovery;
import io.fastgpu.core.job.StepFailedException;
import io.fastgpu.core.managed.ManagedState;
import io.fastgpu.core.managed.RecoveryRecord;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.runtime.StepEnding;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.spi.Provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A distributed job step of a managed run, restarted after a loss as the job's {@code recovery:} says: while it
 * runs, the cloud's view of the machines is watched; when a task's machine is taken back (spot), announced to be
 * (the termination notice its machine-side watcher acted on), stops answering, or a rank exits with a listed
 * code, the step is ended on the others, only the lost machine is replaced (same task name and rank; the others
 * keep running and keep their files), it is set up and given the job's files and the checkpoint, and the step
 * starts again on every task with {@code FASTGPU_RESTART_COUNT} and {@code FASTGPU_CHECKPOINT_DIR}.
 */
public final class RecoveringStep implements LaunchStep {
    /** What the step reports to, and asks of, the run's controller. */
    public interface Controller {
        /** Restarts so far (carried over from an earlier controller). */
        int restarts();

        /** A restart begins: its number is recorded at once, so that a controller that takes over counts on from it. */
        void restarting(int restarts);

        /** A recovery done: recorded and shown. */
        void recovered(RecoveryRecord record);

        /** Where the run stands now ({@link ManagedState#RUNNING}, {@code RECOVERING}, {@code WAITING}) and why. */
        void status(String status, String message);

        /** Whether the run was cancelled. */
        boolean cancelled();

        /** The controller's copy of task0's checkpoint folder. */
        java.nio.file.Path checkpointCopy();
    }

    private static final Duration WATCH = Duration.ofMillis(500);

    private final JobFile.Step step;
    private final Recovery recovery;
    private final Controller controller;
    private final Duration preemptGrace;
    private final Duration nodeGrace;
    private final LossClassifier losses;
    private final RunCheckpoints checkpoints;
    private int restarts;
    /** Where the last recovery's time went, for its notice: milliseconds of each part. */
    private long stoppedMs, machineMs, filesMs, checkpointMs;

    /**
     * @param preemptGrace between the SIGTERM a termination notice sends the training processes and the SIGKILL
     * @param nodeGrace    how long a machine may not answer before it counts as lost
     */
    public RecoveringStep(JobFile.Step step, Recovery recovery, Controller controller, Duration preemptGrace, Duration nodeGrace) {
        this.step = step;
        this.recovery = recovery;
        this.controller = controller;
        this.preemptGrace = preemptGrace;
        this.nodeGrace = nodeGrace;
        this.losses = new LossClassifier(recovery, nodeGrace);
        this.checkpoints = new RunCheckpoints(recovery, controller.checkpointCopy());
    }

    @Override public String name() { return step.name(); }

    @Override
    public String describe() {
        return new CommandStep(step).describe() + " (restarted after a loss, up to " + recovery.maxRestarts() + " times)";
    }

    @Override
    public Optional<String> alreadyDone(LaunchState s) { return new CommandStep(step).alreadyDone(s); }

    @Override
    public int exitCodeOf(RuntimeException failure) { return failure instanceof StepFailedException f ? f.exitCode() : 1; }

    /** How one attempt of the step ended. */
    private record Attempt(RuntimeException failure, int firstFailedTask, Loss seen) {
        boolean ok() { return failure == null; }
    }

    @Override
    public void run(LaunchState s) {
        restarts = controller.restarts();
        Loss pending = null;
        while (true) {
            JobRuntime j = s.requireRuntime();
            long c0 = System.currentTimeMillis();
            String resumed = checkpoints.prepare(s, j, pending);
            checkpointMs = System.currentTimeMillis() - c0;
            if (pending != null) {
                s.fg().events().on(new Event.Notice(Event.Level.INFO, pending.who() + " " + pending.cause() + ": the step ended on"
                        + " every task " + secs(stoppedMs) + " after the loss was seen; a machine ready in " + secs(machineMs)
                        + ", setup and files in " + secs(filesMs) + ", the checkpoint in place in "
                        + secs(checkpointMs) + (resumed.isEmpty() ? "" : " (" + resumed + ")")));
                RecoveryRecord r = new RecoveryRecord(restarts, pending.who(), pending.cause(), pending.atMs(),
                        System.currentTimeMillis() - pending.atMs(), resumed);
                controller.recovered(r);
                s.fg().events().on(new Event.Notice(Event.Level.INFO, r.describe()));
            }
            controller.status(ManagedState.RUNNING, "");
            Attempt a = attempt(s, j);
            if (a.ok()) return;
            if (controller.cancelled() || s.interrupted()) throw a.failure();
            Loss loss = losses.classify(s, j, a.failure(), a.firstFailedTask(), a.seen());
            if (loss == null) throw a.failure();
            String what = loss.who() + " " + loss.cause();
            if (restarts >= recovery.maxRestarts()) {
                throw new FastGpuException(step.name() + ": " + what + "; max_restarts (" + recovery.maxRestarts()
                        + ") reached: the run ends failed");
            }
            restarts++;
            controller.restarting(restarts);
            controller.status(ManagedState.RECOVERING, what);
            s.fg().events().on(new Event.Notice(Event.Level.WARN, what + ": restart " + restarts + " of at most "
                    + recovery.maxRestarts() + (loss.task() < 0 ? " (the same machines)" : "; replacing task" + loss.task()
                    + " only, the other tasks keep their machines")));
            stoppedMs = System.currentTimeMillis() - loss.atMs();
            machineMs = 0;
            filesMs = 0;
            if (loss.task() == 0 && loss.cause().equals("preempted") && !RunCheckpoints.shared(s, j)) {
                // Announced: the machine still answers until the cloud takes it, and its training saved on SIGTERM.
                checkpoints.pullFromTask0(j);
            }
            if (loss.task() >= 0) replace(s, j, loss);
            pending = loss;
        }
    }

    // ---- one attempt ----

    private Attempt attempt(LaunchState s, JobRuntime j) {
        String marker = "s" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new LinkedHashMap<>(s.job().env());
        env.put(ProcessMarker.STEP, marker);
        env.put("FASTGPU_RESTART_COUNT", String.valueOf(restarts));
        if (step.launcher() == io.fastgpu.core.job.DistributedLaunch.Kind.MPIRUN) {
            env.putAll(MpiTrust.prepare(j.taskRuntimes(), s.job().env().keySet()));
        }
        RunOptions opts = RunOptions.DEFAULT.streaming().withEnv(env);
        String command = NoticeWrapper.wrap(step.command(), recovery.on().contains(Recovery.Trigger.PREEMPTION), preemptGrace);
        List<TaskRuntime> targets = step.onAll() ? j.taskRuntimes() : List.of(j.taskRuntimes().get(step.taskIndex()));
        s.runningMarker(marker);
        ExecutorService pool = Executors.newFixedThreadPool(targets.size() + 2, r -> {
            Thread t = new Thread(r, "fastgpu-step");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<Integer> firstFailed = new AtomicReference<>();
        AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
        AtomicReference<Loss> seen = new AtomicReference<>();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                TaskRuntime t = targets.get(i);
                int index = t.index();
                runs.add(pool.submit(() -> {
                    try {
                        Map<String, String> taskEnv = new LinkedHashMap<>(env);
                        taskEnv.put(io.fastgpu.core.runtime.MetricsFiles.ENV,
                                io.fastgpu.core.runtime.MetricsFiles.path(t.logdir(), index, restarts, step.name()));
                        taskEnv.put("FASTGPU_CHECKPOINT_DIR", checkpoints.dir(t));
                        t.run(command, opts.withEnv(taskEnv));
                    } catch (RuntimeException e) {
                        if (firstFailure.compareAndSet(null, e)) {
                            firstFailed.set(index);
                            // The others would wait for this one forever (a collective): end them.
                            endOthers(targets, t, marker, seen.get());
                        }
                    }
                }));
            }
            Future<?> watcher = pool.submit(() -> watch(s, j, targets, marker, seen, runs));
            Future<?> sync = pool.submit(() -> checkpoints.syncWhile(s, j, runs));
            for (int i = 0; i < runs.size(); i++) {
                while (true) {
                    Loss lost = seen.get();
                    // A machine that hangs never ends its command: its run is given up once it is counted lost.
                    if (lost != null && lost.cause().equals("node-lost") && targets.get(i).index() == lost.task()) break;
                    try {
                        runs.get(i).get(WATCH.toMillis(), TimeUnit.MILLISECONDS);
                        break;
                    } catch (ExecutionException e) {
                        break; // recorded by the task itself
                    } catch (TimeoutException e) {
                        // still running
                    }
                }
            }
            watcher.cancel(true);
            sync.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted");
        } finally {
            pool.shutdownNow();
            s.runningMarker(null);
        }
        RuntimeException f = firstFailure.get();
        if (f == null && seen.get() == null) return new Attempt(null, -1, null);
        if (f == null) f = new FastGpuException(step.name() + ": " + seen.get().who() + " " + seen.get().cause());
        return new Attempt(asStepFailure(f), firstFailed.get() == null ? -1 : firstFailed.get(), seen.get());
    }

    private RuntimeException asStepFailure(RuntimeException e) {
        if (e instanceof CommandFailedException c) return new StepFailedException(step.name(), c.task(), c.exitCode(), c.outputTail());
        return e;
    }

    /**
     * Ends the step on the targets but {@code except} and the task counted lost (which would not answer), side by
     * side and for a bounded time: one more machine that hangs holds the attempt up by {@link StepEnding#WAIT} at most.
     */
    private static void endOthers(List<TaskRuntime> targets, TaskRuntime except, String marker, Loss lost) {
        StepEnding.end(targets.stream().filter(o -> o != except && (lost == null || o.index() != lost.task())).toList(), marker);
    }

    /**
     * Watches the cloud's view of the machines while the step runs: a task whose machine was taken back or is
     * gone ends the step on the others; so does a cancel.
     */
    private void watch(LaunchState s, JobRuntime j, List<TaskRuntime> targets, String marker, AtomicReference<Loss> seen,
                       List<Future<?>> runs) {
        Provider p = s.fg().provider(j.backend());
        boolean preemption = recovery.on().contains(Recovery.Trigger.PREEMPTION);
        boolean nodeLost = recovery.on().contains(Recovery.Trigger.NODE_LOST);
        SilenceTimer silence = new SilenceTimer(j.taskRuntimes(), nodeGrace);
        try {
            while (!runs.stream().allMatch(Future::isDone)) {
                Thread.sleep(WATCH.toMillis());
                if (nodeLost) {
                    // A machine that stops answering (a kernel stuck, a network cut) while the cloud lists it running.
                    TaskRuntime silent = silence.check();
                    if (silent != null && seen.compareAndSet(null, new Loss(silent.index(), "node-lost", System.currentTimeMillis()))) {
                        s.fg().events().on(new Event.Notice(Event.Level.WARN, silent.name() + " has not answered for "
                                + nodeGrace.toSeconds() + " s: it counts as lost"));
                        endOthers(targets, silent, marker, seen.get());
                        return;
                    }
                }
                if (controller.cancelled()) {
                    StepEnding.end(targets, marker); // what does not answer is ended by 'after' anyway
                    return;
                }
                if (!preemption && !nodeLost) continue;
                Map<String, Instance> now;
                try {
                    now = p.list().stream().collect(Collectors.toMap(Instance::id, i -> i, (a, b) -> a));
                } catch (RuntimeException e) {
                    continue; // the cloud did not answer this time
                }
                for (TaskRuntime t : j.taskRuntimes()) {
                    Instance i = now.get(t.instance().id());
                    boolean gone = i == null || i.state() == InstanceState.TERMINATED;
                    if (gone && seen.compareAndSet(null, new Loss(t.index(), "reclaimed", System.currentTimeMillis()))) {
                        endOthers(targets, t, marker, seen.get());
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // the step ended
        }
    }

    // ---- replacing a lost machine ----

    /** A new machine for the lost task only; with none to be had, the others are stopped and it is tried again. */
    private void replace(LaunchState s, JobRuntime j, Loss loss) {
        Provider p = s.fg().provider(j.backend());
        TaskRuntime lost = j.taskRuntimes().get(loss.task());
        try {
            p.destroy(lost.instance().id());
        } catch (RuntimeException e) {
            // gone already, or released when its name is taken again
        }
        long replaceStart = System.currentTimeMillis();
        Set<String> before = j.taskRuntimes().stream().map(t -> t.instance().id()).collect(Collectors.toSet());
        long backoff = 1000;
        JobRuntime replaced;
        while (true) {
            try {
                replaced = s.fg().readyMachines(s.fg().planJob(s.machinePlan().options()), true, j.logdir());
                break;
            } catch (FastGpuException e) {
                if (controller.cancelled() || s.interrupted()) throw e;
                if (restarts >= recovery.maxRestarts()) {
                    throw new FastGpuException("no machine for task" + loss.task() + " (" + e.getMessage() + "); max_restarts ("
                            + recovery.maxRestarts() + ") reached: the run ends failed");
                }
                restarts++;
                controller.restarting(restarts);
                stopSurvivors(s, p, j, lost);
                String why = "no machine for task" + loss.task() + " (" + e.getMessage() + "); the other tasks are stopped"
                        + " (not released); trying again in " + backoff / 1000 + " s (restart " + restarts + " of at most "
                        + recovery.maxRestarts() + ")";
                controller.status(ManagedState.WAITING, why);
                s.fg().events().on(new Event.Notice(Event.Level.WARN, why));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new FastGpuException("interrupted while waiting for a machine for task" + loss.task());
                }
                backoff = Math.min(backoff * 2, 60_000);
            }
        }
        machineMs = System.currentTimeMillis() - replaceStart;
        long filesStart = System.currentTimeMillis();
        s.replaceRuntime(replaced);
        List<TaskRuntime> fresh = replaced.taskRuntimes().stream().filter(t -> !before.contains(t.instance().id())).toList();
        for (TaskRuntime t : replaced.taskRuntimes()) t.startFresh();
        s.fg().setUp(s.machinePlan().options(), s.fg().pendingSetup(s.machinePlan().options(), replaced));
        if (!fresh.isEmpty() && !s.job().upload().isEmpty()) UploadStep.uploadTo(s, fresh);
        filesMs = System.currentTimeMillis() - filesStart;
    }

    private static String secs(long ms) { return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0); }

    private static void stopSurvivors(LaunchState s, Provider p, JobRuntime j, TaskRuntime lost) {
        for (TaskRuntime t : j.taskRuntimes()) {
            if (t == lost) continue;
            try {
                p.stop(t.instance().id());
            } catch (RuntimeException e) {
                s.fg().events().on(new Event.Notice(Event.Level.WARN, "could not stop " + t.name() + ": " + e.getMessage()));
            }
        }
    }
}
