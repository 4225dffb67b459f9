package io.fastgpu.core.state;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code instance_usage} table: when each machine ran and when it stood stopped, one row per span, kept after the
 * machine is gone so that {@code fastgpu cost} can tell what it cost.
 *
 * <p>Two kinds of writes keep it: each listing of a backend ({@link #observe}: a machine seen for the first time runs
 * since it was created, a change of state ends the span at the time it is seen, a machine no longer listed ends its
 * span) and each state change FastGPU makes itself ({@link #record}: stop, start, kill, at the time it was made).
 */
final class UsageTable {
    private static final String COLUMNS = "backend, instance_id, name, job, instance_type, spot, nodes, state, since, until, disk_gb";

    private final SqliteConnection db;

    UsageTable(SqliteConnection db) {
        this.db = db;
    }

    /** Brings the spans of {@code backend}'s machines in line with a listing of all of them made at {@code at}. */
    void observe(String backend, List<Instance> seen, Instant at) {
        long now = at.toEpochMilli();
        db.write(() -> {
            Map<String, UsageSpan> open = new HashMap<>();
            for (UsageSpan s : db.query("SELECT " + COLUMNS + " FROM instance_usage WHERE backend = ? AND until IS NULL",
                    UsageTable::span, backend)) {
                open.put(s.instanceId(), s);
            }
            for (Instance i : seen) {
                String state = stateOf(i.state());
                UsageSpan current = open.remove(i.id());
                if (state == null) {
                    if (current != null && i.state() == InstanceState.TERMINATED) close(backend, i.id(), now);
                    continue;
                }
                if (current != null && current.state().equals(state)) continue;
                if (current != null) close(backend, i.id(), now);
                boolean known = current != null || !db.query("SELECT 1 FROM instance_usage WHERE backend = ? AND instance_id = ?"
                        + " LIMIT 1", rs -> true, backend, i.id()).isEmpty();
                // A machine seen running for the first time has been charged since it was created (what 'ls' counts).
                long since = !known && state.equals(UsageSpan.RUNNING) && !i.createdAt().equals(Instant.EPOCH)
                        && i.createdAt().toEpochMilli() < now ? i.createdAt().toEpochMilli() : now;
                insert(backend, i, state, since);
            }
            for (String gone : open.keySet()) close(backend, gone, now);
            return null;
        });
    }

    /**
     * Records that FastGPU put machine {@code id} of {@code backend} into {@code newState} at {@code at}; a machine this
     * table never saw is left alone (its first listing records it).
     */
    void record(String backend, String id, InstanceState newState, Instant at) {
        String state = stateOf(newState);
        if (state == null && newState != InstanceState.TERMINATED) return;
        long when = at.toEpochMilli();
        db.write(() -> {
            List<UsageSpan> last = db.query("SELECT " + COLUMNS + " FROM instance_usage WHERE backend = ? AND instance_id = ?"
                    + " ORDER BY since DESC, id DESC LIMIT 1", UsageTable::span, backend, id);
            if (last.isEmpty()) return null;
            UsageSpan s = last.get(0);
            boolean open = s.until() == null;
            if (open && s.state().equals(state)) return null;
            if (!open && state == null) return null;
            if (open) close(backend, id, Math.max(when, s.since().toEpochMilli()));
            if (state != null) {
                db.update("INSERT INTO instance_usage (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)", backend, id,
                        s.name(), s.job(), s.instanceType(), s.spot() ? 1 : 0, s.nodes(), state, Math.max(when, s.since().toEpochMilli()),
                        s.diskGb());
            }
            return null;
        });
    }

    /** The spans that overlap {@code [from, to)}, oldest first. */
    List<UsageSpan> within(Instant from, Instant to) {
        return db.read(() -> db.query("SELECT " + COLUMNS + " FROM instance_usage WHERE since < ? AND (until IS NULL OR until > ?)"
                + " ORDER BY since, id", UsageTable::span, to.toEpochMilli(), from.toEpochMilli()));
    }

    /** The span state a provider's state stands for; null when it says nothing about charging (pending, unreachable, unknown, gone). */
    private static String stateOf(InstanceState s) {
        return switch (s) {
            case STARTING, RUNNING -> UsageSpan.RUNNING;
            // A machine on its way down is counted as stopped from the moment it was asked to stop.
            case STOPPING, STOPPED -> UsageSpan.STOPPED;
            // Pending says nothing either: a cloud machine being made (counted from its creation once seen running) or
            // a queued allocation or task (not charged).
            case PENDING, TERMINATED, UNREACHABLE, UNRECOGNIZED -> null;
        };
    }

    private void insert(String backend, Instance i, String state, long since) throws SQLException {
        int nodes = Math.max(1, tagNumber(i, "fastgpu:nodes", 1));
        db.update("INSERT INTO instance_usage (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)", backend, i.id(),
                i.name(), jobOf(i), i.instanceType(), i.tags().containsKey("aliyun:spot") ? 1 : 0, nodes, state, since,
                Math.max(0, tagNumber(i, io.fastgpu.core.spi.Tags.DISK_GB, 0)));
    }

    private static int tagNumber(Instance i, String tag, int otherwise) {
        try {
            return Integer.parseInt(i.tags().getOrDefault(tag, String.valueOf(otherwise)).strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private void close(String backend, String id, long at) throws SQLException {
        db.update("UPDATE instance_usage SET until = max(since, ?) WHERE backend = ? AND instance_id = ? AND until IS NULL",
                at, backend, id);
    }

    /** The job a machine belongs to: its {@code fastgpu:job} tag, else the JOB of a name {@code taskN.JOB}, else its name. */
    static String jobOf(Instance i) {
        String tagged = i.tags().get("fastgpu:job");
        if (tagged != null && !tagged.isBlank()) return tagged;
        return i.name().matches("task\\d+\\..+") ? i.name().substring(i.name().indexOf('.') + 1) : i.name();
    }

    private static UsageSpan span(java.sql.ResultSet rs) throws SQLException {
        return new UsageSpan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6) != 0, rs.getInt(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)),
                SqliteConnection.instantOrNull(rs, 10), rs.getInt(11));
    }
}
