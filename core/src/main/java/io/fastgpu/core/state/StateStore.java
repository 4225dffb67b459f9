package io.fastgpu.core.state;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.NotFoundException;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * FastGPU's local memory, the SQLite file {@code state.db} in the FastGPU home folder: the machines each backend
 * last reported, jobs, runs, the steps of each run and events.
 *
 * <p>Several fastgpu processes may use the file at once. Each write is one short transaction begun with
 * {@code BEGIN IMMEDIATE}, which takes the write lock up front rather than upgrading a read lock (two processes
 * upgrading at once would deadlock). A writer waits for the lock up to SQLite's busy timeout, and a write that
 * still finds the database busy is retried a few times after a short random pause. The file is in WAL mode, so
 * reads see the last committed state and neither block nor are blocked by writers.
 *
 * <p>One store holds one connection; its methods are synchronized, so threads may share it. Every failure of the
 * database is reported as a {@link FastGpuException} whose message names the file.
 */
public final class StateStore implements AutoCloseable {
    /** The schema this code reads and writes, kept in {@code PRAGMA user_version}. */
    static final int SCHEMA_VERSION = 2;
    /** Marks a file as FastGPU's, in {@code PRAGMA application_id} ("FGPU"). */
    private static final int APPLICATION_ID = 0x46475055;
    private static final int ATTEMPTS = 4;
    private static final Set<String> FINAL_STATUSES =
            Set.of(RunRecord.SUCCEEDED, RunRecord.FAILED, RunRecord.INTERRUPTED);

    // SQLite primary result codes, as sqlite-jdbc reports them in SQLException.getErrorCode().
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private static final String RUN_COLUMNS =
            "id, job, run_name, backend, logdir, local_log, started_at, finished_at, status, exit_code";
    private static final String STEP_COLUMNS =
            "id, run_id, seq, name, started_at, finished_at, exit_code, elapsed_ms";

    private final Path file;
    private final Connection conn;

    private StateStore(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
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
        Path file = fastgpuHome.resolve("state.db");
        try {
            Files.createDirectories(fastgpuHome);
        } catch (IOException e) {
            throw new FastGpuException("cannot create FastGPU home " + fastgpuHome + " (" + e.getMessage()
                    + "); check its permissions", e);
        }
        SqliteNativeCache.use(fastgpuHome);
        StateStore store;
        try {
            store = new StateStore(file, DriverManager.getConnection("jdbc:sqlite:" + file));
        } catch (SQLException e) {
            throw failure(file, e, Duration.ZERO);
        }
        try {
            store.initialize(busyTimeout);
            return store;
        } catch (RuntimeException e) {
            try {
                store.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    private void initialize(Duration busyTimeout) {
        retrying(() -> {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("PRAGMA foreign_keys = ON");
            }
            return null;
        });
        if (read(this::schemaVersion) != SCHEMA_VERSION) {
            write(this::migrate);
        }
    }

    /** Reads the schema version, after checking that the file is FastGPU's or still empty. */
    private int schemaVersion() throws SQLException {
        // One statement, so that the three values come from one snapshot even while another process migrates.
        int[] header = query("SELECT (SELECT application_id FROM pragma_application_id),"
                + " (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)",
                rs -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).get(0);
        int applicationId = header[0];
        int version = header[1];
        boolean empty = header[2] == 0;
        if (applicationId != APPLICATION_ID && !(applicationId == 0 && empty)) {
            throw new FastGpuException("state database " + file
                    + " is not a FastGPU state database; move it aside and FastGPU will create a new one");
        }
        if (version > SCHEMA_VERSION) {
            throw new FastGpuException("state database " + file + " has schema version " + version
                    + ", newer than this FastGPU knows (" + SCHEMA_VERSION + "); upgrade fastgpu");
        }
        return version;
    }

    /** Brings the schema to {@link #SCHEMA_VERSION}; runs inside a write transaction. */
    private Void migrate() throws SQLException {
        int version = schemaVersion();
        try (Statement st = conn.createStatement()) {
            if (version < 1) {
                st.execute("""
                        CREATE TABLE IF NOT EXISTS instances (
                          backend TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
                          instance_type TEXT NOT NULL, gpu TEXT NOT NULL, public_ip TEXT NOT NULL,
                          private_ip TEXT NOT NULL, created_at INTEGER NOT NULL, tags TEXT NOT NULL,
                          PRIMARY KEY (backend, id))""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS jobs (
                          name TEXT NOT NULL, backend TEXT NOT NULL, num_tasks INTEGER NOT NULL,
                          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                          PRIMARY KEY (name, backend))""");
                // AUTOINCREMENT: a run id, once shown to the user, is never given to another run.
                st.execute("""
                        CREATE TABLE IF NOT EXISTS runs (
                          id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, run_name TEXT NOT NULL,
                          backend TEXT NOT NULL, logdir TEXT NOT NULL, logdir_name TEXT NOT NULL, local_log TEXT,
                          started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL, exit_code INTEGER)""");
                st.execute("CREATE INDEX IF NOT EXISTS runs_by_run_name ON runs (run_name)");
                st.execute("CREATE INDEX IF NOT EXISTS runs_by_logdir_name ON runs (logdir_name)");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS steps (
                          id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id), seq INTEGER NOT NULL,
                          name TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER, exit_code INTEGER,
                          elapsed_ms INTEGER, UNIQUE (run_id, seq))""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS events (
                          id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs (id), at INTEGER NOT NULL,
                          kind TEXT NOT NULL, text TEXT NOT NULL)""");
                st.execute("CREATE INDEX IF NOT EXISTS events_by_run ON events (run_id, id)");
            }
            if (version < 2) {
                // Which process runs a launch, so that one killed without a word is not "running" forever.
                st.execute("ALTER TABLE runs ADD COLUMN launcher TEXT");
            }
            // A later schema version adds its changes here as "if (version < 3) { ... }".
            st.execute("PRAGMA application_id = " + APPLICATION_ID);
            st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
        }
        return null;
    }

    // ---- instances ----

    /**
     * Replaces what is known about {@code backend}'s machines with {@code seen}: the provider is the truth, so
     * machines of that backend not in {@code seen} are forgotten. Other backends' machines are left alone.
     *
     * @throws IllegalArgumentException if a machine in {@code seen} belongs to another backend
     */
    public void upsertInstances(String backend, List<Instance> seen) {
        for (Instance i : seen) {
            if (!i.backend().equals(backend)) {
                throw new IllegalArgumentException("instance " + i.id() + " is on backend " + i.backend()
                        + ", not " + backend);
            }
        }
        write(() -> {
            update("DELETE FROM instances WHERE backend = ?", backend);
            for (Instance i : seen) {
                update("INSERT OR REPLACE INTO instances (backend, id, name, state, instance_type, gpu, public_ip,"
                                + " private_ip, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        backend, i.id(), i.name(), i.state().name(), i.instanceType(), i.gpu(), i.publicIp(),
                        i.privateIp(), i.createdAt().toEpochMilli(), encodeTags(i.tags()));
            }
            return null;
        });
    }

    /** The machines {@code backend} reported last, by name. */
    public List<Instance> instances(String backend) {
        return read(() -> query("SELECT id, name, backend, state, instance_type, gpu, public_ip, private_ip,"
                + " created_at, tags FROM instances WHERE backend = ? ORDER BY name, id", rs -> new Instance(
                rs.getString(1), rs.getString(2), rs.getString(3), InstanceState.valueOf(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                Instant.ofEpochMilli(rs.getLong(9)), decodeTags(rs.getString(10))), backend));
    }

    // ---- jobs ----

    /** Records that job {@code name} was launched on {@code backend} with {@code numTasks} tasks. */
    public void recordJob(String name, String backend, int numTasks) {
        long now = System.currentTimeMillis();
        write(() -> update("INSERT INTO jobs (name, backend, num_tasks, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, backend)"
                + " DO UPDATE SET num_tasks = excluded.num_tasks, updated_at = excluded.updated_at",
                name, backend, numTasks, now, now));
    }

    /** All recorded jobs, most recently recorded first. */
    public List<JobRecord> jobs() {
        return read(() -> query("SELECT name, backend, num_tasks, created_at, updated_at FROM jobs"
                        + " ORDER BY updated_at DESC, name, backend",
                rs -> new JobRecord(rs.getString(1), rs.getString(2), rs.getInt(3),
                        Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)))));
    }

    // ---- runs ----

    /**
     * Records a run that starts now, with status {@link RunRecord#RUNNING}.
     *
     * @param localLog the local copy of its log, or {@code null}
     * @return the run's id
     */
    public long startRun(String job, String runName, String backend, String logdir, String localLog) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(logdir, "logdir");
        long now = System.currentTimeMillis();
        return write(() -> insert("INSERT INTO runs (job, run_name, backend, logdir, logdir_name, local_log,"
                        + " started_at, status, launcher) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                job, runName, backend, logdir, lastSegment(logdir), localLog, now, RunRecord.RUNNING, LauncherProcess.current()));
    }

    /**
     * Records that run {@code id} finished now.
     *
     * @param status   {@link RunRecord#SUCCEEDED}, {@link RunRecord#FAILED} or {@link RunRecord#INTERRUPTED}
     * @param exitCode its exit code, or {@code null} when there is none
     * @throws NotFoundException if there is no such run
     */
    public void finishRun(long id, String status, Integer exitCode) {
        if (status == null || !FINAL_STATUSES.contains(status)) {
            throw new IllegalArgumentException("a run finishes as one of " + FINAL_STATUSES + ", not " + status);
        }
        long now = System.currentTimeMillis();
        int updated = write(() -> update("UPDATE runs SET status = ?, exit_code = ?, finished_at = ? WHERE id = ?",
                status, exitCode, now, id));
        if (updated == 0) {
            throw noRun(id);
        }
    }

    /** Run {@code id}, if recorded. */
    public Optional<RunRecord> run(long id) {
        return read(() -> query("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", StateStore::runRecord, id))
                .stream().findFirst().map(this::settled);
    }

    /**
     * A run recorded as running whose launcher process is gone (killed without a word) is recorded as
     * interrupted, and returned so.
     */
    private RunRecord settled(RunRecord r) {
        if (!RunRecord.RUNNING.equals(r.status())) return r;
        List<String> launcher = read(() -> query("SELECT launcher FROM runs WHERE id = ?", rs -> rs.getString(1), r.id()));
        if (launcher.isEmpty() || !LauncherProcess.gone(launcher.get(0))) return r;
        write(() -> update("UPDATE runs SET status = ?, finished_at = ? WHERE id = ? AND status = ?",
                RunRecord.INTERRUPTED, System.currentTimeMillis(), r.id(), RunRecord.RUNNING));
        return run(r.id()).orElse(r);
    }

    /**
     * The newest run named {@code runNameOrLogdirName}, or whose log folder's last segment is that name
     * (such as {@code gtc-demo.01} for {@code /ncluster/runs/gtc-demo.01}).
     */
    public Optional<RunRecord> latestRun(String runNameOrLogdirName) {
        return read(() -> query("SELECT " + RUN_COLUMNS + " FROM runs WHERE run_name = ? OR logdir_name = ?"
                        + " ORDER BY id DESC LIMIT 1", StateStore::runRecord, runNameOrLogdirName, runNameOrLogdirName))
                .stream().findFirst().map(this::settled);
    }

    /** The newest {@code limit} runs, newest first. */
    public List<RunRecord> runs(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        return read(() -> query("SELECT " + RUN_COLUMNS + " FROM runs ORDER BY id DESC LIMIT ?",
                StateStore::runRecord, limit)).stream().map(this::settled).toList();
    }

    // ---- steps ----

    /**
     * Records that a step of run {@code runId} starts now, numbered after the run's earlier steps.
     *
     * @return the step's id
     * @throws NotFoundException if there is no such run
     */
    public long startStep(long runId, String name) {
        Objects.requireNonNull(name, "name");
        long now = System.currentTimeMillis();
        return write(() -> {
            requireRun(runId);
            return insert("INSERT INTO steps (run_id, seq, name, started_at)"
                    + " SELECT ?, coalesce(max(seq), 0) + 1, ?, ? FROM steps WHERE run_id = ?", runId, name, now, runId);
        });
    }

    /**
     * Records that step {@code stepId} finished now.
     *
     * @throws NotFoundException if there is no such step
     */
    public void finishStep(long stepId, int exitCode, Duration elapsed) {
        long now = System.currentTimeMillis();
        int updated = write(() -> update("UPDATE steps SET finished_at = ?, exit_code = ?, elapsed_ms = ? WHERE id = ?",
                now, exitCode, elapsed.toMillis(), stepId));
        if (updated == 0) {
            throw new NotFoundException("no step " + stepId + " in state database " + file);
        }
    }

    /** The steps of run {@code runId}, in order. */
    public List<StepRecord> steps(long runId) {
        return read(() -> query("SELECT " + STEP_COLUMNS + " FROM steps WHERE run_id = ? ORDER BY seq",
                rs -> new StepRecord(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), instantOrNull(rs, 6), intOrNull(rs, 7),
                        longOrNull(rs, 8)), runId));
    }

    // ---- events ----

    /**
     * Appends an event that happens now.
     *
     * @param runId the run it belongs to, or {@code null}
     * @throws NotFoundException if {@code runId} is given and there is no such run
     */
    public void appendEvent(Long runId, String kind, String text) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        long now = System.currentTimeMillis();
        write(() -> {
            if (runId != null) {
                requireRun(runId);
            }
            return insert("INSERT INTO events (run_id, at, kind, text) VALUES (?, ?, ?, ?)", runId, now, kind, text);
        });
    }

    /** The events of run {@code runId}, in the order they were appended. */
    public List<EventRecord> events(long runId) {
        return read(() -> query("SELECT id, run_id, at, kind, text FROM events WHERE run_id = ? ORDER BY id",
                rs -> new EventRecord(rs.getLong(1), longOrNull(rs, 2), Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getString(4), rs.getString(5)), runId));
    }

    /** Closes the connection; the file stays. */
    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw failure(file, e, Duration.ZERO);
        }
    }

    // ---- transactions and retries ----

    /** A unit of database work. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction, retried whole while the database is busy. */
    private synchronized <T> T write(Work<T> work) {
        return retrying(() -> {
            execute("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    execute("ROLLBACK");
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        });
    }

    /** Runs {@code work} outside a transaction, retried while the database is busy. */
    private synchronized <T> T read(Work<T> work) {
        return retrying(work);
    }

    private <T> T retrying(Work<T> work) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                boolean busy = e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED;
                if (!busy || attempt == ATTEMPTS) {
                    throw failure(file, e, Duration.ofNanos(System.nanoTime() - start));
                }
                pause(attempt);
            }
        }
    }

    /** Sleeps a random 10-50 ms per attempt so that retrying processes do not collide again. */
    private void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50) * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted while waiting for state database " + file, e);
        }
    }

    private static FastGpuException failure(Path file, SQLException e, Duration waited) {
        String what = switch (e.getErrorCode()) {
            case SQLITE_BUSY, SQLITE_LOCKED -> "is locked by another process for "
                    + Math.max(1, Math.round(waited.toMillis() / 1000.0)) + "s; retry when other fastgpu commands finish";
            case SQLITE_NOTADB -> "is not a FastGPU state database; move it aside and FastGPU will create a new one";
            case SQLITE_CORRUPT -> "is corrupt; move it aside and FastGPU will create a new one";
            default -> "failed (" + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")
                    + "); check that its folder is writable and the disk is not full";
        };
        return new FastGpuException("state database " + file + " " + what, e);
    }

    // ---- statements ----

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Runs an INSERT and returns the new row's id. */
    private long insert(String sql, Object... args) throws SQLException {
        return query(sql + " RETURNING id", rs -> rs.getLong(1), args).get(0);
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.map(rs));
            }
            return rows;
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    private void requireRun(long runId) throws SQLException {
        if (query("SELECT 1 FROM runs WHERE id = ?", rs -> true, runId).isEmpty()) {
            throw noRun(runId);
        }
    }

    private NotFoundException noRun(long id) {
        return new NotFoundException("no run " + id + " in state database " + file);
    }

    private static RunRecord runRecord(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), instantOrNull(rs, 8), rs.getString(9),
                intOrNull(rs, 10));
    }

    private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        Long millis = longOrNull(rs, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    // ---- values ----

    /** The last segment of a local or remote path: {@code gtc-demo.01} for {@code /ncluster/runs/gtc-demo.01/}. */
    private static String lastSegment(String path) {
        String trimmed = path.replaceAll("[/\\\\]+$", "");
        return trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
    }

    /** Tags as {@code key=value} lines, both sides URL-encoded so that neither holds '=' or a line break. */
    private static String encodeTags(Map<String, String> tags) {
        return new TreeMap<>(tags).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("\n"));
    }

    private static Map<String, String> decodeTags(String text) {
        Map<String, String> tags = new HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                tags.put(URLDecoder.decode(line.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(line.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return tags;
    }
}
