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
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost guard on the emulated Alibaba Cloud with real SSH machines: the watchdog each launch leaves on its
 * machines stops them when idle or past the job's deadline, with the client killed (SIGKILL) and nothing of
 * FastGPU's alive on this side; a busy machine is not stopped. Idle periods and caps are seconds here (the
 * test-only short limits).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AliyunCostGuardTest {
    static final String SECRET = "guard-test-secret-" + System.nanoTime();
    /** ecs.g7.xlarge in the emulator's price list. */
    static final double HOURLY = 0.80;
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
        cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey("LTAI-guard", SECRET).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(300)).stopLatency(Duration.ofSeconds(1)).build(), 0, tmp.resolve("machines"), sshPort);
        Map<String, String> env = new HashMap<>(cloud.environment("LTAI-guard", SECRET));
        env.put("USER", "alice");
        env.put("FASTGPU_TEST_SHORT_LIMITS", "1");
        cli = new Cli(tmp.resolve("cli")).env(env);
        System.setProperty("fastgpu.test.shortLimits", "true");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (child != null) child.close();
        cli.killAll();
    }

    @AfterAll
    void stop() {
        System.clearProperty("fastgpu.test.shortLimits");
        if (cloud != null) cloud.close();
    }

    @Test
    void anIdleMachineStopsItselfWithTheClientKilledButNotWhileAStepRuns() throws Exception {
        String job = cli.job("idle", """
                name: idle
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: {idle: 3s}
                steps:
                  - {name: work, run: 'setsid bash -c "sleep 10 && echo worked > done.txt" > /dev/null 2>&1 < /dev/null & echo started'}
                  - {name: wait, run: sleep 30}
                after: keep
                """);
        child = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job, "--yes");
        assertThat(child.awaitLine("== wait", Duration.ofSeconds(90))).as(child.output()).isTrue();
        child.kill();
        long killed = System.nanoTime();
        assertThat(fastgpuProcessesOnThisSide()).isEmpty();
        // The killed client's step ends with its connection, but the work it started in the background runs on
        // (10 s): busy, so the machine stays up well past the idle period.
        Thread.sleep(6_000);
        assertThat(statuses()).as("busy with the step").containsOnly("Running");
        awaitAll("Stopped"::equals, Duration.ofSeconds(40));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
        assertThat(seconds).as("stopped after the step ended and the idle period passed").isBetween(8L, 40L);
        assertThat(Files.readString(cloud.machines().home(instanceId()).resolve("done.txt")).strip()).isEqualTo("worked");
        assertThat(Files.readString(cloud.machines().home(instanceId()).resolve(".fastgpu/watchdog/watchdog.log")))
                .contains("idle for").contains("stopping the machine");
    }

    @Test
    void anInteractiveSessionKeepsTheMachineUp() throws Exception {
        String job = cli.job("session", """
                name: session
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: 2s
                steps:
                  - {name: hello, run: echo hi}
                after: keep
                """);
        cli.run("launch", job, "--yes").expectExit(0);
        // A login shell with a terminal, as 'fastgpu ssh' opens one (sshd marks it with SSH_TTY); not FastGPU's command.
        cli.run("exec", "task0.session", "--", "env -u FASTGPU_INSTANCE_ID SSH_TTY=/dev/pts/7 setsid nohup sleep 9 >/dev/null 2>&1 &")
                .expectExit(0);
        Thread.sleep(6_000);
        assertThat(statuses()).as("an interactive session is open").containsOnly("Running");
        awaitAll("Stopped"::equals, Duration.ofSeconds(30));
    }

    @Test
    void maxCostStopsTheJobWhileTheClientLivesAndSaysSo() throws Exception {
        String job = cli.job("capped", """
                name: capped
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: off
                max_cost: %.6f
                steps:
                  - {name: train, run: sleep 300}
                after: keep
                """.formatted(HOURLY * 6 / 3600));
        long t0 = System.nanoTime();
        Cli.Result r = cli.run("launch", job, "--yes");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
        assertThat(r.out() + r.err()).contains("max_cost 0.0013 reached").contains("stopping job capped");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("cut short by the cap").isLessThan(240);
        awaitAll("Stopped"::equals, Duration.ofSeconds(20));
    }

    @Test
    void theDeadlineOnTheMachineStopsItWithEveryClientKilled() throws Exception {
        String job = cli.job("deadline", """
                name: deadline
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge}
                autostop: off
                max_duration: 8s
                steps:
                  - {name: train, run: sleep 120}
                after: keep
                """);
        child = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job, "--yes");
        assertThat(child.awaitLine("== train", Duration.ofSeconds(90))).as(child.output()).isTrue();
        child.kill();
        assertThat(fastgpuProcessesOnThisSide()).isEmpty();
        assertThat(statuses()).containsOnly("Running");
        awaitAll("Stopped"::equals, Duration.ofSeconds(40));
        assertThat(Files.readString(cloud.machines().home(instanceId()).resolve(".fastgpu/watchdog/watchdog.log")))
                .contains("deadline reached");
    }

    @Test
    void aCapBelowAnHourOrATooShortIdlePeriodIsRefusedBeforeAnythingIsBought() {
        System.clearProperty("fastgpu.test.shortLimits");
        try {
            Cli plain = new Cli(tmp.resolve("plain")).env(new HashMap<>(cloud.environment("LTAI-guard", SECRET)));
            String cheap = plain.job("cheap", """
                    name: cheap
                    backend: aliyun
                    resources: {instance_type: ecs.g7.xlarge}
                    max_cost: 0.10
                    steps: [{name: hi, run: echo hi}]
                    """);
            Cli.Result r = plain.run("launch", cheap, "--yes").expectExit(2);
            assertThat(r.err().strip()).contains("max_cost 0.10 is below the price of one hour of the job's 1 machine(s) (0.80 per hour")
                    .doesNotContain("\n");
            String hasty = plain.job("hasty", """
                    name: hasty
                    backend: aliyun
                    autostop: 10s
                    steps: [{name: hi, run: echo hi}]
                    """);
            assertThat(plain.run("launch", hasty, "--yes").expectExit(2).err().strip())
                    .contains("autostop: 10s is shorter than a minute").doesNotContain("\n");
            assertThat(cloud.api().instances()).isEmpty();
        } finally {
            System.setProperty("fastgpu.test.shortLimits", "true");
        }
    }

    private String instanceId() {
        return cloud.api().instances().get(0).instanceId();
    }

    private List<String> statuses() {
        return cloud.api().instances().stream().map(InstanceView::status).toList();
    }

    private void awaitAll(Predicate<String> status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cloud.api().instances().isEmpty() || !cloud.api().instances().stream().allMatch(v -> status.test(v.status()))) {
            if (System.nanoTime() > deadline) throw new AssertionError("instances: " + statuses() + "; " + watchdogs());
            Thread.sleep(200);
        }
    }

    /** Each machine's watchdog log and status, for failure messages. */
    private String watchdogs() {
        StringBuilder b = new StringBuilder();
        for (InstanceView v : cloud.api().instances()) {
            Path d = cloud.machines().home(v.instanceId()).resolve(".fastgpu/watchdog");
            for (String f : List.of("watchdog.log", "status", "settings")) {
                try {
                    b.append(v.instanceId()).append(' ').append(f).append(":\n").append(Files.readString(d.resolve(f)));
                } catch (IOException e) {
                    b.append(v.instanceId()).append(' ').append(f).append(": none\n");
                }
            }
        }
        return b.toString();
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
