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

    /** A file of schema version 5 (usage spans without disk sizes) keeps its spans, of unknown disk, and records sizes after. */
    @Test
    void migratesAVersionFiveFileKeepingItsUsage() throws SQLException {
        io.fastgpu.api.Instance before = new io.fastgpu.api.Instance("i-1", "task0.a", "aliyun", io.fastgpu.api.InstanceState.RUNNING,
                "ecs.g7.xlarge", "", "", "", java.time.Instant.now(), java.util.Map.of("fastgpu:disk_gb", "120"));
        try (StateStore store = StateStore.open(home)) {
            store.upsertInstances("aliyun", java.util.List.of(before));
        }
        Path file = home.resolve("state.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE instance_usage DROP COLUMN disk_gb");
            st.execute("PRAGMA user_version = 5");
        }

        try (StateStore store = StateStore.open(home)) {
            assertThat(userVersion(file)).isEqualTo(Schema.VERSION);
            java.time.Instant now = java.time.Instant.now().plusSeconds(1);
            assertThat(store.usage(java.time.Instant.EPOCH, now)).singleElement()
                    .satisfies(u -> assertThat(u.diskGb()).as("not known before").isZero());
            store.upsertInstances("aliyun", java.util.List.of(before.withState(io.fastgpu.api.InstanceState.STOPPED)));
            assertThat(store.usage(java.time.Instant.EPOCH, now.plusSeconds(1))).extracting(UsageSpan::state, UsageSpan::diskGb)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(UsageSpan.RUNNING, 0),
                            org.assertj.core.groups.Tuple.tuple(UsageSpan.STOPPED, 120));
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
