package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fastgpu.core.state.StateStore;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.emulator.aliyun.InstanceView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fastgpu launch} of a two-machine job on the emulated Alibaba Cloud, killed with SIGKILL again and again at
 * random moments of provisioning, upload and training, and launched again each time: no instance is ever
 * duplicated or replaced, every instance the cloud has is one {@code ls} shows, and the launch that is finally
 * left alone completes, reusing the same two machines, with the right result.
 *
 * <p>The moments come from a seeded {@link Random}; every failure names the seed, and
 * {@code -Dfastgpu.kill.seed=N} (or {@code FASTGPU_KILL_SEED=N}) replays it.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AliyunKillAndRelaunchTest {
    private static final String JOB = "killjob";
    private static final Set<String> TASKS = Set.of("task0." + JOB, "task1." + JOB);
    private static final String KEY_ID = "LTAI-kill-test";
    private static final String SECRET = "emulated-secret-" + Long.toHexString(new SecureRandom().nextLong());
    private static final int DATA_FILES = 24;
    private static final int DATA_FILE_BYTES = 1 << 20;
    private static final int EPOCHS = 8;

    /** What is done to the machines before the launch that is then killed. */
    private enum Before {
        /** Nothing: the launch finds them as the killed one left them. */
        AS_LEFT,
        /** Stopped (and waited for): the launch starts them. */
        STOPPED,
        /** Released: the launch creates them again. */
        RELEASED,
        /** A third of the data files rewritten, as a user edits between launches: the upload has work again. */
        EDITED
    }

    /**
     * Kill {@code delay} ms after the first output line containing {@code after} (after the process started, when
     * null), the delay drawn from {@code [minMs, maxMs]}.
     */
    private record KillPoint(String phase, Before before, String after, int minMs, int maxMs) { }

    private static final List<KillPoint> PLAN = List.of(
            // From nothing: the key pair, the network, RunInstances, the wait for boot and SSH.
            new KillPoint("provisioning", Before.AS_LEFT, "Creating key pair", 0, 300),
            new KillPoint("provisioning", Before.AS_LEFT, "== init", 500, 5_000),
            new KillPoint("provisioning", Before.AS_LEFT, "== init", 500, 5_000),
            new KillPoint("upload", Before.AS_LEFT, "== upload", 0, 1_000),
            // Both machines created at once again, in the network that is there now.
            new KillPoint("provisioning", Before.RELEASED, "Creating task1." + JOB, 0, 1_500),
            new KillPoint("provisioning", Before.AS_LEFT, "== init", 0, 2_000),
            new KillPoint("upload", Before.EDITED, "== upload", 0, 800),
            new KillPoint("provisioning", Before.STOPPED, "Starting stopped", 0, 1_200),
            new KillPoint("training", Before.AS_LEFT, "== train", 0, 3_000),
            new KillPoint("upload", Before.EDITED, "== upload", 0, 800),
            new KillPoint("training", Before.AS_LEFT, "epoch 5", 0, 500),
            new KillPoint("anywhere", Before.AS_LEFT, null, 2_000, 12_000),
            new KillPoint("download", Before.AS_LEFT, "== download", 0, 200),
            new KillPoint("stop", Before.AS_LEFT, "== stop", 0, 30));
    private static final int MIN_KILLS = 10;

    @TempDir Path tmp;
    private EmulatedCloud cloud;
    private Cli cli;
    private final long seed = seed();
    /** What happened so far, one line per launch: for failure messages. */
    private final List<String> journal = new ArrayList<>();
    /** The instance id of each task since the test last released them: a relaunch must never replace one. */
    private final Map<String, String> idOfTask = new LinkedHashMap<>();
    private ForkedCli child;

    private static long seed() {
        String s = System.getProperty("fastgpu.kill.seed", System.getenv("FASTGPU_KILL_SEED"));
        return s == null || s.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(s.strip());
    }

    @BeforeEach
    void setUp() throws IOException {
        cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey(KEY_ID, SECRET).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(800)).stopLatency(Duration.ofSeconds(3)).build(),
                0, tmp.resolve("machines"), freePort());
        cli = new Cli(tmp.resolve("client"));
        Map<String, String> env = new LinkedHashMap<>(cloud.environment(KEY_ID, SECRET));
        env.put("FASTGPU_ALIYUN_THROTTLE_SECONDS", "10");
        env.put("USER", "tester");
        cli.env(env);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (child != null) child.close();
            if (!cloud.api().instances().isEmpty()) cli.run("kill", "--yes", "{" + JOB + "}");
        } finally {
            cloud.close();
        }
    }

    @Test
    void killedAtRandomMomentsTheLaunchNeverDuplicatesOrLosesAnInstanceAndFinallyCompletes() throws Exception {
        writeJob();
        Random random = new Random(seed);
        int kills = 0;
        for (int n = 0; n < PLAN.size(); n++) {
            KillPoint k = PLAN.get(n);
            prepare(k.before(), random);
            int delay = k.minMs() + random.nextInt(k.maxMs() - k.minMs() + 1);
            String point = (n + 1) + ". " + k.phase() + " (" + k.before() + "): "
                    + (k.after() == null ? delay + " ms after the start" : delay + " ms after '" + k.after() + "'");
            child = launch();
            if (k.after() != null && !child.awaitLine(k.after(), Duration.ofSeconds(90))) {
                throw failure(point + ": the launch never printed '" + k.after() + "'", child);
            }
            long wait = k.after() == null ? Math.max(0, delay - child.ageMillis()) : delay;
            if (child.awaitExit(wait)) {
                // Ended by itself before the kill: then it must have succeeded.
                if (child.exitCode() != 0) throw failure(point + ": the launch failed by itself (exit " + child.exitCode() + ")", child);
                journal.add(point + ": completed before the kill");
            } else {
                String phase = child.lastPhase();
                child.kill();
                kills++;
                journal.add(point + ": killed in phase '" + phase + "' after " + child.ageMillis() + " ms");
            }
            checkEverythingAccountedFor(point, child);
            journal.set(journal.size() - 1, journal.get(journal.size() - 1) + "; left " + describe(cloud.api().instances()));
            if (Boolean.getBoolean("fastgpu.kill.verbose")) System.out.println("=== " + point + "\n" + child.output());
        }
        assertThat(kills).as("launches killed (not completed first); %s", context()).isGreaterThanOrEqualTo(MIN_KILLS);

        // The launch left alone completes, on the same two machines, with the data the job file uploads.
        child = launch();
        if (!child.awaitExit(TimeUnit.MINUTES.toMillis(3)) || child.exitCode() != 0) {
            throw failure("the final launch did not complete" + (child.awaitExit(0) ? " (exit " + child.exitCode() + ")" : ""), child);
        }
        journal.add("final launch: completed in " + child.ageMillis() + " ms");
        checkEverythingAccountedFor("final launch", child);
        // Downloads land in a folder named like the run's log folder (killjob, killjob.01, ...): the launch says which.
        Matcher said = Pattern.compile("Downloads are in (\\S+)").matcher(child.output());
        assertThat(said.find()).as("the final launch says where its downloads are; %s", context()).isTrue();
        Path downloads = cli.workDir().resolve(said.group(1));
        assertThat(downloads.getParent().getFileName()).hasToString("fastgpu-out");
        assertThat(downloads.getFileName().toString()).matches(Pattern.quote(JOB) + "(\\.\\d+)?");
        Path model = downloads.resolve("model.txt");
        assertThat(model).as("the download of the final launch; %s", context()).exists();
        assertThat(Files.readString(model).strip()).as("the model trained on the uploaded data; %s", context())
                .isEqualTo("epoch " + EPOCHS + " data " + dataDigest());
        awaitStatus("Stopped");
        assertThat(cli.states()).as("after: stop; %s", context())
                .isEqualTo(Map.of("task0." + JOB, "stopped", "task1." + JOB, "stopped"));
        assertThat(idOfTask).as("the job's instances; %s", context()).containsOnlyKeys(TASKS);
        assertThat(cloud.api().instances()).as("instances at the end; %s", context())
                .extracting(InstanceView::instanceId).containsExactlyInAnyOrderElementsOf(idOfTask.values());

        cli.run("kill", "--yes", "{" + JOB + "}").expectExit(0);
        assertThat(cloud.api().instances()).as("instances after 'fastgpu kill'").isEmpty();
        System.out.println(AliyunKillAndRelaunchTest.class.getSimpleName() + ": " + kills + " kills, " + context());
    }

    /** The job folder: the job file, the training script and the data it trains on. */
    private void writeJob() throws IOException {
        cli.job(JOB, """
                name: %s
                machines: 2
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                upload: [data, train.sh]
                steps:
                  - {name: train, run: bash train.sh %d, on: all}
                  - {name: export, run: 'mkdir -p result && cp checkpoint.txt result/model.txt'}
                download: [result/model.txt]
                after: stop
                """.formatted(JOB, EPOCHS));
        cli.write(JOB + "/train.sh", """
                set -e
                sum=$(cat data/*.bin | md5sum | cut -d' ' -f1)
                for i in $(seq 1 "$1"); do
                  echo "epoch $i"
                  echo "epoch $i data $sum" > checkpoint.tmp && mv checkpoint.tmp checkpoint.txt
                  sleep 0.4
                done
                """);
        Files.createDirectories(dataDir());
        Random data = new Random(seed);
        for (int i = 0; i < DATA_FILES; i++) writeDataFile(i, data);
    }

    private Path dataDir() { return cli.workDir().resolve(JOB).resolve("data"); }

    private void writeDataFile(int i, Random random) throws IOException {
        byte[] bytes = new byte[DATA_FILE_BYTES];
        random.nextBytes(bytes);
        Files.write(dataDir().resolve(String.format("part-%02d.bin", i)), bytes);
    }

    /** The MD5 of the data files one after the other, as {@code cat data/*.bin | md5sum} has it. */
    private String dataDigest() throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (int i = 0; i < DATA_FILES; i++) md5.update(Files.readAllBytes(dataDir().resolve(String.format("part-%02d.bin", i))));
        return HexFormat.of().formatHex(md5.digest());
    }

    private ForkedCli launch() {
        return ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", JOB, "--yes");
    }

    private void prepare(Before before, Random random) throws Exception {
        switch (before) {
            case AS_LEFT -> { }
            case EDITED -> {
                for (int i = 0; i < DATA_FILES; i++) {
                    if (random.nextInt(3) == 0) writeDataFile(i, random);
                }
            }
            case STOPPED -> {
                for (JsonNode i : cli.instances()) {
                    if (!i.get("state").asText().equals("stopped")) cli.run("stop", i.get("name").asText()).expectExit(0);
                }
                awaitStatus("Stopped");
            }
            case RELEASED -> {
                if (!cloud.api().instances().isEmpty()) cli.run("kill", "--yes", "{" + JOB + "}").expectExit(0);
                assertThat(cloud.api().instances()).as("released by the test").isEmpty();
                idOfTask.clear();
            }
        }
    }

    /**
     * What a relaunch relies on: every instance the cloud has is one {@code ls} shows, no name twice, only the job's
     * two tasks, none replaced by another, and the state store still readable.
     */
    private void checkEverythingAccountedFor(String point, ForkedCli launch) throws InterruptedException {
        // A request the killed launch had sent may still be finishing in the cloud: let it.
        Thread.sleep(300);
        List<JsonNode> listed = cli.instances();
        List<InstanceView> cloudHas = cloud.api().instances();
        Set<String> listedIds = listed.stream().map(i -> i.get("id").asText()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> cloudIds = cloudHas.stream().map(InstanceView::instanceId).collect(Collectors.toCollection(TreeSet::new));
        List<String> problems = new ArrayList<>();
        if (!listedIds.equals(cloudIds)) {
            problems.add("'ls --stop' shows " + listedIds + " but the cloud has " + describe(cloudHas));
        }
        Map<String, List<String>> byName = cloudHas.stream().collect(Collectors.groupingBy(InstanceView::instanceName,
                Collectors.mapping(InstanceView::instanceId, Collectors.toList())));
        byName.forEach((name, ids) -> {
            if (ids.size() > 1) problems.add("duplicate instances named " + name + ": " + ids);
            if (!TASKS.contains(name)) problems.add("an instance that is not one of the job's tasks: " + name + " " + ids);
        });
        for (InstanceView v : cloudHas) {
            String before = idOfTask.putIfAbsent(v.instanceName(), v.instanceId());
            if (before != null && !before.equals(v.instanceId())) {
                problems.add(v.instanceName() + " was replaced: " + before + " is now " + v.instanceId());
            }
        }
        try (StateStore state = StateStore.open(cli.home())) {
            state.runs(1000);
        } catch (RuntimeException e) {
            problems.add("the state store cannot be read: " + e);
        }
        if (!problems.isEmpty()) throw failure(point + ": " + String.join("; ", problems), launch);
    }

    private void awaitStatus(String status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cloud.api().instances().stream().allMatch(v -> v.status().equals(status))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("instances not all " + status + ": " + describe(cloud.api().instances()) + "; " + context());
            }
            Thread.sleep(50);
        }
    }

    private static String describe(List<InstanceView> instances) {
        return instances.stream().map(v -> v.instanceName() + "=" + v.instanceId() + "(" + v.status() + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private String context() {
        return "seed " + seed + " (replay: -Dfastgpu.kill.seed=" + seed + ")\n" + String.join("\n", journal);
    }

    private AssertionError failure(String what, ForkedCli launch) {
        return new AssertionError(what + "\n" + context() + "\n--- last output of that launch (pid " + launch.pid() + ") ---\n"
                + launch.tail(40) + "\n---");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
