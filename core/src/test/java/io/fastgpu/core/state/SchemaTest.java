package io.fastgpu.core.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class SchemaTest {
    @TempDir
    Path home;

    /** A file of schema version 1 (before runs knew their launcher) keeps its runs and gains the column. */
    @Test
    void migratesAVersionOneFileKeepingItsRuns() throws SQLException {
        long old;
        try (StateStore store = StateStore.open(home)) {
            old = store.startRun("job", "before", "local", "/runs/before", null);
            store.startStep(old, "train");
        }
        Path file = home.resolve("state.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE runs DROP COLUMN launcher");
            st.execute("PRAGMA user_version = 1");
        }

        try (StateStore store = StateStore.open(home)) {
            assertThat(userVersion(file)).isEqualTo(Schema.VERSION);
            assertThat(store.run(old).orElseThrow().status()).as("no launcher known: not judged").isEqualTo(RunRecord.RUNNING);
            assertThat(store.steps(old)).extracting(StepRecord::name).containsExactly("train");
            long next = store.startRun("job", "after", "local", "/runs/after", null);
            assertThat(next).isGreaterThan(old);
            assertThat(store.settleAbandonedRuns()).isZero();
        }
    }

    @Test
    void aFileAlreadyAtThisVersionIsOnlyRead() throws SQLException {
        StateStore.open(home).close();
        Path file = home.resolve("state.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            // Taken by another process: preparing the schema must not need the write lock.
            st.execute("BEGIN IMMEDIATE");
            try (SqliteConnection db = SqliteConnection.open(file)) {
                assertThatCode(() -> Schema.prepare(db, Duration.ofMillis(50))).doesNotThrowAnyException();
            }
            st.execute("ROLLBACK");
        }
    }

    private static int userVersion(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
