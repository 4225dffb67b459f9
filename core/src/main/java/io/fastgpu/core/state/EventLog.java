package io.fastgpu.core.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The {@code events} table: noteworthy things that happened, of a run or of none, in the order they happened. */
final class EventLog {
    private final SqliteConnection db;

    EventLog(SqliteConnection db) {
        this.db = db;
    }

    /**
     * Appends an event that happens now.
     *
     * @param runId the run it belongs to, or {@code null}
     * @throws io.fastgpu.api.NotFoundException if {@code runId} is given and there is no such run
     */
    void append(Long runId, String kind, String text) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        long now = System.currentTimeMillis();
        db.write(() -> {
            if (runId != null) {
                RunHistory.requireRun(db, runId);
            }
            return db.insert("INSERT INTO events (run_id, at, kind, text) VALUES (?, ?, ?, ?)", runId, now, kind, text);
        });
    }

    /** The events of run {@code runId}, in the order they were appended. */
    List<EventRecord> of(long runId) {
        return db.read(() -> db.query("SELECT id, run_id, at, kind, text FROM events WHERE run_id = ? ORDER BY id",
                rs -> new EventRecord(rs.getLong(1), SqliteConnection.longOrNull(rs, 2),
                        Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getString(5)), runId));
    }
}
