package io.fastgpu.cli;

import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.emulator.aliyun.InstanceView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code autostop: {down: true}} on the emulated Alibaba Cloud with real SSH machines: with an instance RAM role
 * ({@code FASTGPU_ALIYUN_INSTANCE_ROLE}) an idle machine releases itself, by the machine itself, with the client killed
 * and nothing of FastGPU's alive on this side; without one it stops itself, and the launch says so in one line.
 * Idle periods are seconds here (the test-only short limits).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AliyunSelfReleaseTest {
    static final String SECRET = "release-test-secret-" + System.nanoTime();
    static final String ROLE = "FastGpuSelfRelease";
    static final String CAVEAT = "can only stop itself";
    @TempDir static Path tmp;
    EmulatedCloud cloud;
    Cli cli;
    ForkedCli child;

    @BeforeAll
    void start() throws IOException {
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey("LTAI-release", SECRET).loopbackAddresses(true)
                .instanceRole(ROLE).bootLatency(Duration.ofMillis(300)).stopLatency(Duration.ofSeconds(1)).build(),
                0, tmp.resolve("machines"), sshPort);
        System.setProperty("fastgpu.test.shortLimits", "true");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (child != null) child.close();
        if (cli != null) cli.killAll();
    }

    @AfterAll
    void stop() {
        System.clearProperty("fastgpu.test.shortLimits");
        if (cloud != null) cloud.close();
    }

    private Cli cli(String user, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(cloud.environment("LTAI-release", SECRET));
        env.put("USER", user);
        env.put("FASTGPU_TEST_SHORT_LIMITS", "1");
        env.putAll(extra);
        return new Cli(tmp.resolve(user)).env(env);
    }

    @Test
    void withAnInstanceRoleAnIdleMachineReleasesItselfWithTheClientKilled() throws Exception {
        cli = cli("alice", Map.of("FASTGPU_ALIYUN_INSTANCE_ROLE", ROLE));
        String job = cli.job("down", """
                name: down
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: {idle: 2s, down: true}
                steps:
                  - {name: wait, run: sleep 60}
                after: keep
                """);
        child = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job, "--yes");
        assertThat(child.awaitLine("== wait", Duration.ofSeconds(90))).as(child.output()).isTrue();
        assertThat(child.output()).doesNotContain(CAVEAT);
        String id = cloud.api().instances().get(0).instanceId();
        Path log = cloud.machines().home(id).resolve(".fastgpu/watchdog/watchdog.log");
        long deletesBefore = deleteInstanceCalls();
        child.kill();
        long killed = System.nanoTime();
        assertThat(fastgpuProcessesOnThisSide()).isEmpty();
        long deadline = killed + TimeUnit.SECONDS.toNanos(40);
        String lastLog = "";
        while (!cloud.api().instances().isEmpty()) {
            if (Files.exists(log)) lastLog = Files.readString(log);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not released: " + statuses() + "; watchdog log:\n" + lastLog);
            }
            Thread.sleep(100);
        }
        assertThat(lastLog).as("the watchdog's log, as last seen").doesNotContain("could not release")
                .doesNotContain("STS.").doesNotContain("SecurityToken");
        assertThat(deleteInstanceCalls()).as("the machine's own call").isEqualTo(deletesBefore + 1);
        // The idle period (2 s) counts from the watchdog's last poll that saw the step running, at most one poll (1 s
        // here, and the poll's own work) before the kill: the release comes no sooner than about a second after it.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).as("released after the idle period")
                .isBetween(800L, 40_000L);
        assertThat(fastgpuProcessesOnThisSide()).isEmpty();
    }

    @Test
    void withoutARoleTheMachineStopsItselfAndLaunchAndAutostopSaySoOnce() throws Exception {
        cli = cli("bob", Map.of());
        String job = cli.job("norole", """
                name: norole
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: {idle: 1m, down: true}
                steps:
                  - {name: hello, run: echo hi}
                after: keep
                """);
        assertSaidOnce(cli.run("launch", job, "--yes").expectExit(0));
        assertSaidOnce(cli.run("autostop", "task0.norole", "2s", "--down").expectExit(0));
        String id = cloud.api().instances().get(0).instanceId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!statuses().equals(List.of("Stopped"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("not stopped: " + statuses());
            Thread.sleep(200);
        }
        assertThat(Files.readString(cloud.machines().home(id).resolve(".fastgpu/watchdog/watchdog.log")))
                .contains("stopping the machine (down=true)").contains("no instance role");
    }

    @Test
    void aMachineBoughtWithoutTheRoleFallsBackToStoppingAndLogsWhy() throws Exception {
        cli = cli("carol", Map.of());
        String job = cli.job("late", """
                name: late
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: off
                steps:
                  - {name: hello, run: echo hi}
                after: keep
                """);
        cli.run("launch", job, "--yes").expectExit(0);
        cli.env(Map.of("FASTGPU_ALIYUN_INSTANCE_ROLE", ROLE)); // set only after the machine was bought without it
        Cli.Result r = cli.run("autostop", "task0.late", "2s", "--down").expectExit(0);
        assertThat(r.out() + r.err()).doesNotContain(CAVEAT);
        String id = cloud.api().instances().get(0).instanceId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!statuses().equals(List.of("Stopped"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("not stopped: " + statuses());
            Thread.sleep(200);
        }
        assertThat(Files.readString(cloud.machines().home(id).resolve(".fastgpu/watchdog/watchdog.log")))
                .contains("could not release instance " + id + " through instance role " + ROLE)
                .contains("HTTP 404").contains("shutting it down instead");
    }

    @Test
    void aRoleTheAccountLacksIsSaidInOneLineAndNothingIsLeftBought() {
        cli = cli("dave", Map.of("FASTGPU_ALIYUN_INSTANCE_ROLE", "NoSuchRole"));
        String job = cli.job("norole", """
                name: missing
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                steps: [{name: hi, run: echo hi}]
                """);
        Cli.Result r = cli.run("launch", job, "--yes");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).toList()).as(r.toString()).singleElement()
                .asString().contains("FASTGPU_ALIYUN_INSTANCE_ROLE").contains("InvalidRamRole.NotFound");
        assertThat(cloud.api().instances()).isEmpty();
    }

    /** The command warned once, in one line that says how to let the machine release itself. */
    private static void assertSaidOnce(Cli.Result r) {
        String said = r.out() + r.err();
        assertThat(said.split(CAVEAT, -1)).as(said).hasSize(2);
        assertThat(said.lines().filter(l -> l.contains(CAVEAT)).findFirst().orElseThrow())
                .contains("FASTGPU_ALIYUN_INSTANCE_ROLE");
    }

    private long deleteInstanceCalls() {
        var count = cloud.api().callCounts().get("DeleteInstance");
        return count == null ? 0 : count.calls();
    }

    private List<String> statuses() {
        return cloud.api().instances().stream().map(InstanceView::status).toList();
    }

    /** FastGPU client processes on this side other than this test's JVM (the killed launch must be gone). */
    private List<ProcessHandle> fastgpuProcessesOnThisSide() {
        long me = ProcessHandle.current().pid();
        String home = "FASTGPU_HOME=" + cli.childEnvironment().get("FASTGPU_HOME");
        return ProcessHandle.allProcesses().filter(p -> p.pid() != me).filter(p -> {
            try {
                return List.of(Files.readString(Path.of("/proc/" + p.pid() + "/environ")).split("\0")).contains(home);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).toList();
    }
}
