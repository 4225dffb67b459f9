package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.emulator.aliyun.InstanceView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Managed runs on the emulated Alibaba Cloud, with real SSH machines: the resumable example (two tasks, a
 * checkpoint each epoch) loses a spot machine in the middle of training, with and without the cloud's
 * termination notice, and the run's controller replaces only that machine and resumes training from the last
 * checkpoint; the controller itself killed with SIGKILL and carried on; a second reclaim during a recovery;
 * max_restarts reached; no stock for the replacement; two cancels at once.
 *
 * <p>The interruption trials are drawn from a seeded {@link Random}: {@code -Dfastgpu.spot.trials=N} (default 2)
 * sets how many, {@code -Dfastgpu.spot.seed=S} replays a failure (the seed is in every failure message).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one cloud and one client for all: the key pair and network are made once
class ManagedRecoveryTest {
    private static final String JOB = "resumable";
    private static final String KEY_ID = "LTAI-managed-test";
    private static final String SECRET = "emulated-secret-" + Long.toHexString(new SecureRandom().nextLong());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a machine may not answer before it counts as lost: short for the test, long enough for a loaded machine. */
    private static final int NODE_GRACE_SECONDS = 4;
    private static final Pattern RESUMED = Pattern.compile("rank 0: resumed from epoch (\\d+) \\(restart (\\d+)\\)");

    @TempDir static Path tmp;
    private EmulatedCloud cloud;
    private EmulatorConfig config;
    private Cli cli;
    private final long seed = Long.parseLong(System.getProperty("fastgpu.spot.seed", String.valueOf(new SecureRandom().nextLong())));

    @BeforeAll
    void setUp() throws IOException {
        config = EmulatorConfig.builder().accessKey(KEY_ID, SECRET).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(600)).stopLatency(Duration.ofMillis(300)).build();
        cloud = EmulatedCloud.start(config, 0, tmp.resolve("machines"), freePort());
        cli = new Cli(tmp.resolve("client"));
        Map<String, String> env = new LinkedHashMap<>(cloud.environment(KEY_ID, SECRET));
        env.put("FASTGPU_ALIYUN_THROTTLE_SECONDS", "10");
        env.put("FASTGPU_PREEMPT_GRACE_SECONDS", "2");
        env.put("FASTGPU_NODE_GRACE_SECONDS", String.valueOf(NODE_GRACE_SECONDS));
        env.put("USER", "tester");
        cli.env(env);
    }

    /** Each test starts from a finished run (its machines stopped, or none). */
    @AfterEach
    void endRun() {
        if (Files.isDirectory(cli.home().resolve("managed"))) cli.run("cancel", JOB, "--timeout", "60");
    }

    @AfterAll
    void tearDown() {
        try {
            if (!cloud.api().instances().isEmpty()) cli.run("kill", "--yes", "{" + JOB + "}");
        } finally {
            cloud.close();
        }
    }

    @Test
    void aSpotMachineTakenBackMidTrainingIsReplacedAloneAndTrainingResumesFromTheLastCheckpoint() throws Exception {
        int trials = Integer.getInteger("fastgpu.spot.trials", 2);
        writeJob(5, 10);
        Random random = new Random(seed);
        Map<String, Integer> tally = new LinkedHashMap<>();
        for (int n = 1; n <= trials; n++) {
            int victim = random.nextInt(2);
            int atEpoch = 1 + random.nextInt(4);
            long notice = random.nextBoolean() ? 0 : 1500;
            String trial = "trial " + n + " of " + trials + " (seed " + seed + "): task" + victim + " taken back after epoch "
                    + atEpoch + (notice > 0 ? " with a " + notice + " ms notice" : " without notice");
            CompletableFuture<Cli.Result> launch = launchManaged();
            awaitLog("rank 0: epoch " + atEpoch + " ", trial, launch);
            Map<String, String> before = ids();
            assertThat(before).as(trial).hasSize(2);
            String victimId = before.get("task" + victim + "." + JOB);
            if (notice > 0) cloud.api().testHooks().interruptSpotInstance(victimId, Duration.ofMillis(notice));
            else cloud.api().testHooks().interruptSpotInstance(victimId);
            Cli.Result r = launch.get(3, TimeUnit.MINUTES);
            String log = runLog();
            assertThat(r.exitCode()).as(trial + "\n" + r + "\n" + log).isZero();
            JsonNode state = state();
            assertThat(state.get("restarts").asInt()).as(trial + "\n" + log).isGreaterThanOrEqualTo(1);
            JsonNode rec = state.get("recoveries").get(0);
            assertThat(rec.get("task").asText()).as(trial + "\n" + log).isEqualTo("task" + victim);
            assertThat(rec.get("cause").asText()).as(trial).isIn("reclaimed", "preempted");
            Matcher m = RESUMED.matcher(log);
            if (victim == 0 && notice == 0) {
                // task0 (the one that writes checkpoints) gone without a word, on machines with disks of their own:
                // training resumes from the controller's copy, which follows task0 with a lag of about a second.
                // Never from a checkpoint that was not written, and from the copy the record names.
                if (m.find()) {
                    assertThat(Integer.parseInt(m.group(1))).as(trial + "\n" + log).isBetween(1, atEpoch);
                    assertThat(rec.get("resumedFrom").asText()).as(trial).isEqualTo("epoch " + m.group(1));
                } else {
                    assertThat(log).as(trial).contains("rank 0: no checkpoint, starting from epoch 0 (restart 1)");
                    assertThat(rec.get("resumedFrom").asText()).as(trial).isEmpty();
                }
            } else {
                // Resumed from the last checkpoint, not from epoch 0.
                assertThat(m.find()).as(trial + ": training never said it resumed\n" + log).isTrue();
                assertThat(Integer.parseInt(m.group(1))).as(trial + "\n" + log).isGreaterThanOrEqualTo(atEpoch);
                assertThat(rec.get("resumedFrom").asText()).as(trial).isEqualTo("epoch " + m.group(1));
            }
            assertThat(log).as(trial).contains("rank 0: epoch 10 ").contains("rank 1: done");
            if (notice > 0) {
                // The machine's watcher saw the notice on its metadata service: the rank there got SIGTERM, with the file.
                assertThat(log).as(trial + "\n" + log).contains("rank " + victim + ": SIGTERM (preempted: FASTGPU_PREEMPTED=1)");
            }
            // Only the lost machine was replaced; nothing is left over.
            Map<String, String> after = ids();
            assertThat(after).as(trial + ": instances left " + describe()).hasSize(2);
            int other = 1 - victim;
            assertThat(after.get("task" + other + "." + JOB)).as(trial + ": the untouched task kept its machine")
                    .isEqualTo(before.get("task" + other + "." + JOB));
            assertThat(after.get("task" + victim + "." + JOB)).as(trial).isNotEqualTo(victimId);
            awaitAllStopped(trial);
            assertThat(cli.run("runs").expectExit(0).out()).as(trial).contains("recovery 1: task" + victim);
            tally.merge(rec.get("cause").asText() + " of task" + victim, 1, Integer::sum);
            System.out.println(trial + ": " + log.lines().filter(l -> l.startsWith("--   ")).map(String::strip)
                    .collect(Collectors.joining("; ")));
        }
        System.out.println("spot interruption trials (seed " + seed + "): " + trials + " of " + trials + " completed and resumed: " + tally);
    }

    @Test
    void aControllerKilledWithSigkillIsCarriedOnByTheNextCommandWithoutBuyingTwice() throws Exception {
        writeJob(5, 8);
        CompletableFuture<Cli.Result> launch = launchManaged();
        awaitLog("rank 0: epoch 2 ", "controller kill", launch);
        Map<String, String> before = ids();
        long pid = Long.parseLong(Files.readString(cli.home().resolve("managed/" + JOB + "/controller.lock")).strip());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        awaitGone(pid);
        Cli.Result recover = cli.run("runs", "--recover").expectExit(0);
        // This command restarts it, unless the launch that follows the run noticed first and did.
        assertThat(recover.err() + recover.out()).containsAnyOf("started a new one", "has its controller");
        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = runLog();
        assertThat(r.exitCode()).as(r + "\n" + log).isZero();
        assertThat(ids()).as("no instance bought twice: " + describe()).isEqualTo(before);
        assertThat(state().get("controllers").asInt()).isEqualTo(2);
        Matcher m = RESUMED.matcher(log);
        assertThat(m.find()).as("carried on from the checkpoint\n" + log).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSecondReclaimDuringTheRecoveryIsRecoveredToo() throws Exception {
        writeJob(5, 8);
        CompletableFuture<Cli.Result> launch = launchManaged();
        awaitLog("rank 0: epoch 2 ", "second reclaim", launch);
        Map<String, String> before = ids();
        cloud.api().testHooks().interruptSpotInstance(before.get("task1." + JOB));
        awaitState("recovering", launch);
        cloud.api().testHooks().interruptSpotInstance(before.get("task0." + JOB));
        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = runLog();
        assertThat(r.exitCode()).as(r + "\n" + log).isZero();
        Map<String, String> after = ids();
        assertThat(after).hasSize(2);
        assertThat(after.values()).as("both replaced").doesNotContainAnyElementsOf(before.values());
        awaitAllStopped("second reclaim");
    }

    @Test
    void reachingMaxRestartsEndsTheRunFailedWithAfterApplied() throws Exception {
        writeJob(1, 30);
        CompletableFuture<Cli.Result> launch = launchManaged();
        awaitLog("rank 0: epoch 1 ", "max restarts", launch);
        cloud.api().testHooks().interruptSpotInstance(ids().get("task1." + JOB));
        awaitLog("(restart 1)", "max restarts", launch);
        cloud.api().testHooks().interruptSpotInstance(ids().get("task1." + JOB));
        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = runLog();
        assertThat(r.exitCode()).as(r + "\n" + log).isEqualTo(1);
        JsonNode state = state();
        assertThat(state.get("status").asText()).isEqualTo("failed");
        assertThat(state.get("message").asText()).contains("max_restarts (1) reached");
        assertThat(r.out()).contains("Run " + JOB + " failed");
        // Every machine accounted for: the two of the job, stopped ('after: stop'), the reclaimed ones released.
        assertThat(ids()).as(describe()).hasSize(2);
        awaitAllStopped("after");
    }

    @Test
    void withNoStockTheSurvivorsAreStoppedAndTheReplacementIsTriedAgain() throws Exception {
        writeJob(5, 8);
        CompletableFuture<Cli.Result> launch = launchManaged();
        awaitLog("rank 0: epoch 2 ", "no stock", launch);
        Map<String, String> before = ids();
        InstanceView task0 = cloud.api().instances().stream().filter(v -> v.instanceName().equals("task0." + JOB)).findFirst().orElseThrow();
        setCapacity(task0.instanceType(), 0);
        try {
            cloud.api().testHooks().interruptSpotInstance(before.get("task1." + JOB));
            awaitState("waiting", launch);
            JsonNode waiting = state();
            assertThat(waiting.get("message").asText()).contains("no machine for task1").contains("stopped");
            awaitInstanceStatus("task0." + JOB, "Stopped", launch);
        } finally {
            setCapacity(task0.instanceType(), -1);
        }
        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = runLog();
        assertThat(r.exitCode()).as(r + "\n" + log).isZero();
        assertThat(ids().get("task0." + JOB)).as("the survivor was stopped, not released").isEqualTo(before.get("task0." + JOB));
    }

    @Test
    void aMachineThatStopsAnsweringWhileTheCloudListsItRunningIsReplacedAlone() throws Exception {
        writeJob(5, 8);
        CompletableFuture<Cli.Result> launch = launchManaged();
        awaitLog("rank 0: epoch 2 ", "hang", launch);
        Map<String, String> before = ids();
        long hungAt = System.nanoTime();
        cloud.machines().hang(before.get("task1." + JOB)); // its processes stopped, its SSH silent; still Running
        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = runLog();
        assertThat(r.exitCode()).as(r + "\n" + log).isZero();
        assertThat(log).contains("task1." + JOB + " has not answered for " + NODE_GRACE_SECONDS + " s: it counts as lost");
        JsonNode rec = state().get("recoveries").get(0);
        assertThat(rec.get("task").asText()).isEqualTo("task1");
        assertThat(rec.get("cause").asText()).isEqualTo("node-lost");
        Map<String, String> after = ids();
        assertThat(after.get("task0." + JOB)).as("task0 kept its machine").isEqualTo(before.get("task0." + JOB));
        assertThat(after.get("task1." + JOB)).as("task1 replaced").isNotEqualTo(before.get("task1." + JOB));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - hungAt)).as("ended well before a TCP timeout").isLessThan(120);
        Matcher m = RESUMED.matcher(log);
        assertThat(m.find()).as(log).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(2);
        awaitAllStopped("hang");
    }

    @Test
    void twoCancelsAtOnceEndTheRunOnceWithAfterApplied() throws Exception {
        writeJob(1, 60);
        CompletableFuture<Cli.Result> launch = launchManaged();
        awaitLog("rank 0: epoch 1 ", "cancel", launch);
        CompletableFuture<Cli.Result> a = CompletableFuture.supplyAsync(() -> cli.run("cancel", JOB));
        CompletableFuture<Cli.Result> b = CompletableFuture.supplyAsync(() -> cli.run("cancel", JOB));
        assertThat(a.get(2, TimeUnit.MINUTES).exitCode()).as(a.get().toString()).isZero();
        assertThat(b.get(2, TimeUnit.MINUTES).exitCode()).as(b.get().toString()).isZero();
        Cli.Result r = launch.get(2, TimeUnit.MINUTES);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(state().get("status").asText()).isEqualTo("cancelled");
        awaitAllStopped("after");
    }

    @Test
    void aManagedJobWithRecoveryWhoseStepRunsEverywhereWithoutALauncherIsRefusedInOneLine() {
        cli.job("plain", """
                name: plain
                machines: 2
                recovery: {on: [node-lost], max_restarts: 2}
                steps:
                  - {name: train, run: python3 train.py, on: all}
                """);
        Cli.Result r = cli.run("launch", "plain", "--managed");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("step 'train' runs on every task without a launcher").contains("launcher: env");
        assertThat(cli.home().resolve("managed/plain")).doesNotExist();
    }

    // ---- helpers ----

    private void writeJob(int maxRestarts, int epochs) throws IOException {
        cli.write(JOB + "/train.py", Files.readString(Path.of("..", "examples", "resumable", "train.py").toAbsolutePath()));
        cli.job(JOB, """
                name: %s
                machines: 2
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge, spot: true}
                managed: true
                recovery:
                  on: [preemption, node-lost]
                  max_restarts: %d
                  checkpoint_dir: ckpt
                upload: [train.py]
                env: {EPOCHS: "%d", EPOCH_SECONDS: "0.4"}
                steps:
                  - {name: train, launcher: env, nproc_per_node: 1, run: python3 train.py}
                after: stop
                """.formatted(JOB, maxRestarts, epochs));
    }

    private CompletableFuture<Cli.Result> launchManaged() throws IOException {
        // The last test's run (finished) is replaced by this one: its output must not be taken for this one's.
        Files.deleteIfExists(cli.home().resolve("managed/" + JOB + "/run.log"));
        return CompletableFuture.supplyAsync(() -> cli.run("launch", JOB, "--yes"));
    }

    private String runLog() throws IOException {
        Path log = cli.home().resolve("managed/" + JOB + "/run.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private String controllerLog() throws IOException {
        Path log = cli.home().resolve("managed/" + JOB + "/controller.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private JsonNode state() throws IOException {
        return JSON.readTree(cli.home().resolve("managed/" + JOB + "/state.json").toFile());
    }

    private void awaitLog(String text, String what, CompletableFuture<Cli.Result> launch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (runLog().contains(text)) return;
            if (launch.isDone()) break;
            Thread.sleep(50);
        }
        throw new AssertionError(what + " (seed " + seed + "): never saw '" + text + "'\n" + (launch.isDone() ? launch.get() : "")
                + "\n--- run.log ---\n" + runLog() + "\n--- controller.log ---\n" + controllerLog());
    }

    private void awaitState(String status, CompletableFuture<Cli.Result> launch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !launch.isDone()) {
            try {
                if (state().get("status").asText().equals(status)) return;
            } catch (IOException e) {
                // being written
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the run never was " + status + "\n" + runLog() + "\n" + controllerLog());
    }

    private void awaitInstanceStatus(String name, String status, CompletableFuture<Cli.Result> launch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !launch.isDone()) {
            if (cloud.api().instances().stream().anyMatch(v -> v.instanceName().equals(name) && v.status().equals(status))) return;
            Thread.sleep(50);
        }
        throw new AssertionError(name + " never was " + status + ": " + describe());
    }

    /** 'after: stop' was applied: every instance is (or is about to be) stopped. */
    private void awaitAllStopped(String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (cloud.api().instances().stream().allMatch(v -> v.status().equals("Stopped"))) return;
            Thread.sleep(50);
        }
        throw new AssertionError(what + " (seed " + seed + "): not every instance stopped: " + describe());
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(50);
    }

    /** Task name → instance id of the job's instances; fails when a name is taken twice. */
    private Map<String, String> ids() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (InstanceView v : cloud.api().instances()) {
            if (ids.put(v.instanceName(), v.instanceId()) != null) {
                throw new AssertionError("two instances named " + v.instanceName() + " (seed " + seed + "): " + describe());
            }
        }
        return ids;
    }

    /** Sets how many instances of {@code type} every zone holds (-1: as configured). */
    private void setCapacity(String type, int capacity) {
        for (var region : config.regions()) {
            for (var zone : region.zones()) {
                cloud.api().testHooks().setCapacity(zone.zoneId(), type, capacity >= 0 ? capacity : zone.capacity().getOrDefault(type, 0));
            }
        }
    }

    private String describe() {
        return cloud.api().instances().stream().map(v -> v.instanceName() + " " + v.instanceId() + " " + v.status())
                .collect(Collectors.joining(", "));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
