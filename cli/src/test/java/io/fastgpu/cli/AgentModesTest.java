package io.fastgpu.cli;

import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same command lines, as a user's shell runs them, with the resident agent and without it
 * ({@code FASTGPU_AGENT=off}): the same stdout, stderr and exit codes; Ctrl-C reaches a launch in the agent as
 * it reaches one in its own process.
 */
class AgentModesTest {
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

    private Cli cli(String name, boolean agent) {
        Cli c = new Cli(tmp.resolve(name)).env(Map.of("FASTGPU_AGENT", agent ? "on" : "off", "NO_COLOR", "1",
                "FASTGPU_AGENT_IDLE", "120"));
        clis.add(c);
        c.job("trivial", "name: trivial\nsteps:\n  - {name: hello, run: echo hello}\n");
        c.job("keep", "name: keep\nafter: keep\nsteps:\n  - {name: cd, run: 'cd /tmp && export GREETING=hi'}\n");
        c.write("data/a.txt", "payload\n");
        return c;
    }

    /** What a command printed, with numbers (times, ages, run names) and the test's folder taken out. */
    private static String normal(String s, Cli c) {
        return s.replace(c.home().getParent().toString(), "ROOT").replaceAll("\\d+(\\.\\d+)?", "N");
    }

    private static final List<List<String>> SESSION = List.of(
            List.of("launch", "trivial", "--yes"),
            List.of("launch", "keep", "--yes"),
            List.of("exec", "task0.keep", "--", "echo $GREETING from $PWD"),
            List.of("exec", "--raw", "task0.keep", "--", "echo out; echo err >&2"),
            List.of("exec", "task0.keep", "--", "exit 3"),
            List.of("exec", "task0.nosuch", "--", "true"),
            List.of("exec", "task0.keep", "--timeout", "0", "--", "true"),
            List.of("scp", "data/a.txt", "task0.keep:/tmp/agent-modes-a.txt"),
            List.of("ls", "--stop"),
            List.of("ls", "--bogus"),
            List.of("logs", "keep"),
            List.of("launch", "no-such-folder"));

    @Test
    void everyCommandPrintsAndExitsTheSameWithAndWithoutTheAgent() {
        Cli off = cli("a", false);
        Cli on = cli("b", true);
        List<String> differences = new ArrayList<>();
        for (List<String> args : SESSION) {
            String[] a = args.toArray(String[]::new);
            Cli.Result without = ForkedRun.run(off.workDir(), off.childEnvironment(), a);
            Cli.Result with = ForkedRun.run(on.workDir(), on.childEnvironment(), a);
            if (without.exitCode() != with.exitCode() || !normal(without.out(), off).equals(normal(with.out(), on))
                    || !normal(without.err(), off).equals(normal(with.err(), on))) {
                differences.add(String.join(" ", args) + "\nwithout the agent: " + without + "\nwith the agent: " + with);
            }
        }
        assertThat(differences).isEmpty();
        // It was the agent that ran them: one started, for the commands that need connections.
        assertThat(on.home().resolve("agent/agent.log")).content().contains("fastgpu exec exited 1", "fastgpu launch exited 0");
        assertThat(off.home().resolve("agent")).doesNotExist();
    }

    @Test
    void ctrlCReachesALaunchInTheAgentAsItReachesOneInItsOwnProcess() throws Exception {
        Cli on = cli("c", true);
        String job = on.job("cut", "name: cut\nsteps:\n  - {name: long, run: sleep 341}\n  - {name: after, run: echo never ran}\n");
        Map<String, String> env = new LinkedHashMap<>(on.childEnvironment());
        try (ForkedCli launch = ForkedCli.start(on.workDir(), env, "launch", job, "--yes")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !LaunchPlanTest.processes("sleep 341").isEmpty());
            launch.signal("INT");
            assertThat(launch.awaitExit(30_000)).as(launch.output()).isTrue();
            launch.awaitOutputEnd();
            assertThat(launch.exitCode()).as(launch.output()).isEqualTo(130);
            assertThat(launch.output()).contains("interrupted (SIGINT): applying 'after: stop'")
                    .contains("interrupted: launch interrupted; the machines got 'after: stop'").doesNotContain("never ran");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> LaunchPlanTest.processes("sleep 341").isEmpty());
        assertThat(on.states()).containsEntry("task0.cut", "stopped");
        try (StateStore state = StateStore.open(on.home())) {
            assertThat(state.runs(10).get(0).status()).isEqualTo(RunRecord.INTERRUPTED);
        }
        // The agent lives on, and runs the next command.
        assertThat(Files.exists(on.home().resolve("agent/agent.sock"))).isTrue();
        assertThat(ForkedRun.run(on.workDir(), on.childEnvironment(), "ls", "--stop").expectExit(0).out()).contains("task0.cut");
    }

    @Test
    void ctrlCEndsAnExecInTheAgentWithTheSignalsExitCode() throws Exception {
        Cli on = cli("d", true);
        on.run("launch", "keep", "--yes").expectExit(0);
        try (ForkedCli exec = ForkedCli.start(on.workDir(), on.childEnvironment(), "exec", "task0.keep", "--", "echo started; sleep 342")) {
            assertThat(exec.awaitLine("started", Duration.ofSeconds(60))).as(exec.output()).isTrue();
            exec.signal("INT");
            assertThat(exec.awaitExit(30_000)).as(exec.output()).isTrue();
            assertThat(exec.exitCode()).isEqualTo(130);
        }
    }
}
