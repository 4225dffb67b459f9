package io.fastgpu.core.state;

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
import java.util.List;

/**
 * The one connection of a state store to {@code state.db}: reads and write transactions, retried while the
 * database is busy, and the statements the tables use.
 *
 * <p>A write is one short transaction begun with {@code BEGIN IMMEDIATE}, which takes the write lock up front
 * rather than upgrading a read lock (two processes upgrading at once would deadlock). A read runs outside a
 * transaction and writes nothing, so it also works on a file this process may not write. {@link #read} and
 * {@link #write} are synchronized, so threads may share the connection; the statement methods are meant to be
 * called only inside them.
 */
final class SqliteConnection implements AutoCloseable {
    /** Maps the current row of a result to a value. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Path file;
    private final Connection conn;

    private SqliteConnection(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** Connects to {@code file}, which SQLite creates when first written. */
    static SqliteConnection open(Path file) {
        try {
            return new SqliteConnection(file, DriverManager.getConnection("jdbc:sqlite:" + file));
        } catch (SQLException e) {
            throw StateDatabaseErrors.of(file, e, Duration.ZERO);
        }
    }

    Path file() {
        return file;
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction, retried whole while the database is busy. */
    synchronized <T> T write(Retrying.Work<T> work) {
        return Retrying.run(file, () -> {
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

    /** Runs {@code work}, which must not write, outside a transaction, retried while the database is busy. */
    synchronized <T> T read(Retrying.Work<T> work) {
        return Retrying.run(file, work);
    }

    // ---- statements, for use inside read or write ----

    void execute(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs an UPDATE, INSERT or DELETE and returns the number of rows it changed. */
    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Runs one statement for each of {@code rows} (prepared once) and returns how many rows they changed in all. */
    int batch(String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) return 0;
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (Object[] args : rows) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                ps.addBatch();
            }
            int changed = 0;
            for (int n : ps.executeBatch()) changed += Math.max(n, 0);
            return changed;
        }
    }

    /** Runs an INSERT and returns the new row's id. */
    long insert(String sql, Object... args) throws SQLException {
        return query(sql + " RETURNING id", rs -> rs.getLong(1), args).get(0);
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
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

    /** Closes the connection; the file stays. */
    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw StateDatabaseErrors.of(file, e, Duration.ZERO);
        }
    }

    // ---- columns that may be NULL ----

    static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        Long millis = longOrNull(rs, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
