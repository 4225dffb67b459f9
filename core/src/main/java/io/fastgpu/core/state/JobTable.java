package io.fastgpu.core.state;

import java.time.Instant;
import java.util.List;

/** The {@code jobs} table: each job launched, per backend, with its number of tasks at the last launch. */
final class JobTable {
    private final SqliteConnection db;

    JobTable(SqliteConnection db) {
        this.db = db;
    }

    /** Records that job {@code name} was launched on {@code backend} with {@code numTasks} tasks. */
    void record(String name, String backend, int numTasks) {
        long now = System.currentTimeMillis();
        db.write(() -> db.update("INSERT INTO jobs (name, backend, num_tasks, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, backend)"
                + " DO UPDATE SET num_tasks = excluded.num_tasks, updated_at = excluded.updated_at",
                name, backend, numTasks, now, now));
    }

    /** All recorded jobs, most recently recorded first. */
    List<JobRecord> all() {
        return db.read(() -> db.query("SELECT name, backend, num_tasks, created_at, updated_at FROM jobs"
                        + " ORDER BY updated_at DESC, name, backend",
                rs -> new JobRecord(rs.getString(1), rs.getString(2), rs.getInt(3),
                        Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)))));
    }
}
