package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The resident agent's faults, with real processes: killed, stale, impossible, raced, replaced, idle. */
class AgentFaultsTest {
    @TempDir Path tmp;
    private final List<Cli> clis = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Cli c : clis) {
            try {
                c.killAll();
            } finally {
                c.run("agent", "stop");
            }
        }
    }

    private Cli cli(Path root, String idle) {
        Cli c = new Cli(root).env(Map.of("FASTGPU_AGENT", "on", "NO_COLOR", "1", "FASTGPU_AGENT_IDLE", idle));
        clis.add(c);
        return c;
    }

    private Cli cli() { return cli(tmp.resolve("r"), "120"); }

    private static Path agentDir(Cli c) { return c.home().resolve("agent"); }

    /** The pid the agent's file names, or -1. */
    private static long agentPid(Cli c) throws Exception {
        Path f = agentDir(c).resolve("agent.pid");
        return Files.exists(f) ? Long.parseLong(Files.readAllLines(f).get(0).trim()) : -1;
    }

    private static boolean alive(long pid) { return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); }

    private static Cli.Result ls(Cli c) { return ForkedRun.run(c.workDir(), c.childEnvironment(), "ls", "--stop"); }

    @Test
    void anAgentKilledMidCommandIsOneLineAndANonZeroExitAndTheNextCommandStartsAFreshOne() throws Exception {
        Cli c = cli();
        c.job("keep", "name: keep\nafter: keep\nsteps:\n  - {name: a, run: 'true'}\n");
        c.run("launch", "keep", "--yes").expectExit(0);
        try (ForkedCli exec = ForkedCli.start(c.workDir(), c.childEnvironment(), "exec", "task0.keep", "--", "echo started; sleep 351")) {
            assertThat(exec.awaitLine("started", Duration.ofSeconds(60))).as(exec.output()).isTrue();
            long pid = agentPid(c);
            assertThat(alive(pid)).isTrue();
            new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start().waitFor();
            assertThat(exec.awaitExit(20_000)).as(exec.output()).isTrue();
            exec.awaitOutputEnd();
            assertThat(exec.exitCode()).isEqualTo(1);
            assertThat(exec.output().lines().filter(l -> l.contains("agent")).toList())
                    .singleElement().asString().startsWith("error: the FastGPU agent (pid " + pid + ") ended during the command;");
            Cli.Result next = ls(c).expectExit(0);
            assertThat(next.out()).contains("task0.keep");
            assertThat(agentPid(c)).isNotEqualTo(pid).matches(AgentFaultsTest::alive);
        }
    }

    @Test
    void aStaleSocketAndPidFileAreReplaced() throws Exception {
        Cli c = cli();
        Path dir = agentDir(c);
        Files.createDirectories(dir);
        // What an agent killed with SIGKILL leaves: its socket file, and a pid file naming a process that is gone.
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(dir.resolve("agent.sock")));
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("agent.pid"), gone.pid() + "\nsomebuild\n0\n");
        assertThat(dir.resolve("agent.sock")).exists();

        ls(c).expectExit(0);

        assertThat(agentPid(c)).isNotEqualTo(gone.pid()).matches(AgentFaultsTest::alive);
        assertThat(Files.readString(dir.resolve("agent.log"))).contains("fastgpu ls exited 0");
    }

    @Test
    void aBadIdleTimeIsOneLineAndExitCodeTwoAndStartsNoAgent() throws Exception {
        Cli c = cli(tmp.resolve("bad"), "15 minutes");

        Cli.Result r = ls(c);

        r.expectExit(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: FASTGPU_AGENT_IDLE must be seconds or a number with s, m or h (900, 15m),"
                + " was '15 minutes'\n");
        assertThat(agentDir(c).resolve("agent.pid")).doesNotExist();
    }

    @Test
    void whereTheHomeCannotHoldASocketCommandsRunInTheirOwnProcessAndSaySoOnce() throws Exception {
        // A socket's path has at most 107 bytes: a home deeper than that cannot hold one, like a file system without them.
        Cli c = cli(tmp.resolve("d".repeat(60)).resolve("e".repeat(60)), "120");
        Map<String, String> off = new java.util.LinkedHashMap<>(c.childEnvironment());
        off.put("FASTGPU_AGENT", "off");
        Cli.Result inProcess = ForkedRun.run(c.workDir(), off, "ls", "--stop").expectExit(0);

        Cli.Result first = ls(c).expectExit(0);
        Cli.Result second = ls(c).expectExit(0);

        assertThat(first.out()).isEqualTo(inProcess.out());
        assertThat(first.err()).startsWith("fastgpu: the resident agent cannot run here (cannot listen on ")
                .endsWith("; commands run in their own process\n" + inProcess.err());
        assertThat(second.out()).isEqualTo(inProcess.out());
        assertThat(second.err()).isEqualTo(inProcess.err());
        assertThat(c.run("agent", "status").out()).contains("it cannot run here");
    }

    @Test
    void commandsRacingToStartTheAgentStartOne() throws Exception {
        Cli c = cli();
        List<CompletableFuture<Cli.Result>> racing = new ArrayList<>();
        for (int i = 0; i < 4; i++) racing.add(CompletableFuture.supplyAsync(() -> ls(c)));
        for (CompletableFuture<Cli.Result> r : racing) r.get().expectExit(0);

        String log = Files.readString(agentDir(c).resolve("agent.log"), StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains(" serves ")).count()).as(log).isEqualTo(1);
        assertThat(log).doesNotContain("another agent");
        assertThat(log.lines().filter(l -> l.contains("fastgpu ls exited 0")).count()).as(log).isEqualTo(4);
        // Only its user can reach it.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(agentDir(c)))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(agentDir(c).resolve("agent.sock")))).isEqualTo("rw-------");
    }

    @Test
    void anAgentOfAnotherBuildIsStoppedAndReplaced() throws Exception {
        Cli c = cli();
        ls(c).expectExit(0);
        long old = agentPid(c);
        Path pidFile = agentDir(c).resolve("agent.pid");
        List<String> lines = Files.readAllLines(pidFile);
        Files.writeString(pidFile, lines.get(0) + "\nanotherbuild\n" + lines.get(2) + "\n");

        ls(c).expectExit(0);

        assertThat(alive(old)).isFalse();
        assertThat(agentPid(c)).isNotEqualTo(old).matches(AgentFaultsTest::alive);
        assertThat(c.run("agent", "status").expectExit(0).out()).contains("agent running for " + c.home() + ": pid " + agentPid(c));
    }

    @Test
    void anIdleAgentExitsAndTakesItsSocketWithIt() throws Exception {
        Cli c = cli(tmp.resolve("idle"), "2s");
        ls(c).expectExit(0);
        long pid = agentPid(c);
        assertThat(alive(pid)).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> !alive(pid));
        assertThat(agentDir(c).resolve("agent.sock")).doesNotExist();
        assertThat(agentDir(c).resolve("agent.pid")).doesNotExist();
        assertThat(c.run("agent", "status").out()).startsWith("no agent is running");
    }

    @Test
    void anAgentWhoseHomeIsDeletedExitsWithoutWaitingForItsIdleTime() throws Exception {
        Cli c = cli(tmp.resolve("gone"), "120");
        ls(c).expectExit(0);
        long pid = agentPid(c);
        assertThat(alive(pid)).isTrue();
        // As `rm -rf ~/.fastgpu` would: nothing can reach the agent any more.
        try (var files = Files.walk(c.home())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
    }
}
