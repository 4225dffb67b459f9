package io.fastgpu.core.state;

import java.time.Instant;
import java.util.List;

/** The {@code metrics} table: every metric point of every run, each stored once. */
public final class MetricTable {
    private static final String COLUMNS = "id, run_id, task, step, restart, name, value, epoch, step_no, at, source, key";
    private final SqliteConnection db;

    MetricTable(SqliteConnection db) {
        this.db = db;
    }

    /**
     * Stores the points of run {@code runId} in one transaction; a point whose key the run already has is skipped.
     *
     * @return how many were new
     * @throws io.fastgpu.api.NotFoundException if there is no such run
     */
    public int add(long runId, List<MetricPoint> points) {
        if (points.isEmpty()) return 0;
        return db.write(() -> {
            RunHistory.requireRun(db, runId);
            int added = 0;
            for (MetricPoint p : points) {
                added += db.update("INSERT OR IGNORE INTO metrics (run_id, task, step, restart, name, value, epoch, step_no, at,"
                                + " source, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runId, p.task(), p.step(), p.restart(),
                        p.name(), p.value(), p.epoch(), p.stepNo(), p.at().toEpochMilli(), p.source(), p.key());
            }
            return added;
        });
    }

    /** The points of run {@code runId} stored after the one with id {@code afterId} (0: all), in the order stored. */
    public List<MetricPoint> of(long runId, long afterId) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM metrics WHERE run_id = ? AND id > ? ORDER BY id",
                MetricTable::point, runId, afterId));
    }

    /** The names of the metrics of run {@code runId}, in the order they first appeared. */
    public List<String> names(long runId) {
        return db.read(() -> db.query("SELECT name FROM metrics WHERE run_id = ? GROUP BY name ORDER BY min(id)",
                rs -> rs.getString(1), runId));
    }

    private static MetricPoint point(java.sql.ResultSet rs) throws java.sql.SQLException {
        Long epoch = SqliteConnection.longOrNull(rs, 8);
        return new MetricPoint(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getInt(5), rs.getString(6),
                rs.getDouble(7), epoch == null ? null : epoch.intValue(), SqliteConnection.longOrNull(rs, 9),
                Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11), rs.getString(12));
    }
}
