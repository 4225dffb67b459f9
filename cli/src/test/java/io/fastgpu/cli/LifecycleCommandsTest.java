package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** start, stop, kill and rename, on single instances and on {suffix} groups. */
class LifecycleCommandsTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
        cli.run("launch", cli.job("pair", "name: pair\nmachines: 2\nafter: keep\nsteps: [{name: a, run: 'true'}]\n"))
                .expectExit(0);
    }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    @Test
    void stopAndStartAGroup() {
        Cli.Result stop = cli.run("stop", "{pair}").expectExit(0);

        assertThat(stop.outLines()).containsExactlyInAnyOrder("stop task0.pair: done", "stop task1.pair: done");
        assertThat(cli.states()).isEqualTo(Map.of("task0.pair", "stopped", "task1.pair", "stopped"));

        Cli.Result start = cli.run("start", "{pair}").expectExit(0);

        assertThat(start.outLines()).containsExactlyInAnyOrder("start task0.pair: done", "start task1.pair: done");
        assertThat(cli.states()).isEqualTo(Map.of("task0.pair", "running", "task1.pair", "running"));
    }

    @Test
    void stopOneInstanceLeavesTheOtherRunning() {
        cli.run("stop", "task1.pair").expectExit(0);

        assertThat(cli.states()).isEqualTo(Map.of("task0.pair", "running", "task1.pair", "stopped"));
    }

    @Test
    void killAskingAndAnsweredNoReleasesNothing() {
        Cli.Result r = cli.runWithInput("n\n", "kill", "{pair}").expectExit(1);

        assertThat(r.err()).contains("Release task0.pair, task1.pair and delete their files? (y/N)", "Nothing was released.");
        assertThat(cli.states()).containsOnlyKeys("task0.pair", "task1.pair");
    }

    @Test
    void killWithNoAnswerAtAllReleasesNothing() {
        cli.runWithInput("", "kill", "task0.pair").expectExit(1);

        assertThat(cli.states()).containsOnlyKeys("task0.pair", "task1.pair");
    }

    @Test
    void killAnsweredYesReleasesTheGroup() {
        Cli.Result r = cli.runWithInput("y\n", "kill", "{pair}").expectExit(0);

        assertThat(r.outLines()).containsExactlyInAnyOrder("kill task0.pair: done", "kill task1.pair: done");
        assertThat(cli.instances()).isEmpty();
    }

    @Test
    void killWithFDoesNotAsk() {
        Cli.Result r = cli.runWithInput("n\n", "kill", "-f", "task0.pair").expectExit(0);

        assertThat(r.err()).doesNotContain("Release");
        assertThat(cli.states()).containsOnlyKeys("task1.pair");
    }

    @Test
    void renameChangesTheName() {
        Cli.Result r = cli.run("rename", "task0.pair", "keeper").expectExit(0);

        assertThat(r.outLines()).containsExactly("renamed task0.pair to keeper");
        assertThat(cli.states()).isEqualTo(Map.of("keeper", "running", "task1.pair", "running"));
    }

    @Test
    void renameToAnExistingNameFails() {
        Cli.Result r = cli.run("rename", "task0.pair", "task1.pair").expectExit(1);

        assertThat(r.errLines()).containsExactly("error: an instance named task1.pair already exists");
        assertThat(cli.states()).containsOnlyKeys("task0.pair", "task1.pair");
    }

    @Test
    void renameOfAGroupIsRefused() {
        Cli.Result r = cli.run("rename", "{pair}", "both").expectExit(1);

        assertThat(r.err()).contains("'{pair}' matches 2 instances; name one of them");
        assertThat(cli.states()).containsOnlyKeys("task0.pair", "task1.pair");
    }

    @Test
    void renameToAnInvalidNameIsAUsageError() {
        Cli.Result r = cli.run("rename", "task0.pair", "no spaces").expectExit(2);

        assertThat(r.err()).contains("new name 'no spaces' is invalid");
    }

    @Test
    void aMisspeltNameGetsASuggestion() {
        Cli.Result r = cli.run("stop", "task0.piar").expectExit(1);

        assertThat(r.errLines()).containsExactly("error: no instance named 'task0.piar' (did you mean 'task0.pair'?);"
                + " 'fastgpu ls --stop' lists them all");
        assertThat(cli.states()).isEqualTo(Map.of("task0.pair", "running", "task1.pair", "running"));
    }

    @Test
    void anUnrelatedNameGetsNoSuggestion() {
        Cli.Result r = cli.runWithInput("y\n", "kill", "something-else").expectExit(1);

        assertThat(r.err()).contains("no instance named 'something-else'").doesNotContain("did you mean");
        assertThat(cli.states()).hasSize(2);
    }

    @Test
    void aGroupThatMatchesNothingFails() {
        Cli.Result r = cli.run("start", "{nothing}").expectExit(1);

        assertThat(r.err()).contains("no instance name ends with 'nothing'");
    }
}
