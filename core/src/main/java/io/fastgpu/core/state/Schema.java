package io.fastgpu.core.state;

import io.fastgpu.api.FastGpuException;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The tables of {@code state.db} and their version: a new file gets them, an older one is migrated, and a file that
 * is not FastGPU's or is newer than this code is refused.
 *
 * <p>The version is kept in {@code PRAGMA user_version}, and {@code PRAGMA application_id} marks the file as
 * FastGPU's. A file already at {@link #VERSION} is only read, so that a store opens on a file it may not write.
 */
final class Schema {
    /** The schema this code reads and writes. */
    static final int VERSION = 6;
    /** "FGPU". */
    private static final int APPLICATION_ID = 0x46475055;

    private Schema() { }

    /**
     * Sets the connection up (busy timeout, WAL, foreign keys) and brings the file to {@link #VERSION}.
     *
     * @param busyTimeout how long SQLite waits for another process's lock, per attempt
     */
    static void prepare(SqliteConnection db, Duration busyTimeout) {
        db.read(() -> {
            db.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
            // Reads see the last committed state and neither block nor are blocked by writers.
            db.execute("PRAGMA journal_mode = WAL");
            db.execute("PRAGMA synchronous = NORMAL");
            db.execute("PRAGMA foreign_keys = ON");
            return null;
        });
        if (db.read(() -> version(db)) != VERSION) {
            db.write(() -> migrate(db));
        }
    }

    /** Reads the schema version, after checking that the file is FastGPU's or still empty. */
    private static int version(SqliteConnection db) throws SQLException {
        // One statement, so that the three values come from one snapshot even while another process migrates.
        int[] header = db.query("SELECT (SELECT application_id FROM pragma_application_id),"
                + " (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)",
                rs -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).get(0);
        int applicationId = header[0];
        int version = header[1];
        boolean empty = header[2] == 0;
        if (applicationId != APPLICATION_ID && !(applicationId == 0 && empty)) {
            throw new FastGpuException("state database " + db.file()
                    + " is not a FastGPU state database; move it aside and FastGPU will create a new one");
        }
        if (version > VERSION) {
            throw new FastGpuException("state database " + db.file() + " has schema version " + version
                    + ", newer than this FastGPU knows (" + VERSION + "); upgrade fastgpu");
        }
        return version;
    }

    /** Brings the schema to {@link #VERSION}; runs inside a write transaction, so it sees no other migration. */
    private static Void migrate(SqliteConnection db) throws SQLException {
        int version = version(db);
        if (version < 1) {
            db.execute("""
                    CREATE TABLE IF NOT EXISTS instances (
                      backend TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
                      instance_type TEXT NOT NULL, gpu TEXT NOT NULL, public_ip TEXT NOT NULL,
                      private_ip TEXT NOT NULL, created_at INTEGER NOT NULL, tags TEXT NOT NULL,
                      PRIMARY KEY (backend, id))""");
            db.execute("""
                    CREATE TABLE IF NOT EXISTS jobs (
                      name TEXT NOT NULL, backend TEXT NOT NULL, num_tasks INTEGER NOT NULL,
                      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                      PRIMARY KEY (name, backend))""");
            // AUTOINCREMENT: a run id, once shown to the user, is never given to another run.
            db.execute("""
                    CREATE TABLE IF NOT EXISTS runs (
                      id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, run_name TEXT NOT NULL,
                      backend TEXT NOT NULL, logdir TEXT NOT NULL, logdir_name TEXT NOT NULL, local_log TEXT,
                      started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL, exit_code INTEGER)""");
            db.execute("CREATE INDEX IF NOT EXISTS runs_by_run_name ON runs (run_name)");
            db.execute("CREATE INDEX IF NOT EXISTS runs_by_logdir_name ON runs (logdir_name)");
            db.execute("""
                    CREATE TABLE IF NOT EXISTS steps (
                      id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id), seq INTEGER NOT NULL,
                      name TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER, exit_code INTEGER,
                      elapsed_ms INTEGER, UNIQUE (run_id, seq))""");
            db.execute("""
                    CREATE TABLE IF NOT EXISTS events (
                      id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs (id), at INTEGER NOT NULL,
                      kind TEXT NOT NULL, text TEXT NOT NULL)""");
            db.execute("CREATE INDEX IF NOT EXISTS events_by_run ON events (run_id, id)");
        }
        if (version < 2) {
            // Which process runs a launch, so that one killed without a word is not "running" forever.
            db.execute("ALTER TABLE runs ADD COLUMN launcher TEXT");
        }
        if (version < 3) {
            // Training metrics: each point once per run, whichever way it was collected and however often.
            db.execute("""
                    CREATE TABLE IF NOT EXISTS metrics (
                      id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id), task INTEGER NOT NULL,
                      step TEXT NOT NULL, restart INTEGER NOT NULL, name TEXT NOT NULL, value REAL NOT NULL,
                      epoch INTEGER, step_no INTEGER, at INTEGER NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL,
                      UNIQUE (run_id, key))""");
            db.execute("CREATE INDEX IF NOT EXISTS metrics_by_run_name ON metrics (run_id, name, id)");
        }
        if (version < 4) {
            // Metrics and model registry: how far each metrics file on the machines was collected (so a point is read
            // once however often a client looks), and the registered model versions.
            db.execute("""
                    CREATE TABLE IF NOT EXISTS metric_cursors (
                      run_id INTEGER NOT NULL REFERENCES runs (id), source TEXT NOT NULL, offset INTEGER NOT NULL,
                      PRIMARY KEY (run_id, source))""");
            db.execute("""
                    CREATE TABLE IF NOT EXISTS models (
                      name TEXT NOT NULL, version INTEGER NOT NULL, run_id INTEGER, run_name TEXT NOT NULL,
                      job_hash TEXT NOT NULL, git_commit TEXT NOT NULL, metrics TEXT NOT NULL, size INTEGER NOT NULL,
                      sha256 TEXT NOT NULL, file_name TEXT NOT NULL, framework TEXT NOT NULL, description TEXT NOT NULL,
                      source TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (name, version))""");
        }
        if (version < 5) {
            // Cost report and monthly budget (fastgpu cost): when each machine ran and when it stood stopped, one row per
            // span, so that spend is instance-hours x price even after the machine is gone from the cloud's listing.
            // Written where FastGPU sees or changes a machine's state (each listing recorded, stop, start, kill).
            db.execute("""
                    CREATE TABLE IF NOT EXISTS instance_usage (
                      id INTEGER PRIMARY KEY, backend TEXT NOT NULL, instance_id TEXT NOT NULL, name TEXT NOT NULL,
                      job TEXT NOT NULL, instance_type TEXT NOT NULL, spot INTEGER NOT NULL, nodes INTEGER NOT NULL,
                      state TEXT NOT NULL, since INTEGER NOT NULL, until INTEGER)""");
            db.execute("CREATE INDEX IF NOT EXISTS instance_usage_by_instance ON instance_usage (backend, instance_id, until)");
        }
        if (version < 6) {
            // Cost of stopped machines: each usage span remembers the machine's disk size (0: not known).
            if (db.query("SELECT 1 FROM pragma_table_info('instance_usage') WHERE name = 'disk_gb'", rs -> true).isEmpty()) {
                db.execute("ALTER TABLE instance_usage ADD COLUMN disk_gb INTEGER NOT NULL DEFAULT 0");
            }
        }
        // A later schema version adds its changes here as "if (version < 7) { ... }".
        db.execute("PRAGMA application_id = " + APPLICATION_ID);
        db.execute("PRAGMA user_version = " + VERSION);
        return null;
    }
}
