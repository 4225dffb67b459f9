package io.fastgpu.core.state;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.NotFoundException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * FastGPU's local memory, the SQLite file {@code state.db} in the FastGPU home folder: the machines each backend
 * last reported, jobs, runs, the steps of each run and events.
 *
 * <p>This class is the front door; each part lives in a class of its own: {@link Schema} (tables, version,
 * migration), {@link SqliteConnection} (transactions and statements), {@link Retrying} (waiting out another
 * process's lock), {@link StateDatabaseErrors} (one-line failures), {@link InstanceTable}, {@link JobTable},
 * {@link RunHistory} (runs and their steps) and {@link EventLog}.
 *
 * <p>Several fastgpu processes may use the file at once. Each write is one short transaction that takes the write
 * lock up front; a write that finds the database busy waits up to SQLite's busy timeout and is retried a few
 * times. The file is in WAL mode, so reads see the last committed state and neither block nor are blocked by
 * writers. Reads write nothing, so a store on a file this process may only read can still be read.
 *
 * <p>One store holds one connection, which threads may share. Every failure of the database, reading or writing,
 * is reported as a {@link FastGpuException} whose one-line message names the file and what to do (for example
 * "state database ... is full (disk full?); free space in FASTGPU_HOME (...)").
 */
public final class StateStore implements AutoCloseable {
    /** The schema this code reads and writes, kept in {@code PRAGMA user_version}. */
    static final int SCHEMA_VERSION = Schema.VERSION;

    private final SqliteConnection db;
    private final InstanceTable instances;
    private final JobTable jobs;
    private final RunHistory runs;
    private final EventLog events;
    private final MetricTable metrics;
    private final ModelTable models;
    private final UsageTable usage;

    private StateStore(SqliteConnection db) {
        this.db = db;
        this.instances = new InstanceTable(db);
        this.jobs = new JobTable(db);
        this.runs = new RunHistory(db);
        this.events = new EventLog(db);
        this.metrics = new MetricTable(db);
        this.models = new ModelTable(db);
        this.usage = new UsageTable(db);
    }

    /**
     * Opens {@code state.db} in {@code fastgpuHome}, creating the folder, the file and its tables as needed.
     *
     * @throws FastGpuException if the folder cannot be created, or the file is not a FastGPU state database of a
     *                          version this code knows
     */
    public static StateStore open(Path fastgpuHome) {
        return open(fastgpuHome, Duration.ofSeconds(15));
    }

    /** Like {@link #open(Path)}, waiting up to {@code busyTimeout} for another process's lock per attempt. */
    static StateStore open(Path fastgpuHome, Duration busyTimeout) {
        try {
            Files.createDirectories(fastgpuHome);
        } catch (IOException e) {
            throw new FastGpuException("cannot create FastGPU home " + fastgpuHome + " (" + e.getMessage()
                    + "); check its permissions", e);
        }
        SqliteNativeCache.use(fastgpuHome);
        SqliteConnection db = SqliteConnection.open(fastgpuHome.resolve("state.db"));
        try {
            Schema.prepare(db, busyTimeout);
            return new StateStore(db);
        } catch (RuntimeException e) {
            try {
                db.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /** The database file. */
    public Path file() {
        return db.file();
    }

    // ---- instances ----

    /**
     * Replaces what is known about {@code backend}'s machines with {@code seen}: the provider is the truth, so
     * machines of that backend not in {@code seen} are forgotten. Other backends' machines are left alone.
     *
     * @throws IllegalArgumentException if a machine in {@code seen} belongs to another backend
     */
    public void upsertInstances(String backend, List<Instance> seen) {
        instances.replace(backend, seen);
        usage.observe(backend, seen, java.time.Instant.now());
    }

    /**
     * Records that FastGPU itself put machine {@code id} of {@code backend} into {@code state} (stopped, started,
     * released) at {@code at}, so that {@link #usage} counts its hours to that moment; a machine never listed is left alone.
     */
    public void recordInstanceState(String backend, String id, io.fastgpu.api.InstanceState state, java.time.Instant at) {
        usage.record(backend, id, state, at);
    }

    /** The spans of the machines' lives (running, stopped) that overlap {@code [from, to)}, oldest first. */
    public List<UsageSpan> usage(java.time.Instant from, java.time.Instant to) {
        return usage.within(from, to);
    }

    /** The machines {@code backend} reported last, by name. */
    public List<Instance> instances(String backend) {
        return instances.of(backend);
    }

    // ---- jobs ----

    /** Records that job {@code name} was launched on {@code backend} with {@code numTasks} tasks. */
    public void recordJob(String name, String backend, int numTasks) {
        jobs.record(name, backend, numTasks);
    }

    /** All recorded jobs, most recently recorded first. */
    public List<JobRecord> jobs() {
        return jobs.all();
    }

    // ---- runs ----

    /**
     * Records a run that starts now, launched by this process, with status {@link RunRecord#RUNNING}.
     *
     * @param localLog the local copy of its log, or {@code null}
     * @return the run's id
     */
    public long startRun(String job, String runName, String backend, String logdir, String localLog) {
        return runs.start(job, runName, backend, logdir, localLog);
    }

    /**
     * Records that run {@code id} finished now.
     *
     * @param status   {@link RunRecord#SUCCEEDED}, {@link RunRecord#FAILED} or {@link RunRecord#INTERRUPTED}
     * @param exitCode its exit code, or {@code null} when there is none
     * @throws NotFoundException if there is no such run
     */
    public void finishRun(long id, String status, Integer exitCode) {
        runs.finish(id, status, exitCode);
    }

    /**
     * Run {@code id}, if recorded. A run recorded as running whose launcher process is gone (killed without a
     * word) reads as {@link RunRecord#INTERRUPTED}, finished when it was last heard from; reading writes nothing.
     */
    public Optional<RunRecord> run(long id) {
        return runs.byId(id);
    }

    /**
     * The newest run named {@code runNameOrLogdirName}, or whose log folder's last segment is that name
     * (such as {@code gtc-demo.01} for {@code /ncluster/runs/gtc-demo.01}); read as {@link #run(long)} reads.
     */
    public Optional<RunRecord> latestRun(String runNameOrLogdirName) {
        return runs.latest(runNameOrLogdirName);
    }

    /** The newest {@code limit} runs, newest first; read as {@link #run(long)} reads. */
    public List<RunRecord> runs(int limit) {
        return runs.newest(limit);
    }

    /**
     * Records as {@link RunRecord#INTERRUPTED} every run still recorded as running whose launcher process is gone,
     * as reads already report it, so that it stays so once the launcher can no longer be judged (after this
     * machine restarts). A command calls this on purpose; reads never do.
     *
     * @return how many runs it recorded as interrupted
     */
    public int settleAbandonedRuns() {
        return runs.settleAbandoned();
    }

    // ---- steps ----

    /**
     * Records that a step of run {@code runId} starts now, numbered after the run's earlier steps.
     *
     * @return the step's id
     * @throws NotFoundException if there is no such run
     */
    public long startStep(long runId, String name) {
        return runs.startStep(runId, name);
    }

    /**
     * Records that step {@code stepId} finished now.
     *
     * @throws NotFoundException if there is no such step
     */
    public void finishStep(long stepId, int exitCode, Duration elapsed) {
        runs.finishStep(stepId, exitCode, elapsed);
    }

    /** The steps of run {@code runId}, in order. */
    public List<StepRecord> steps(long runId) {
        return runs.steps(runId);
    }

    // ---- events ----

    /**
     * Appends an event that happens now.
     *
     * @param runId the run it belongs to, or {@code null}
     * @throws NotFoundException if {@code runId} is given and there is no such run
     */
    public void appendEvent(Long runId, String kind, String text) {
        events.append(runId, kind, text);
    }

    /** The events of run {@code runId}, in the order they were appended. */
    public List<EventRecord> events(long runId) {
        return events.of(runId);
    }

    // ---- metrics ----

    /** The training metrics of every run. */
    public MetricTable metrics() {
        return metrics;
    }

    // ---- models ----

    /** The registered model versions. */
    public ModelTable models() {
        return models;
    }

    /** Closes the connection; the file stays. */
    @Override
    public void close() {
        db.close();
    }
}
