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
            return insert(runId, points);
        });
    }

    /**
     * Stores points read from {@code source} (a metrics file on a machine) up to byte {@code offset}, and that offset,
     * in one transaction: the next collection starts there, so a point is neither lost nor read twice.
     *
     * @return how many points were new
     */
    public int addCollected(long runId, String source, long offset, List<MetricPoint> points) {
        return db.write(() -> {
            RunHistory.requireRun(db, runId);
            int added = insert(runId, points);
            db.update("INSERT INTO metric_cursors (run_id, source, offset) VALUES (?, ?, ?)"
                    + " ON CONFLICT (run_id, source) DO UPDATE SET offset = max(offset, excluded.offset)", runId, source, offset);
            return added;
        });
    }

    /** Where the collection of {@code source} for run {@code runId} goes on (0: from the start). */
    public long cursor(long runId, String source) {
        List<Long> found = db.read(() -> db.query("SELECT offset FROM metric_cursors WHERE run_id = ? AND source = ?",
                rs -> rs.getLong(1), runId, source));
        return found.isEmpty() ? 0 : found.get(0);
    }

    /** How far a source of run points was collected. */
    public record Cursor(String source, long offset) { }

    /** How far each source of run {@code runId}'s points was collected. */
    public List<Cursor> cursors(long runId) {
        return db.read(() -> db.query("SELECT source, offset FROM metric_cursors WHERE run_id = ? ORDER BY source",
                rs -> new Cursor(rs.getString(1), rs.getLong(2)), runId));
    }

    /** The last point stored of each metric of run {@code runId}, in the order the metrics first appeared. */
    public List<MetricPoint> latest(long runId) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM metrics WHERE id IN (SELECT max(id) FROM metrics"
                + " WHERE run_id = ? GROUP BY name) ORDER BY (SELECT min(m.id) FROM metrics m WHERE m.run_id = metrics.run_id"
                + " AND m.name = metrics.name)", MetricTable::point, runId));
    }

    /** How many points of metric {@code name} run {@code runId} has. */
    public long count(long runId, String name) {
        return db.read(() -> db.query("SELECT count(*) FROM metrics WHERE run_id = ? AND name = ?", rs -> rs.getLong(1),
                runId, name).get(0));
    }

    /**
     * The points of metric {@code name} of run {@code runId} in the order stored, at most about {@code limit} of them:
     * a long series is thinned evenly (every k-th point, and always the last), so a chart of millions costs the same.
     */
    public List<MetricPoint> series(long runId, String name, int limit) {
        if (limit < 2) throw new IllegalArgumentException("limit must be at least 2, was " + limit);
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM (SELECT *, row_number() OVER (ORDER BY id) AS rn,"
                + " count(*) OVER () AS n FROM metrics WHERE run_id = ? AND name = ?)"
                + " WHERE (rn - 1) % max(1, (n + ? - 1) / ?) = 0 OR rn = n ORDER BY id", MetricTable::point, runId, name,
                limit - 1, limit - 1));
    }

    /** The points of run {@code runId} stored after the one with id {@code afterId} (0: all), in the order stored. */
    public List<MetricPoint> of(long runId, long afterId) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM metrics WHERE run_id = ? AND id > ? ORDER BY id",
                MetricTable::point, runId, afterId));
    }

    /** At most {@code limit} points of run {@code runId} stored after the one with id {@code afterId}, in the order stored: a page. */
    public List<MetricPoint> of(long runId, long afterId, int limit) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM metrics WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?",
                MetricTable::point, runId, afterId, limit));
    }

    /** The names of the metrics of run {@code runId}, in the order they first appeared. */
    public List<String> names(long runId) {
        return db.read(() -> db.query("SELECT name FROM metrics WHERE run_id = ? GROUP BY name ORDER BY min(id)",
                rs -> rs.getString(1), runId));
    }

    /** Inserts the points not stored yet (by key), in one prepared batch; inside a write. */
    private int insert(long runId, List<MetricPoint> points) throws java.sql.SQLException {
        List<Object[]> rows = new java.util.ArrayList<>(points.size());
        for (MetricPoint p : points) {
            rows.add(new Object[] {runId, p.task(), p.step(), p.restart(), p.name(), p.value(), p.epoch(), p.stepNo(),
                    p.at().toEpochMilli(), p.source(), p.key()});
        }
        return db.batch("INSERT OR IGNORE INTO metrics (run_id, task, step, restart, name, value, epoch, step_no, at, source, key)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
    }

    private static MetricPoint point(java.sql.ResultSet rs) throws java.sql.SQLException {
        Long epoch = SqliteConnection.longOrNull(rs, 8);
        return new MetricPoint(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getInt(5), rs.getString(6),
                rs.getDouble(7), epoch == null ? null : epoch.intValue(), SqliteConnection.longOrNull(rs, 9),
                Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11), rs.getString(12));
    }
}
