package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a careless command line gets: one line saying what is wrong and what to do, and nothing done. */
class CommandLineMistakesTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    private void keep(String job, int machines) {
        cli.run("launch", cli.job(job, "name: " + job + "\nmachines: " + machines + "\nafter: keep\n"
                + "steps: [{name: a, run: 'true'}]\n")).expectExit(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "99999999999"})
    void aTimeoutOutOfRangeIsAUsageErrorNamingTheOption(String seconds) {
        Cli.Result r = cli.run("exec", "--timeout", seconds, "task0.none", "--", "true").expectExit(2);

        assertThat(r.errLines()).containsExactly("error: --timeout must be 1..31622400 seconds, was " + seconds
                + "; leave it out to let the command run as long as it takes");
    }

    @Test
    void killWithNobodyToAnswerSaysToPassYes() {
        keep("solo", 1);

        Cli.Result r = cli.run("kill", "task0.solo").expectExit(1);

        assertThat(r.errLines()).last()
                .isEqualTo("Nothing was released. Without a terminal to answer on, pass --yes to release without asking.");
        assertThat(cli.states()).isEqualTo(Map.of("task0.solo", "running"));
    }

    @Test
    void aGroupNamedExactlyIsThatJobAloneNotEveryJobEndingTheSame() {
        keep("demo", 1);
        keep("gtc-demo", 2);

        Cli.Result r = cli.run("stop", "{demo}").expectExit(0);

        assertThat(r.outLines()).containsExactly("stop task0.demo: done");
        assertThat(cli.states()).isEqualTo(Map.of("task0.demo", "stopped", "task0.gtc-demo", "running",
                "task1.gtc-demo", "running"));
    }

    @Test
    void aSuffixStillSelectsTheOneJobEndingWithIt() {
        keep("gtc-demo", 2);

        Cli.Result r = cli.run("stop", "{demo}").expectExit(0);

        assertThat(r.outLines()).containsExactlyInAnyOrder("stop task0.gtc-demo: done", "stop task1.gtc-demo: done");
    }

    @Test
    void aSuffixEndingSeveralJobsIsRefusedListingThem() {
        keep("gtc-demo", 2);
        keep("cnn-demo", 1);

        Cli.Result r = cli.run("kill", "--yes", "{demo}").expectExit(2);

        assertThat(r.errLines()).containsExactly("error: '{demo}' is no job's name, and the instances of 2 jobs end with it: "
                + "task0.cnn-demo, task0.gtc-demo, task1.gtc-demo; name one job, e.g. {cnn-demo}");
        assertThat(cli.states()).hasSize(3);
    }
}
