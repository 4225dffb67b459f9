package io.fastgpu.core.state;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class StateStoreTest {
    @TempDir
    Path home;

    @Test
    void createsTheFolderAndAWalDatabaseWithTheSchemaVersion() throws SQLException {
        Path nested = home.resolve("a/b");
        try (StateStore store = StateStore.open(nested)) {
            assertThat(store.file()).isEqualTo(nested.resolve("state.db")).exists();
        }
        assertThat(pragma(nested.resolve("state.db"), "journal_mode")).isEqualTo("wal");
        assertThat(pragma(nested.resolve("state.db"), "user_version")).isEqualTo(String.valueOf(StateStore.SCHEMA_VERSION));
        try (StateStore again = StateStore.open(nested)) {
            assertThat(again.runs(10)).isEmpty();
        }
    }

    @Test
    void instancesRoundTripWithTagsThatNeedEscaping() {
        Map<String, String> tags = Map.of("fastgpu:job", "gtc-demo", "odd=key", "line\nbreak", "pct", "100% + a=b",
                "empty", "", "ünï", "☃");
        Instance machine = new Instance("i-1", "task0.gtc-demo", "aws", InstanceState.STOPPED, "p3.16xlarge",
                "V100 x 8", "54.1.2.3", "10.0.0.1", Instant.ofEpochMilli(1_700_000_000_123L), tags);
        try (StateStore store = StateStore.open(home)) {
            store.upsertInstances("aws", List.of(machine));
            assertThat(store.instances("aws")).containsExactly(machine);
            assertThat(store.instances("ssh")).isEmpty();
        }
    }

    @Test
    void upsertReplacesOnlyThatBackendsMachines() {
        try (StateStore store = StateStore.open(home)) {
            store.upsertInstances("aws", List.of(machine("aws", "a1"), machine("aws", "a2")));
            store.upsertInstances("local", List.of(machine("local", "l1")));

            store.upsertInstances("aws", List.of(machine("aws", "a2").withState(InstanceState.STOPPED),
                    machine("aws", "a3")));

            assertThat(store.instances("aws")).containsExactly(
                    machine("aws", "a2").withState(InstanceState.STOPPED), machine("aws", "a3"));
            assertThat(store.instances("local")).containsExactly(machine("local", "l1"));

            store.upsertInstances("aws", List.of());
            assertThat(store.instances("aws")).isEmpty();
            assertThat(store.instances("local")).containsExactly(machine("local", "l1"));
        }
    }

    @Test
    void upsertRejectsAMachineOfAnotherBackend() {
        try (StateStore store = StateStore.open(home)) {
            assertThatThrownBy(() -> store.upsertInstances("aws", List.of(machine("local", "l1"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l1");
            assertThat(store.instances("aws")).isEmpty();
            assertThat(store.instances("local")).isEmpty();
        }
    }

    @Test
    void recordJobInsertsThenUpdates() throws InterruptedException {
        try (StateStore store = StateStore.open(home)) {
            store.recordJob("gtc-demo", "aws", 2);
            store.recordJob("other", "local", 1);
            JobRecord first = store.jobs().stream().filter(j -> j.name().equals("gtc-demo")).findFirst().orElseThrow();
            Thread.sleep(5);

            store.recordJob("gtc-demo", "aws", 4);

            List<JobRecord> jobs = store.jobs();
            assertThat(jobs).hasSize(2);
            JobRecord updated = jobs.get(0);
            assertThat(updated.name()).isEqualTo("gtc-demo");
            assertThat(updated.backend()).isEqualTo("aws");
            assertThat(updated.numTasks()).isEqualTo(4);
            assertThat(updated.createdAt()).isEqualTo(first.createdAt());
            assertThat(updated.updatedAt()).isAfter(first.updatedAt());
        }
    }

    @Test
    void runRoundTripFromStartToFinish() {
        try (StateStore store = StateStore.open(home)) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            long id = store.startRun("gtc-demo", "gtc-demo.01", "aws", "/ncluster/runs/gtc-demo.01", "/tmp/gtc.log");
            Instant afterStart = Instant.now();

            RunRecord running = store.run(id).orElseThrow();
            assertThat(running).isEqualTo(new RunRecord(id, "gtc-demo", "gtc-demo.01", "aws",
                    "/ncluster/runs/gtc-demo.01", "/tmp/gtc.log", running.startedAt(), null, RunRecord.RUNNING, null));
            assertThat(running.startedAt()).isBetween(before, afterStart);

            store.finishRun(id, RunRecord.FAILED, 3);

            RunRecord finished = store.run(id).orElseThrow();
            assertThat(finished.status()).isEqualTo(RunRecord.FAILED);
            assertThat(finished.exitCode()).isEqualTo(3);
            assertThat(finished.finishedAt()).isAfterOrEqualTo(finished.startedAt()).isBeforeOrEqualTo(Instant.now());
            assertThat(finished.localLog()).isEqualTo("/tmp/gtc.log");

            long interrupted = store.startRun("j", "r", "local", "/logs/r", null);
            store.finishRun(interrupted, RunRecord.INTERRUPTED, null);
            assertThat(store.run(interrupted).orElseThrow())
                    .extracting(RunRecord::status, RunRecord::exitCode, RunRecord::localLog)
                    .containsExactly(RunRecord.INTERRUPTED, null, null);
            assertThat(store.run(interrupted + 1)).isEmpty();
        }
    }

    @Test
    void finishRunRejectsUnknownRunsAndStatuses() {
        try (StateStore store = StateStore.open(home)) {
            long id = store.startRun("j", "r", "local", "/logs/r", null);
            assertThatThrownBy(() -> store.finishRun(id + 1, RunRecord.SUCCEEDED, 0))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("no run " + (id + 1))
                    .hasMessageContaining(store.file().toString());
            assertThatThrownBy(() -> store.finishRun(id, RunRecord.RUNNING, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.finishRun(id, "done", 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.run(id).orElseThrow().status()).isEqualTo(RunRecord.RUNNING);
        }
    }

    @Test
    void runsAreListedNewestFirstUpToTheLimit() {
        try (StateStore store = StateStore.open(home)) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(store.startRun("j", "r" + i, "local", "/logs/r" + i, null));
            }
            assertThat(store.runs(3)).extracting(RunRecord::id).containsExactly(ids.get(4), ids.get(3), ids.get(2));
            assertThat(store.runs(100)).extracting(RunRecord::runName).containsExactly("r4", "r3", "r2", "r1", "r0");
            assertThatThrownBy(() -> store.runs(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void latestRunMatchesTheRunNameOrTheLogdirsLastSegment() {
        try (StateStore store = StateStore.open(home)) {
            long old = store.startRun("gtc-demo", "train", "aws", "/ncluster/runs/gtc-demo.01", null);
            long newer = store.startRun("gtc-demo", "train", "aws", "/ncluster/runs/gtc-demo.02/", null);
            long other = store.startRun("other", "eval", "local", "C:\\fastgpu\\runs\\eval.07", null);

            assertThat(store.latestRun("train")).map(RunRecord::id).contains(newer);
            assertThat(store.latestRun("gtc-demo.01")).map(RunRecord::id).contains(old);
            assertThat(store.latestRun("gtc-demo.02")).map(RunRecord::id).contains(newer);
            assertThat(store.latestRun("eval.07")).map(RunRecord::id).contains(other);
            assertThat(store.latestRun("eval")).map(RunRecord::id).contains(other);
            assertThat(store.latestRun("runs")).isEmpty();
            assertThat(store.latestRun("gtc-demo")).isEmpty();
        }
    }

    @Test
    void stepsAreNumberedInOrderWithinTheirRun() {
        try (StateStore store = StateStore.open(home)) {
            long run = store.startRun("j", "r", "local", "/logs/r", null);
            long otherRun = store.startRun("j", "r2", "local", "/logs/r2", null);
            long init = store.startStep(run, "init");
            long elsewhere = store.startStep(otherRun, "init");
            long upload = store.startStep(run, "upload");
            long train = store.startStep(run, "train");
            store.finishStep(init, 0, Duration.ofMillis(1500));
            store.finishStep(upload, 2, Duration.ofSeconds(3));

            List<StepRecord> steps = store.steps(run);
            assertThat(steps).extracting(StepRecord::id).containsExactly(init, upload, train);
            assertThat(steps).extracting(StepRecord::seq).containsExactly(1, 2, 3);
            assertThat(steps).extracting(StepRecord::name).containsExactly("init", "upload", "train");
            assertThat(steps).extracting(StepRecord::exitCode).containsExactly(0, 2, null);
            assertThat(steps).extracting(StepRecord::elapsedMillis).containsExactly(1500L, 3000L, null);
            assertThat(steps.get(0).finishedAt()).isAfterOrEqualTo(steps.get(0).startedAt());
            assertThat(steps.get(2).finishedAt()).isNull();
            assertThat(steps).allSatisfy(s -> assertThat(s.runId()).isEqualTo(run));
            assertThat(store.steps(otherRun)).singleElement()
                    .satisfies(s -> assertThat(s.id()).isEqualTo(elsewhere))
                    .satisfies(s -> assertThat(s.seq()).isEqualTo(1));
        }
    }

    @Test
    void stepsOfUnknownRunsOrStepsAreNotFound() {
        try (StateStore store = StateStore.open(home)) {
            assertThatThrownBy(() -> store.startStep(42, "init")).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("no run 42");
            assertThatThrownBy(() -> store.finishStep(7, 0, Duration.ZERO)).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("no step 7");
            assertThat(store.steps(42)).isEmpty();
        }
    }

    @Test
    void eventsRoundTripInOrder() {
        try (StateStore store = StateStore.open(home)) {
            long run = store.startRun("j", "r", "local", "/logs/r", null);
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            store.appendEvent(run, "notice", "Reusing task0.gtc-demo (stopped, starting it)");
            store.appendEvent(null, "notice", "not about a run");
            store.appendEvent(run, "error", "task1 exited 1\nsecond line");

            List<EventRecord> events = store.events(run);
            assertThat(events).extracting(EventRecord::kind, EventRecord::text).containsExactly(
                    tuple("notice", "Reusing task0.gtc-demo (stopped, starting it)"),
                    tuple("error", "task1 exited 1\nsecond line"));
            assertThat(events).allSatisfy(e -> {
                assertThat(e.runId()).isEqualTo(run);
                assertThat(e.at()).isBetween(before, Instant.now());
            });
            assertThat(events.get(0).id()).isLessThan(events.get(1).id());
            assertThatThrownBy(() -> store.appendEvent(run + 1, "notice", "x")).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aReopenedStoreSeesEverything() {
        long run;
        long step;
        try (StateStore store = StateStore.open(home)) {
            store.upsertInstances("local", List.of(machine("local", "l1")));
            store.recordJob("j", "local", 1);
            run = store.startRun("j", "r", "local", "/logs/r", "/tmp/r.log");
            step = store.startStep(run, "init");
            store.finishStep(step, 0, Duration.ofMillis(10));
            store.appendEvent(run, "notice", "hello");
            store.finishRun(run, RunRecord.SUCCEEDED, 0);
        }
        try (StateStore store = StateStore.open(home)) {
            assertThat(store.instances("local")).containsExactly(machine("local", "l1"));
            assertThat(store.jobs()).extracting(JobRecord::name).containsExactly("j");
            assertThat(store.run(run)).map(RunRecord::status).contains(RunRecord.SUCCEEDED);
            assertThat(store.steps(run)).extracting(StepRecord::id).containsExactly(step);
            assertThat(store.events(run)).extracting(EventRecord::text).containsExactly("hello");
            assertThat(store.startRun("j", "r", "local", "/logs/r", null)).isGreaterThan(run);
        }
    }

    @Test
    void refusesAFileThatIsNotAStateDatabase() throws IOException, SQLException {
        Path garbage = home.resolve("garbage");
        Files.createDirectories(garbage);
        Files.writeString(garbage.resolve("state.db"), "this is not a database, it is a rather long text file ".repeat(20));
        assertThatThrownBy(() -> StateStore.open(garbage)).isInstanceOf(FastGpuException.class)
                .hasMessage("state database " + garbage.resolve("state.db")
                        + " is not a FastGPU state database; move it aside and FastGPU will create a new one");

        Path foreign = home.resolve("foreign");
        Files.createDirectories(foreign);
        try (Connection c = connect(foreign.resolve("state.db")); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE photos (id INTEGER)");
        }
        assertThatThrownBy(() -> StateStore.open(foreign)).isInstanceOf(FastGpuException.class)
                .hasMessageContaining(foreign.resolve("state.db") + " is not a FastGPU state database");
    }

    @Test
    void aStateDatabaseThatCannotBeOpenedSaysSoInOneLine() throws IOException {
        Files.createDirectories(home.resolve("state.db"));
        assertThatThrownBy(() -> StateStore.open(home)).isInstanceOf(FastGpuException.class)
                .hasMessage("state database " + home.resolve("state.db") + " cannot be opened; check that it is a file"
                        + " and that " + home + " is writable");
    }

    @Test
    void refusesANewerSchema() throws SQLException {
        StateStore.open(home).close();
        try (Connection c = connect(home.resolve("state.db")); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = " + (StateStore.SCHEMA_VERSION + 1));
        }
        assertThatThrownBy(() -> StateStore.open(home)).isInstanceOf(FastGpuException.class)
                .hasMessageContaining(home.resolve("state.db").toString()).hasMessageContaining("upgrade fastgpu");
    }

    @Test
    void aWriteWaitsOutABriefLockAndRetries() throws Exception {
        try (StateStore store = StateStore.open(home, Duration.ofMillis(100));
             Connection blocker = connect(home.resolve("state.db"));
             Statement st = blocker.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            CompletableFuture<Long> write = CompletableFuture.supplyAsync(
                    () -> store.startRun("j", "r", "local", "/logs/r", null));
            Thread.sleep(250);
            assertThat(write).isNotDone();
            st.execute("COMMIT");

            long id = write.get(10, TimeUnit.SECONDS);
            assertThat(store.run(id)).isPresent();
        }
    }

    @Test
    void aWriteThatStaysLockedFailsWithAOneLineMessage() throws SQLException {
        try (StateStore store = StateStore.open(home, Duration.ofMillis(50));
             Connection blocker = connect(home.resolve("state.db"));
             Statement st = blocker.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            assertThatThrownBy(() -> store.appendEvent(null, "notice", "x"))
                    .isInstanceOf(FastGpuException.class)
                    .hasMessageStartingWith("state database " + store.file() + " is locked by another process for ")
                    .hasMessageEndingWith("s; retry when other fastgpu commands finish")
                    .hasMessageNotContaining("\n");
            st.execute("ROLLBACK");
            store.appendEvent(null, "notice", "x");
        }
    }

    /**
     * Eight processes write at once, all released together once each has opened the store; every write must land.
     */
    @Test
    void concurrentProcessesLoseNoWrite() throws Exception {
        int writers = 8;
        int count = 100;
        Path logs = Files.createDirectories(home.resolve("logs"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            processes.add(new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                    "-cp", System.getProperty("java.class.path"), ConcurrentWriterMain.class.getName(),
                    home.toString(), String.valueOf(w), String.valueOf(count))
                    .redirectOutput(logs.resolve(w + ".out").toFile())
                    .redirectError(logs.resolve(w + ".err").toFile())
                    .start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (IntStream.range(0, writers).anyMatch(w -> !Files.exists(home.resolve("ready-" + w))
                && processes.get(w).isAlive()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Files.createFile(home.resolve("go"));
        List<Long> runIds = new ArrayList<>();
        List<Long> stepIds = new ArrayList<>();
        int interleavedWriters = 0;
        for (int w = 0; w < writers; w++) {
            Process p = processes.get(w);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String stderr = Files.readString(logs.resolve(w + ".err"));
            assertThat(p.exitValue()).as("writer %d exit code; its stderr:%n%s", w, stderr).isZero();
            List<Long> ownRuns = new ArrayList<>();
            for (String line : Files.readAllLines(logs.resolve(w + ".out"))) {
                String[] parts = line.split(" ");
                (parts[0].equals("run") ? ownRuns : stepIds).add(Long.parseLong(parts[1]));
            }
            runIds.addAll(ownRuns);
            if (!ownRuns.isEmpty() && ownRuns.get(ownRuns.size() - 1) - ownRuns.get(0) >= ownRuns.size()) {
                interleavedWriters++;
            }
        }
        assertThat(interleavedWriters).as("writers whose runs interleave with another's").isPositive();

        assertThat(runIds).hasSize(writers * count).doesNotHaveDuplicates();
        assertThat(stepIds).hasSize(writers * count * 2).doesNotHaveDuplicates();
        try (StateStore store = StateStore.open(home)) {
            List<RunRecord> runs = store.runs(Integer.MAX_VALUE);
            assertThat(runs).extracting(RunRecord::id).containsExactlyInAnyOrderElementsOf(runIds);
            assertThat(runs).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(RunRecord.SUCCEEDED);
                assertThat(r.exitCode()).isZero();
            });
            Set<Long> storedSteps = new HashSet<>();
            for (RunRecord r : runs) {
                List<StepRecord> steps = store.steps(r.id());
                assertThat(steps).extracting(StepRecord::seq, StepRecord::name, StepRecord::exitCode).containsExactly(
                        tuple(1, "upload", 0),
                        tuple(2, "train", 0));
                steps.forEach(s -> storedSteps.add(s.id()));
                assertThat(store.events(r.id())).extracting(EventRecord::text).containsExactly(r.runName());
            }
            assertThat(storedSteps).containsExactlyInAnyOrderElementsOf(stepIds);
            for (int w = 0; w < writers; w++) {
                String backend = "b" + w;
                assertThat(store.instances(backend)).containsExactlyInAnyOrder(
                        ConcurrentWriterMain.machine(backend, count - 1), ConcurrentWriterMain.machine(backend, count));
            }
            Map<String, Integer> tasksByJob = store.jobs().stream()
                    .collect(Collectors.toMap(j -> j.name() + "@" + j.backend(), JobRecord::numTasks));
            assertThat(tasksByJob).hasSize(writers + 1).containsKey("shared@local");
            IntStream.range(0, writers).forEach(w -> assertThat(tasksByJob).containsEntry("job" + w + "@b" + w, count - 1));
        }
    }

    private static Instance machine(String backend, String id) {
        return new Instance(id, "task0." + id, backend, InstanceState.RUNNING, "t2.micro", null, "", "10.0.0.9",
                Instant.ofEpochMilli(1_000), Map.of("fastgpu:job", id));
    }

    private static Connection connect(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    @Test
    void aRunWhoseLauncherDiedWithoutAWordReadsAsInterruptedAndOneStillGoingDoesNot() throws Exception {
        try (StateStore store = StateStore.open(home)) {
            long killed = store.startRun("job", "killed", "local", "/runs/killed", null);
            long going = store.startRun("job", "going", "local", "/runs/going", null);
            long elsewhere = store.startRun("job", "elsewhere", "local", "/runs/elsewhere", null);
            store.finishStep(store.startStep(killed, "upload"), 0, Duration.ofMillis(5));
            Thread.sleep(5);
            store.appendEvent(killed, "notice", "last words");
            Instant lastWords = store.events(killed).get(0).at();
            String dead = deadLauncher();
            setLauncher(killed, dead);
            setLauncher(elsewhere, dead.replaceFirst("^[^:]*", "another-boot"));

            RunRecord read = store.run(killed).orElseThrow();
            assertThat(read.status()).isEqualTo(RunRecord.INTERRUPTED);
            assertThat(read.finishedAt()).as("when it was last heard from").isEqualTo(lastWords);
            assertThat(read.exitCode()).isNull();
            assertThat(store.latestRun("killed")).contains(read);
            assertThat(store.runs(10)).contains(read);
            assertThat(store.latestRun("going").orElseThrow().status()).isEqualTo(RunRecord.RUNNING); // this JVM
            assertThat(store.run(elsewhere).orElseThrow().status()).isEqualTo(RunRecord.RUNNING); // not ours to judge
            assertThat(storedStatus(killed)).as("reading wrote nothing").isEqualTo(RunRecord.RUNNING);

            assertThat(store.settleAbandonedRuns()).isEqualTo(1);
            assertThat(storedStatus(killed)).isEqualTo(RunRecord.INTERRUPTED);
            assertThat(store.run(killed)).contains(read);
            assertThat(storedStatus(going)).isEqualTo(RunRecord.RUNNING);
            assertThat(storedStatus(elsewhere)).isEqualTo(RunRecord.RUNNING);
            assertThat(store.settleAbandonedRuns()).isZero();
        }
    }

    /**
     * Reads write nothing: a store on a file this process cannot write reads everything, an abandoned run included,
     * and a write fails with one line that says why.
     */
    @Test
    void aReadOnlyDatabaseFileCanBeReadAndAWriteSaysItIsReadOnly() throws Exception {
        long killed;
        try (StateStore store = StateStore.open(home)) {
            store.upsertInstances("local", List.of(machine("local", "l1")));
            store.recordJob("job", "local", 1);
            killed = store.startRun("job", "killed", "local", "/runs/killed", "/tmp/killed.log");
            store.startStep(killed, "train");
            store.appendEvent(killed, "notice", "hello");
        }
        setLauncher(killed, deadLauncher());
        Path file = home.resolve("state.db");
        try (TestMounts.Mount readOnly = TestMounts.readOnly(file); StateStore store = StateStore.open(home)) {
            assertThat(store.run(killed).orElseThrow().status()).isEqualTo(RunRecord.INTERRUPTED);
            assertThat(store.latestRun("killed").orElseThrow().status()).isEqualTo(RunRecord.INTERRUPTED);
            assertThat(store.runs(5)).extracting(RunRecord::id).containsExactly(killed);
            assertThat(store.steps(killed)).extracting(StepRecord::name).containsExactly("train");
            assertThat(store.events(killed)).extracting(EventRecord::text).containsExactly("hello");
            assertThat(store.jobs()).extracting(JobRecord::name).containsExactly("job");
            assertThat(store.instances("local")).containsExactly(machine("local", "l1"));

            assertThatThrownBy(() -> store.appendEvent(killed, "notice", "x")).isInstanceOf(FastGpuException.class)
                    .hasMessage("state database " + file + " is read-only; make it and its folder " + home
                            + " writable, or set FASTGPU_HOME to a writable folder");
        }
        assertThat(storedStatus(killed)).isEqualTo(RunRecord.RUNNING);
    }

    /** A full disk: the write fails with one line naming the cause and the cure, and what was written stays. */
    @Test
    void aWriteToAFullDiskSaysSoInOneLine() throws Exception {
        StateStore.open(home).close(); // the native library comes from here, not from the small disk
        Path small = Files.createDirectories(home.resolve("small"));
        try (TestMounts.Mount tmpfs = TestMounts.tmpfs(small, "256k"); StateStore store = StateStore.open(small)) {
            long run = store.startRun("job", "big", "local", "/runs/big", null);
            String text = "x".repeat(32 * 1024);
            int written = 0;
            FastGpuException failure = null;
            while (failure == null && written < 100) {
                try {
                    store.appendEvent(run, "notice", text);
                    written++;
                } catch (FastGpuException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("a write to a 256 KiB disk, after %d events of 32 KiB", written).isNotNull()
                    .hasMessage("state database " + store.file() + " is full (disk full?); free space in FASTGPU_HOME ("
                            + small + ")");
            assertThat(store.events(run)).hasSize(written);
        }
    }

    /** {@code bootId:pid:start} of a process of this boot that has exited. */
    private static String deadLauncher() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        p.waitFor();
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip() + ":" + p.pid() + ":" + start;
    }

    private void setLauncher(long runId, String launcher) throws SQLException {
        try (Connection c = connect(home.resolve("state.db"));
             var ps = c.prepareStatement("UPDATE runs SET launcher = ? WHERE id = ?")) {
            ps.setString(1, launcher);
            ps.setLong(2, runId);
            assertThat(ps.executeUpdate()).isOne();
        }
    }

    /** The status as stored in the file, read past the store. */
    private String storedStatus(long runId) throws SQLException {
        try (Connection c = connect(home.resolve("state.db")); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM runs WHERE id = " + runId)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static String pragma(Path file, String name) throws SQLException {
        try (Connection c = connect(file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
