package io.fastgpu.core.state;

import io.fastgpu.api.NotFoundException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code runs} and {@code steps} tables: each run of a job, from start to finish, and the steps of each run.
 *
 * <p>A run is recorded as running together with the process that launches it ({@link LauncherProcess}). When that
 * process dies without a word (SIGKILL, power loss) nothing records the end, so reads report such a run as
 * {@link RunRecord#INTERRUPTED}, finished when it was last heard from (its latest step or event), without writing
 * anything: a read works on a file this process may not write. {@link #settleAbandoned()} writes it down.
 */
final class RunHistory {
    private static final Set<String> FINAL_STATUSES =
            Set.of(RunRecord.SUCCEEDED, RunRecord.FAILED, RunRecord.INTERRUPTED);
    private static final String RUN_COLUMNS =
            "id, job, run_name, backend, logdir, local_log, started_at, finished_at, status, exit_code, launcher";
    private static final String STEP_COLUMNS =
            "id, run_id, seq, name, started_at, finished_at, exit_code, elapsed_ms";

    /** A run as stored, with the process that launched it. */
    private record Stored(RunRecord run, String launcher) {
        boolean abandoned() {
            return RunRecord.RUNNING.equals(run.status()) && LauncherProcess.gone(launcher);
        }
    }

    private final SqliteConnection db;

    RunHistory(SqliteConnection db) {
        this.db = db;
    }

    // ---- runs ----

    /** Records a run that starts now, launched by this process, with status {@link RunRecord#RUNNING}. */
    long start(String job, String runName, String backend, String logdir, String localLog) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(logdir, "logdir");
        long now = System.currentTimeMillis();
        return db.write(() -> db.insert("INSERT INTO runs (job, run_name, backend, logdir, logdir_name, local_log,"
                        + " started_at, status, launcher) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                job, runName, backend, logdir, lastSegment(logdir), localLog, now, RunRecord.RUNNING,
                LauncherProcess.current()));
    }

    /** Records that run {@code id} finished now; see {@link StateStore#finishRun}. */
    void finish(long id, String status, Integer exitCode) {
        if (status == null || !FINAL_STATUSES.contains(status)) {
            throw new IllegalArgumentException("a run finishes as one of " + FINAL_STATUSES + ", not " + status);
        }
        long now = System.currentTimeMillis();
        int updated = db.write(() -> db.update("UPDATE runs SET status = ?, exit_code = ?, finished_at = ? WHERE id = ?",
                status, exitCode, now, id));
        if (updated == 0) {
            throw noRun(db, id);
        }
    }

    Optional<RunRecord> byId(long id) {
        return select("WHERE id = ?", id).stream().findFirst();
    }

    /** The newest run with that run name or log folder name; see {@link StateStore#latestRun}. */
    Optional<RunRecord> latest(String runNameOrLogdirName) {
        return select("WHERE run_name = ? OR logdir_name = ? ORDER BY id DESC LIMIT 1",
                runNameOrLogdirName, runNameOrLogdirName).stream().findFirst();
    }

    List<RunRecord> newest(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        return select("ORDER BY id DESC LIMIT ?", limit);
    }

    /** Runs as stored, except that an abandoned one reads as interrupted; writes nothing. */
    private List<RunRecord> select(String clauses, Object... args) {
        return db.read(() -> {
            List<RunRecord> runs = new ArrayList<>();
            for (Stored s : db.query("SELECT " + RUN_COLUMNS + " FROM runs " + clauses, RunHistory::stored, args)) {
                runs.add(s.abandoned() ? interrupted(s.run(), lastHeardFrom(s.run().id())) : s.run());
            }
            return runs;
        });
    }

    /**
     * Records as interrupted every run still recorded as running whose launcher process is gone, finished when it
     * was last heard from, so that it stays so after this machine restarts (when its launcher can no longer be
     * judged).
     *
     * @return how many runs it settled
     */
    int settleAbandoned() {
        return db.write(() -> {
            int settled = 0;
            for (Stored s : db.query("SELECT " + RUN_COLUMNS + " FROM runs WHERE status = ?", RunHistory::stored,
                    RunRecord.RUNNING)) {
                if (s.abandoned()) {
                    settled += db.update("UPDATE runs SET status = ?, finished_at = ? WHERE id = ? AND status = ?",
                            RunRecord.INTERRUPTED, lastHeardFrom(s.run().id()).toEpochMilli(), s.run().id(),
                            RunRecord.RUNNING);
                }
            }
            return settled;
        });
    }

    /** The last sign of life of run {@code id}: when it started, or its latest step or event. */
    private Instant lastHeardFrom(long id) throws SQLException {
        return Instant.ofEpochMilli(db.query("SELECT max(t) FROM ("
                + " SELECT started_at AS t FROM runs WHERE id = ?1"
                + " UNION ALL SELECT coalesce(finished_at, started_at) FROM steps WHERE run_id = ?1"
                + " UNION ALL SELECT at FROM events WHERE run_id = ?1)", rs -> rs.getLong(1), id).get(0));
    }

    private static RunRecord interrupted(RunRecord r, Instant finishedAt) {
        return new RunRecord(r.id(), r.job(), r.runName(), r.backend(), r.logdir(), r.localLog(), r.startedAt(),
                finishedAt, RunRecord.INTERRUPTED, null);
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)),
                SqliteConnection.instantOrNull(rs, 8), rs.getString(9), SqliteConnection.intOrNull(rs, 10)),
                rs.getString(11));
    }

    // ---- steps ----

    /** Records that a step of run {@code runId} starts now, numbered after the run's earlier steps. */
    long startStep(long runId, String name) {
        Objects.requireNonNull(name, "name");
        long now = System.currentTimeMillis();
        return db.write(() -> {
            requireRun(db, runId);
            return db.insert("INSERT INTO steps (run_id, seq, name, started_at)"
                    + " SELECT ?, coalesce(max(seq), 0) + 1, ?, ? FROM steps WHERE run_id = ?", runId, name, now, runId);
        });
    }

    void finishStep(long stepId, int exitCode, Duration elapsed) {
        long now = System.currentTimeMillis();
        int updated = db.write(() -> db.update(
                "UPDATE steps SET finished_at = ?, exit_code = ?, elapsed_ms = ? WHERE id = ?",
                now, exitCode, elapsed.toMillis(), stepId));
        if (updated == 0) {
            throw new NotFoundException("no step " + stepId + " in state database " + db.file());
        }
    }

    List<StepRecord> steps(long runId) {
        return db.read(() -> db.query("SELECT " + STEP_COLUMNS + " FROM steps WHERE run_id = ? ORDER BY seq",
                rs -> new StepRecord(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), SqliteConnection.instantOrNull(rs, 6),
                        SqliteConnection.intOrNull(rs, 7), SqliteConnection.longOrNull(rs, 8)), runId));
    }

    // ---- shared ----

    /** Fails unless run {@code runId} is recorded; for use inside a transaction that refers to it. */
    static void requireRun(SqliteConnection db, long runId) throws SQLException {
        if (db.query("SELECT 1 FROM runs WHERE id = ?", rs -> true, runId).isEmpty()) {
            throw noRun(db, runId);
        }
    }

    private static NotFoundException noRun(SqliteConnection db, long id) {
        return new NotFoundException("no run " + id + " in state database " + db.file());
    }

    /** The last segment of a local or remote path: {@code gtc-demo.01} for {@code /ncluster/runs/gtc-demo.01/}. */
    private static String lastSegment(String path) {
        String trimmed = path.replaceAll("[/\\\\]+$", "");
        return trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
    }
}
