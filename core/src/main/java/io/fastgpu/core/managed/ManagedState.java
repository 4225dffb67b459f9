package io.fastgpu.core.managed;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a managed run stands, as its controller last wrote it: a controller started again after a crash
 * carries on from here.
 *
 * @param status      {@link #STARTING}, {@link #RUNNING}, {@link #RECOVERING}, {@link #WAITING} (no machine to be
 *                    had: retrying) or a final one: {@link #SUCCEEDED}, {@link #FAILED}, {@link #CANCELLED}
 * @param job         the job's name
 * @param runName     the run's name
 * @param backend     where its machines are
 * @param runId       the run's id in the state store, or -1 before it is recorded
 * @param logdir      the run's log folder on the machines, once made (kept across restarts: the checkpoints live there)
 * @param restarts    how many times the run was restarted after a loss
 * @param doneSteps   the job steps that already succeeded
 * @param recoveries  each recovery, in order
 * @param startedAtMs when the run was handed to its first controller
 * @param updatedAtMs when this was written
 * @param hourlyPrice the job's machines' price per hour, 0 when free, negative when unknown
 * @param controllers how many controllers ran it (more than 1 after a crash)
 * @param message     the last thing said about it (why it failed, why it waits)
 */
public record ManagedState(String status, String job, String runName, String backend, long runId, String logdir,
                           int restarts, List<String> doneSteps, List<RecoveryRecord> recoveries, long startedAtMs,
                           long updatedAtMs, double hourlyPrice, int controllers, String message) {
    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String RECOVERING = "recovering";
    public static final String WAITING = "waiting";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    private static final Set<String> FINAL = Set.of(SUCCEEDED, FAILED, CANCELLED);

    public ManagedState {
        doneSteps = List.copyOf(doneSteps == null ? List.of() : doneSteps);
        recoveries = List.copyOf(recoveries == null ? List.of() : recoveries);
        message = message == null ? "" : message;
        logdir = logdir == null ? "" : logdir;
    }

    /** A run just handed over. */
    public static ManagedState fresh(String job, String runName, String backend, double hourlyPrice) {
        long now = System.currentTimeMillis();
        return new ManagedState(STARTING, job, runName, backend, -1, "", 0, List.of(), List.of(), now, now, hourlyPrice, 0, "");
    }

    public boolean isFinal() { return FINAL.contains(status); }

    /** Roughly what its machines cost so far: the hourly price times the hours since it started (or until it ended). */
    public double costSoFar() {
        if (hourlyPrice <= 0) return hourlyPrice;
        long end = isFinal() ? updatedAtMs : System.currentTimeMillis();
        return hourlyPrice * Math.max(0, end - startedAtMs) / 3_600_000.0;
    }

    public ManagedState withStatus(String newStatus, String newMessage) {
        return new ManagedState(newStatus, job, runName, backend, runId, logdir, restarts, doneSteps, recoveries,
                startedAtMs, System.currentTimeMillis(), hourlyPrice, controllers, newMessage);
    }

    public ManagedState withRun(long newRunId, String newLogdir) {
        return new ManagedState(status, job, runName, backend, newRunId, newLogdir, restarts, doneSteps, recoveries,
                startedAtMs, System.currentTimeMillis(), hourlyPrice, controllers, message);
    }

    public ManagedState withStepDone(String step) {
        List<String> done = new ArrayList<>(doneSteps);
        if (!done.contains(step)) done.add(step);
        return new ManagedState(status, job, runName, backend, runId, logdir, restarts, done, recoveries, startedAtMs,
                System.currentTimeMillis(), hourlyPrice, controllers, message);
    }

    public ManagedState withRestart(RecoveryRecord r) {
        List<RecoveryRecord> all = new ArrayList<>(recoveries);
        all.removeIf(x -> x.number() == r.number());
        all.add(r);
        return new ManagedState(status, job, runName, backend, runId, logdir, Math.max(restarts, r.number()), doneSteps, all,
                startedAtMs, System.currentTimeMillis(), hourlyPrice, controllers, message);
    }

    public ManagedState withRestarts(int n) {
        return new ManagedState(status, job, runName, backend, runId, logdir, n, doneSteps, recoveries, startedAtMs,
                System.currentTimeMillis(), hourlyPrice, controllers, message);
    }

    public ManagedState withNewController() {
        return new ManagedState(status, job, runName, backend, runId, logdir, restarts, doneSteps, recoveries, startedAtMs,
                System.currentTimeMillis(), hourlyPrice, controllers + 1, message);
    }
}
